#pragma once
// Page size as a value: 4 KiB, 2 MiB or 1 GiB, each tied to the paging level that maps it.
#include <cstdint>
#include <optional>
#include <string_view>

namespace memvirt {

enum class PageSize : uint8_t { k4K = 0, k2M = 1, k1G = 2 };

inline constexpr int kPageSizeCount = 3;
inline constexpr uint64_t kTableBytes = 4096;
inline constexpr int kEntriesPerTable = 512;

constexpr int page_shift(PageSize s) { return 12 + 9 * static_cast<int>(s); }
constexpr uint64_t page_bytes(PageSize s) { return uint64_t{1} << page_shift(s); }
// Level of the paging structure whose entry maps a page of this size (1 = PT, 2 = PD, 3 = PDPT).
constexpr int leaf_level(PageSize s) { return 1 + static_cast<int>(s); }
constexpr PageSize page_size_at_level(int level) { return static_cast<PageSize>(level - 1); }

constexpr std::string_view page_size_name(PageSize s) {
  switch (s) {
    case PageSize::k4K: return "4k";
    case PageSize::k2M: return "2m";
    case PageSize::k1G: return "1g";
  }
  return "?";
}

constexpr std::optional<PageSize> parse_page_size(std::string_view text) {
  if (text == "4k" || text == "4K") return PageSize::k4K;
  if (text == "2m" || text == "2M") return PageSize::k2M;
  if (text == "1g" || text == "1G") return PageSize::k1G;
  return std::nullopt;
}

}  // namespace memvirt
