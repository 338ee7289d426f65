#include "calibrate/calibration_record.hpp"

#include <algorithm>

namespace memvirt {
namespace {

using nlohmann::ordered_json;

ordered_json load_json(const LoadSample& s) {
  return {{"load_1min", s.load_average[0]}, {"busy", s.busy}};
}

}  // namespace

ordered_json series_record(const MeasuredSeries& s, double cycles_per_tick) {
  ordered_json points = ordered_json::array();
  for (const MeasuredPoint& p : s.points) {
    const auto [lo, hi] = std::minmax_element(p.samples.begin(), p.samples.end());
    ordered_json j = {{"ws", p.point.ws},
                      {"steps", p.point.steps},
                      {"ticks", p.ticks},
                      {"cycles", p.ticks * cycles_per_tick}};
    if (lo != p.samples.end()) {
      j["ticks_min"] = *lo;
      j["ticks_max"] = *hi;
    }
    if (p.point.page == PageSize::k2M) j["huge_mib"] = p.huge_bytes >> 20;
    points.push_back(j);
  }
  const WalkPoint& first = s.points.empty() ? WalkPoint{} : s.points.front().point;
  return {{"name", s.plan.name},
          {"purpose", s.plan.purpose},
          {"order", first.order == ListWalkSpec::Order::kSeq ? "seq" : "random"},
          {"npad", first.npad},
          {"page", page_size_name(first.page)},
          {"points", points}};
}

ordered_json calibration_record(const FitInputs& in, const RecordExtras& x) {
  const Measurements& m = in.measured;
  ordered_json series = ordered_json::array();
  for (const MeasuredSeries& s : m.series) series.push_back(series_record(s, m.cycles_per_tick()));
  ordered_json structure = ordered_json::array();
  for (const CacheInfo& c : in.structure.caches) structure.push_back(describe(c));
  for (const TlbInfo& t : in.structure.tlbs) structure.push_back(describe(t));
  ordered_json c = {{"date", in.date},
                    {"command", "memvirt calibrate"},
                    {"base_preset", in.base.name},
                    {"base_preset_why", in.base.why},
                    {"quick", in.quick},
                    {"forced", m.forced},
                    {"pinned_cpu", m.cpu},
                    {"load_before", load_json(m.load_before)},
                    {"load_after", load_json(m.load_after)},
                    {"tsc_ghz", m.tsc_ghz},
                    {"core_clock", {{"adds", m.clock.adds}, {"ticks", m.clock.run_ticks}}},
                    {"structure", structure},
                    {"structure_notes", in.structure.notes},
                    {"fitted_points", x.fitted_points},
                    {"notes", x.notes},
                    {"series", series}};
  if (x.outer)
    c["outer_page_test"] = {{"a_ws", x.outer->a_ws},
                            {"b_ws", x.outer->b_ws},
                            {"rise_2m", x.outer->rise_2m},
                            {"rise_4k", x.outer->rise_4k}};
  return c;
}

ordered_json failed_fit_record(const FitInputs& in, const std::string& error) {
  return {{"error", error},
          {"note", "memvirt calibrate measured this machine but could not fit a preset; these "
                   "are its measurements"},
          {"calibration", calibration_record(in, RecordExtras{})}};
}

}  // namespace memvirt
