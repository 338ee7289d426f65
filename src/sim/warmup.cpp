#include "sim/warmup.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

#include "text/message_quote.hpp"
#include "workload/measured_loop.hpp"

namespace memvirt {

WarmupPlan plan_warmup(const WorkloadSpec& spec, PageSize page, std::optional<uint64_t> warmup) {
  if (warmup) return {false, *warmup};
  if (!has_measured_loop(spec)) return {false, 0};
  return {true, MeasuredLoop(spec, WorkloadContext{page, 1}).warmup_accesses()};
}

std::unique_ptr<Workload> make_warm_workload(const WorkloadSpec& spec, const WorkloadContext& ctx,
                                             const WarmupPlan& plan) {
  if (plan.measured_loop) return std::make_unique<MeasuredLoop>(spec, ctx);
  return make_workload(spec, ctx);
}

std::string warmup_name(std::optional<uint64_t> warmup) {
  return warmup ? std::to_string(*warmup) : "auto";
}

std::optional<uint64_t> parse_warmup(const std::string& text) {
  if (text == "auto") return std::nullopt;
  uint64_t n = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw std::invalid_argument(
        fmt::format("{} is not a warm-up: give auto or a number of accesses", message_quote(text)));
  return n;
}

}  // namespace memvirt
