#include "calibrate/calibration_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "calibrate/calibration_record.hpp"
#include "calibrate/llc_shape.hpp"
#include "calibrate/model_fit.hpp"
#include "calibrate/preset_draft.hpp"
#include "calibrate/structure_fields.hpp"
#include "calibrate/tlb_fit.hpp"

namespace memvirt {
namespace {

using nlohmann::ordered_json;

uint32_t whole(double v, uint32_t at_least = 0) {
  return std::max<uint32_t>(at_least, static_cast<uint32_t>(std::lround(std::max(v, 0.0))));
}

// The measured point of `s` nearest (on a log scale) to the middle of [lo, hi].
const MeasuredPoint& middle_point(const MeasuredSeries& s, uint64_t lo, uint64_t hi) {
  const double mid = 0.5 * (std::log(static_cast<double>(lo)) + std::log(static_cast<double>(hi)));
  const MeasuredPoint* best = &s.points.front();
  for (const MeasuredPoint& p : s.points)
    if (std::abs(std::log(static_cast<double>(p.point.ws)) - mid) <
        std::abs(std::log(static_cast<double>(best->point.ws)) - mid))
      best = &p;
  return *best;
}

const MeasuredPoint& point_at(const MeasuredSeries& s, uint64_t ws) {
  for (const MeasuredPoint& p : s.points)
    if (p.point.ws == ws) return p;
  throw std::logic_error("no measured point at " + format_size(ws));
}

std::string plateau_text(const Plateau& p) {
  return fmt::format("{} to {} plateau, {:.1f} cycles", size_text(p.first_ws), size_text(p.last_ws),
                     p.value);
}

// The source of a figure the simulator fit: the point, what the model predicts there with it,
// what was measured, and the loads and walks per step the figure multiplies.
std::string fit_source(const char* role, const FitTarget& t, const std::array<double, 3>& per,
                       double predicted, PagingMode mode, double cycles_per_tick,
                       const std::string& note) {
  return fmt::format(
      "fit: with it (and the two figures beside it) the simulator predicts {}, {} ({} mode, "
      "frames scattered), at {:.1f} cycles, measured {:.1f} ({:.0f} ticks); per step there "
      "{:.2f} LLC hits, {:.2f} memory loads, {:.2f} walks{}",
      role, t.point.key(), paging_mode_name(mode), predicted, t.measured_cycles,
      t.measured_cycles / cycles_per_tick, per[0], per[1], per[2], note.empty() ? "" : "; " + note);
}

// One fit, its draft and the inputs it reads; the steps run in order, each filling fields.
class Fitter {
 public:
  explicit Fitter(const FitInputs& in)
      : in_(in),
        draft_(in.base.name),
        sizes_(plan_sizes(in.structure, in.base.name)),
        cpt_(in.measured.cycles_per_tick()) {}

  FitOutcome run() {
    identity();
    structure_fields(draft_, in_.structure);
    clock();
    huge_pages();
    attempt("caches", [&] { caches(); });
    tlb_part();
    attempt("tlb-4k", [&] { tlb(); });
    host();
    if (llc_target_ && memory_target_ && walk_target_) {
      latencies();
    } else {
      draft_.keep("walk.start_cycles", "this quick run's curves gave no points to fit it on");
    }
    attempt("stream", [&] { bandwidth(); });
    attempt("stride", [&] { stride(); });
    draft_.put("calibration", calibration_record(in_, {fitted_points_, notes_, outer_}));
    draft_.model();  // refuses figures no preset may hold, before anything is written
    return {draft_.json(), report_};
  }

 private:
  template <typename Step>
  void attempt(const std::string& series, Step step) {
    try {
      step();
    } catch (const FitError& e) {
      if (!in_.quick) throw FitError(fmt::format("series {}: {}", series, e.what()));
      report_.push_back(
          fmt::format("{}: not fitted in this quick run ({}); base values kept", series, e.what()));
      notes_.push_back(fmt::format("{}: {}", series, e.what()));
    }
  }

  const MeasuredSeries& series(const std::string& name) const {
    const MeasuredSeries* s = in_.measured.find(name);
    if (!s || s->points.empty())
      throw FitError(fmt::format("the {} series was not measured", name));
    return *s;
  }

  void identity() {
    draft_.set("name", "host", "");
    draft_.set(
        "description",
        fmt::format("{}{}, calibrated by memvirt calibrate on {}", in_.structure.cpu.describe(),
                    in_.structure.cpu.hypervisor ? " as seen from a guest" : "", in_.date),
        "");
  }

  void huge_pages();
  void clock();
  void caches();
  void tlb_part();
  void tlb();
  void host();
  void latencies();
  void bandwidth();
  void stride();

