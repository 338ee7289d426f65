#include "workload/trace/open_trace.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "workload/trace/champsim_reader.hpp"
#include "workload/trace/lackey_reader.hpp"
#include "workload/trace/mvt_format.hpp"
#include "workload/trace/mvt_reader.hpp"
#include "workload/trace/trace_error.hpp"
#include "workload/trace/xz_source.hpp"

namespace memvirt {
namespace {

using Format = TraceSpec::Format;

// Gives back the bytes sniffed from the front of a source (which may be a pipe), then the rest.
class PeekedSource final : public ByteSource {
 public:
  PeekedSource(std::unique_ptr<ByteSource> in, std::vector<uint8_t> head)
      : ByteSource(in->name()), in_(std::move(in)), head_(std::move(head)) {}
  size_t read(std::span<uint8_t> out) override {
    const size_t n = std::min(out.size(), head_.size() - pos_);
    std::copy_n(head_.begin() + static_cast<ptrdiff_t>(pos_), n, out.begin());
    pos_ += n;
    return n + (n < out.size() ? in_->read(out.subspan(n)) : 0);
  }
  std::optional<uint64_t> size() const override { return in_->size(); }
  void seek(uint64_t offset) override {
    in_->seek(offset);
    pos_ = head_.size();
  }

 private:
  std::unique_ptr<ByteSource> in_;
  std::vector<uint8_t> head_;
  size_t pos_ = 0;
};

bool has_prefix(const std::vector<uint8_t>& head, const uint8_t* magic, size_t size) {
  return head.size() >= size && std::memcmp(head.data(), magic, size) == 0;
}

bool ends_with(const std::string& s, std::string_view suffix) { return s.ends_with(suffix); }

Format by_name(const std::string& path) {
  if (ends_with(path, ".mvt")) return Format::kMvt;
  if (ends_with(path, ".lackey")) return Format::kLackey;
  if (path.find(".champsim") != std::string::npos) return Format::kChampSim;
  return Format::kAuto;
}

Format by_content(const std::vector<uint8_t>& head) {
  if (has_prefix(head, mvt::kMagic.data(), mvt::kMagic.size())) return Format::kMvt;
  if (has_prefix(head, kXzMagic, sizeof kXzMagic)) return Format::kChampSim;
  const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
  for (std::string_view start : {"==", "--", "I  ", " L ", " S ", " M "}) {
    if (text.starts_with(start)) return Format::kLackey;
  }
  return Format::kAuto;
}

// CloudSuite traces carry no mark of their own (an xz stream of 96-byte records), so their
// name tells them from plain ChampSim ones.
Format champsim_variant(const std::string& path, Format f) {
  const bool cloudsuite = std::filesystem::path(path).filename().string().find("cloudsuite") !=
                          std::string::npos;
  return f == Format::kChampSim && cloudsuite ? Format::kChampSimCloudSuite : f;
}

Format detect(const std::string& path, const std::vector<uint8_t>& head) {
  static constexpr uint8_t kGzipMagic[2] = {0x1f, 0x8b};
  if (has_prefix(head, kGzipMagic, sizeof kGzipMagic))
    throw TraceError(path, 0,
                     "gzip-compressed trace: gunzip it first (ChampSim traces may be "
                     "read xz-compressed)");
  Format f = by_content(head);
  if (f == Format::kAuto) f = by_name(path);
  if (f == Format::kAuto)
    throw TraceError(path, 0,
                     "cannot tell the trace format from its first bytes or its name "
                     "(expected .mvt, xz, lackey text, or a name ending in .mvt, "
                     ".champsim or .lackey); give format=mvt|lackey|champsim|"
                     "champsim-cloudsuite");
  return champsim_variant(path, f);
}

std::vector<uint8_t> sniff(ByteSource& src) {
  std::vector<uint8_t> head(8);
  head.resize(src.read(head));
  return head;
}

}  // namespace

TraceSpec::Format detect_trace_format(const std::string& path) {
  const auto src = open_source(path);
  return detect(path, sniff(*src));
}

std::unique_ptr<TraceReader> open_trace(const std::string& path, Format format) {
  auto raw = open_source(path);
  std::vector<uint8_t> head = sniff(*raw);
  if (format == Format::kAuto) format = detect(path, head);
  const bool xz = has_prefix(head, kXzMagic, sizeof kXzMagic);
  std::unique_ptr<ByteSource> src = std::make_unique<PeekedSource>(std::move(raw), std::move(head));
  switch (format) {
    case Format::kMvt:
      return std::make_unique<MvtReader>(std::move(src));
    case Format::kLackey:
      return std::make_unique<LackeyReader>(std::move(src));
    case Format::kChampSim:
    case Format::kChampSimCloudSuite:
    case Format::kAuto:
      break;
  }
  if (xz) src = std::make_unique<XzSource>(std::move(src));
  return std::make_unique<ChampSimReader>(
      std::move(src),
      format == Format::kChampSimCloudSuite ? kCloudSuiteLayout : kChampSimLayout);
}

}  // namespace memvirt