  const FitInputs& in_;
  PresetDraft draft_;
  PlanSizes sizes_;
  double cpt_;  // core cycles per TSC tick
  std::vector<std::string> report_;
  std::vector<std::string> notes_;
  std::vector<std::string> fitted_points_;
  std::optional<FitTarget> llc_target_, memory_target_, walk_target_;
  std::optional<OuterPageTest> outer_;
};

// The 2 MiB series keep the TLB out only if the kernel gave them huge pages (transparent huge
// pages may be off, or memory too fragmented): say where it did not.
void Fitter::huge_pages() {
  for (const MeasuredSeries& s : in_.measured.series) {
    size_t short_of = 0;
    for (const MeasuredPoint& p : s.points) {
      const uint64_t want = (p.point.ws + (2 << 20) - 1) / (2 << 20) * (2 << 20);
      if (p.point.page == PageSize::k2M && p.huge_bytes * 10 < want * 9) ++short_of;
    }
    if (short_of == 0) continue;
    const std::string note = fmt::format(
        "{}: {} of {} points got less than 90% of their data on 2 MiB pages (see "
        "/sys/kernel/mm/transparent_hugepage/enabled); their TLB costs are in the figures",
        s.plan.name, short_of, s.points.size());
    report_.push_back("warning: " + note);
    notes_.push_back(note);
  }
}

void Fitter::clock() {
  const CoreClock& c = in_.measured.clock;
  const auto hi = std::max_element(c.run_ticks.begin(), c.run_ticks.end());
  draft_.set(
      "core_ghz", std::round(c.ghz * 1000) / 1000,
      fmt::format("measured: {} dependent register adds (one cycle each) took {:.0f} TSC "
                  "ticks (the fastest of {} runs, the slowest {:.0f}) at a TSC of {:.3f} GHz: "
                  "{:.3f} GHz",
                  c.adds, c.ticks, c.run_ticks.size(), *hi, in_.measured.tsc_ghz, c.ghz));
  report_.push_back(fmt::format("clock: core {:.3f} GHz, TSC {:.3f} GHz ({:.3f} cycles per tick)",
                                c.ghz, in_.measured.tsc_ghz, cpt_));
}

void Fitter::caches() {
  const MeasuredSeries& s = series("caches");
  const uint64_t top = std::numeric_limits<uint64_t>::max();
  const std::vector<LevelHint> hints = {{"L1D", 0, sizes_.l1d_bytes * 3 / 2},
                                        {"L2", sizes_.l1d_bytes * 2 / 3, sizes_.l2_bytes * 3 / 2},
                                        // From a quarter of the L2: whatever shares the core
                                        // can take most of it (an L2 plateau seen to end at
                                        // 640 KiB of 2 MiB, the LLC's starting at 1 MiB).
                                        {"LLC", sizes_.l2_bytes / 4, sizes_.l3_bytes * 3 / 2},
                                        {"memory", sizes_.l2_bytes * 2, top}};
  const std::vector<LevelFit> f = fit_levels(cycles_curve(s, cpt_), hints);
  const LevelFit &l1 = f[0], &l2 = f[1], &llc = f[2], &mem = f[3];
  const auto cliff = [](const LevelFit& l, uint64_t nominal) {
    return fmt::format("cost leaves it at about {} (between {} and {}; CPUID: {})",
                       size_text(*l.capacity), size_text(l.cliff_below), size_text(l.cliff_above),
                       size_text(nominal));
  };
  const uint32_t l1_lat = whole(l1.plateau.value, 1);
  draft_.set("caches.l1d.latency_cycles", l1_lat,
             fmt::format("measured: caches series, {}; {}", plateau_text(l1.plateau),
                         cliff(l1, sizes_.l1d_bytes)));
  draft_.set("caches.l2.latency_cycles", whole(l2.plateau.value, l1_lat + 1),
             fmt::format("measured: caches series, {}; {}", plateau_text(l2.plateau),
                         cliff(l2, sizes_.l2_bytes)));
  const uint64_t share = std::min<uint64_t>(*llc.capacity, sizes_.l3_bytes);
  const LlcShape shape = llc_shape(share, in_.structure.cache(3));
  draft_.set("caches.llc.size_kib", shape.size_bytes / 1024,
             fmt::format("measured: the effective LLC share, not the L3's {}: caches series, {}; "
                         "{}, rounded to {} by the shape below",
                         size_text(sizes_.l3_bytes), plateau_text(llc.plateau),
                         cliff(llc, sizes_.l3_bytes), size_text(shape.size_bytes)));
  draft_.set("caches.llc.ways", shape.ways, shape.why);
  // The plateau figures themselves, until the simulator fits them (latencies()).
  const std::string unfitted = "; the plateau's own figure, not fitted with the simulator";
  draft_.set("caches.llc.latency_cycles", whole(llc.plateau.value, 1),
             "measured: caches series, " + plateau_text(llc.plateau) + unfitted);
  draft_.set("caches.memory_latency_cycles", whole(mem.plateau.value, 1),
             "measured: caches series, " + plateau_text(mem.plateau) + unfitted);
  const MeasuredPoint& lp = middle_point(s, llc.plateau.first_ws, llc.plateau.last_ws);
  const MeasuredPoint& mp = middle_point(s, mem.plateau.first_ws, mem.plateau.last_ws);
  llc_target_ = FitTarget{lp.point, lp.ticks * cpt_};
  memory_target_ = FitTarget{mp.point, mp.ticks * cpt_};
  for (const LevelFit& l : f)
    report_.push_back(fmt::format("caches: {} {}{}", l.name, plateau_text(l.plateau),
                                  l.capacity ? ", cliff at about " + size_text(*l.capacity) : ""));
}

// What 4 KiB pages add to the caches series' walks, at the largest working set both measured.
void Fitter::tlb_part() {
  const MeasuredSeries* s4 = in_.measured.find("caches-4k");
  const MeasuredSeries* s2 = in_.measured.find("caches");
  if (!s4 || !s2) return;
  for (auto p = s4->points.rbegin(); p != s4->points.rend(); ++p)
    for (const MeasuredPoint& q : s2->points)
      if (q.point.ws == p->point.ws) {
        report_.push_back(
            fmt::format("caches-4k: {:.1f} cycles a step at {} with 4 KiB pages, "
                        "{:.1f} with 2 MiB pages",
                        p->ticks * cpt_, size_text(q.point.ws), q.ticks * cpt_));
        return;
      }
}

void Fitter::tlb() {
  const MeasuredSeries& s = series("tlb-4k");
  const TlbSizes sizes{sizes_.l1_tlb_entries, sizes_.l2_tlb_entries, sizes_.l1d_bytes / 64,
                       sizes_.l2_bytes / 64};
  const TlbReading r = read_tlb_curve(cycles_curve(s, cpt_), sizes);
  draft_.set("tlb.l2_hit_cycles", whole(r.l2_hit_cycles),
             fmt::format("measured: tlb-4k series, {:.1f} cycles with the pages within the L1 TLB "
                         "({} to {}) and {:.1f} beyond it, within the L2 TLB ({} to {}), the lines "
                         "in the L1D in both: the difference",
                         r.l1_hit_level, size_text(r.l1_lo), size_text(r.l1_hi), r.l2_hit_level,
                         size_text(r.l2_lo), size_text(r.l2_hi)));
  if (r.l1_reach_pages) {
    const std::string key = "tlb.l1.4k";
    draft_.cite(key, draft_.sources().at(key) +
                         fmt::format("; measured: the cost leaves the L1-TLB plateau at about {} "
                                     "pages",
                                     *r.l1_reach_pages));
  }
  const MeasuredPoint& wp = point_at(s, r.walk_ws);
  walk_target_ = FitTarget{wp.point, wp.ticks * cpt_};
  report_.push_back(fmt::format(
      "tlb-4k: {:.1f} cycles in the L1 TLB, {:.1f} in the L2 TLB, {:.1f} "
      "walking at {}{}",
      r.l1_hit_level, r.l2_hit_level, r.walk_level, size_text(r.walk_ws),
      r.l1_reach_pages ? fmt::format("; L1 TLB reach about {} pages", *r.l1_reach_pages) : ""));
}

void Fitter::host() {
  const bool guest = in_.structure.cpu.hypervisor;
  ordered_json outer = nullptr;
  std::string why = "not a guest (CPUID.1:ECX[31] is clear): no outer pages";
  if (guest) {
    const MeasuredSeries* s2 = in_.measured.find("tlb-2m");
    const MeasuredSeries* s4 = in_.measured.find("tlb-4k");
    if (s2 && s4) {
      const TlbSizes sizes{sizes_.l1_tlb_entries, sizes_.l2_tlb_entries, sizes_.l1d_bytes / 64,
                           sizes_.l2_bytes / 64};
      outer_ = outer_page_test(cycles_curve(*s2, cpt_), cycles_curve(*s4, cpt_), sizes);
      why = "measured: " + outer_->why;
      if (outer_->verdict == OuterPage::k4K) outer = "4k";
      if (outer_->verdict == OuterPage::kLarge) outer = "2m";
      if (outer_->verdict == OuterPage::kUnclear) why += "; unclear, so null (predicted as 4k)";
    } else {
      why = "unclear: the tlb series were not measured";
    }
  }
  draft_.put("host", {{"cpu", in_.structure.cpu.describe()},
                      {"guest", guest},
                      {"outer_page", outer},
                      {"tsc_ghz", std::round(in_.measured.tsc_ghz * 10000) / 10000}});
  draft_.cite("host.guest",
              fmt::format("CPUID.1:ECX[31] (hypervisor present) is {}", guest ? 1 : 0));
  draft_.cite("host.outer_page", why);
  draft_.cite("host.tsc_ghz", "measured: TSC ticks against CLOCK_MONOTONIC_RAW over 100 ms");
  report_.push_back(fmt::format("host: {}, outer pages {} ({})", guest ? "a guest" : "not a guest",
                                outer.is_null() ? "null" : outer.get<std::string>(), why));
}

void Fitter::latencies() {
  const CpuModel model = draft_.model();
  const std::array<FitTarget, 3> targets = {*llc_target_, *memory_target_, *walk_target_};
  const LatencyFit f = fit_latencies(model, targets);
  const std::array<uint32_t, 3> values = {whole(f.llc_latency), whole(f.memory_latency),
                                          whole(f.walk_start)};
  const std::array<double, 3> draft_values = {double(model.caches.levels[2].latency),
                                              double(model.caches.memory_latency),
                                              double(model.walk_start)};
  const std::array<const char*, 3> keys = {"caches.llc.latency_cycles",
                                           "caches.memory_latency_cycles", "walk.start_cycles"};
  const std::array<const char*, 3> roles = {"an LLC-plateau point", "a memory-plateau point",
                                            "a point that walks on every step"};
  for (size_t i = 0; i < 3; ++i) {
    const WindowCost& w = f.draft[i];
    // The window cost is linear in the three figures: the prediction at the fitted values.
    const std::array<double, 3> per = {w.hits.size() > 2 ? w.hits[2] : 0, w.memory, w.walks};
    double predicted = w.cycles;
    for (size_t k = 0; k < 3; ++k) predicted += per[k] * (values[k] - draft_values[k]);
    const PagingMode mode =
        prediction_config(std::make_shared<const CpuModel>(model), targets[i].point.page).mode;
    draft_.set(keys[i], values[i],
               fit_source(roles[i], targets[i], per, predicted, mode, cpt_, f.note));
    fitted_points_.push_back(targets[i].point.key());
  }
  report_.push_back(fmt::format("fit: LLC {} cycles, memory {} cycles, walk start {} cycles{}",
                                values[0], values[1], values[2],
                                f.note.empty() ? "" : " (" + f.note + ")"));
}

void Fitter::bandwidth() {
  const MeasuredSeries& s = series("stream");
  const MeasuredPoint& p = s.points.front();
  const double measured = p.ticks * cpt_;
  const BandwidthFit f = fit_line_cycles(draft_.model(), measured);
  draft_.set("caches.memory_line_cycles", f.line_cycles,
             fmt::format("fit: the stream point {} ({} steps: every line once) measured {:.2f} "
                         "ticks, {:.2f} cycles a line; with {} cycles a line the simulator "
                         "predicts {:.2f} cycles for a {} stream from memory (its LLC shrunk to 4x "
                         "the L2 so that the stream outgrows it){}",
                         p.point.key(), p.point.steps, p.ticks, measured, f.line_cycles,
                         f.predicted_cycles, format_size(f.simulated_ws),
                         f.note.empty() ? "" : "; " + f.note));
  fitted_points_.push_back(p.point.key());
  report_.push_back(fmt::format("stream: {:.2f} cycles a line measured; memory_line_cycles {}",
                                measured, f.line_cycles));
}

void Fitter::stride() {
  const MeasuredSeries& s = series("stride");
  const MeasuredPoint& p = s.points.front();
  const double measured = p.ticks * cpt_;
  const PrefetchFit f = fit_prefetch_degree(draft_.model(), measured);
  draft_.set("caches.prefetch_degree", f.degree,
             fmt::format("fit: the stride point {} measured {:.2f} ticks, {:.2f} cycles a step; "
                         "prefetching {} strides ahead the simulator predicts {:.2f} cycles for a "
                         "{} walk of the same stride from memory (its LLC shrunk to 4x the L2){}",
                         p.point.key(), p.ticks, measured, f.degree, f.predicted_cycles,
                         format_size(f.simulated_ws), f.note.empty() ? "" : "; " + f.note));
  fitted_points_.push_back(p.point.key());
  report_.push_back(fmt::format("stride: {:.2f} cycles a step measured; prefetch_degree {}",
                                measured, f.degree));
}

}  // namespace

FitOutcome fit_preset(const FitInputs& in) { return Fitter(in).run(); }

}  // namespace memvirt
