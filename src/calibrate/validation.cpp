#include "calibrate/validation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "calibrate/calibration_run.hpp"
#include "calibrate/prediction.hpp"
#include "report/plot_render.hpp"
#include "report/text_table.hpp"

namespace memvirt {
namespace {

using Order = ListWalkSpec::Order;

std::string order_name(Order o) { return o == Order::kSeq ? "seq" : "random"; }

std::string signed_percent(double e) { return fmt::format("{:+.1f}%", 100 * e); }

}  // namespace

double ValidationRow::ratio() const {
  return std::max(predicted_ticks / measured_ticks, measured_ticks / predicted_ticks);
}

ValidationSummary summarize(const std::vector<ValidationRow>& rows) {
  ValidationSummary s;
  s.points = rows.size();
  if (rows.empty()) return s;
  std::vector<double> errors;
  for (const ValidationRow& r : rows) {
    errors.push_back(std::abs(r.error()));
    if (std::abs(r.error()) <= 0.15) ++s.within_15pct;
    if (r.ratio() > s.worst_ratio || s.worst_point.empty()) {
      s.worst_ratio = r.ratio();
      s.worst_point = r.point.key();
    }
  }
  std::sort(errors.begin(), errors.end());
  const size_t mid = errors.size() / 2;
  s.median_abs_error = errors.size() % 2 ? errors[mid] : (errors[mid - 1] + errors[mid]) / 2;
  return s;
}

std::vector<ValidationRow> run_validation(std::shared_ptr<const CpuModel> cpu,
                                          const std::vector<WalkPoint>& grid, unsigned repeats,
                                          double tsc_ghz, Progress& progress) {
  std::vector<ValidationRow> rows;
  for (const WalkPoint& p : grid) {
    const MeasuredPoint m = measure_point(p, repeats, tsc_ghz);
    rows.push_back({p, m.ticks, predicted_ticks(cpu, p, tsc_ghz, m.core_ghz), m.core_ghz});
    progress.finished(p.key());
  }
  return rows;
}

std::vector<ValidationRow> repredict_validation(std::shared_ptr<const CpuModel> cpu,
                                                const SavedValidation& saved, Progress& progress) {
  std::vector<ValidationRow> rows;
  for (const SavedMeasurement& m : saved.rows) {
    rows.push_back({m.point, m.measured_ticks,
                    predicted_ticks(cpu, m.point, saved.tsc_ghz, m.core_ghz), m.core_ghz});
    progress.finished(m.point.key());
  }
  return rows;
}

std::string validation_table(const std::vector<ValidationRow>& rows, const ValidationSummary& s) {
  TextTable table({{"working set", Align::kRight},
                   {"order", Align::kLeft},
                   {"npad", Align::kRight},
                   {"page", Align::kLeft},
                   {"measured\nticks", Align::kRight},
                   {"predicted\nticks", Align::kRight},
                   {"core\nGHz", Align::kRight},
                   {"error", Align::kRight}});
  for (const ValidationRow& r : rows)
    table.add_row({format_size(r.point.ws), order_name(r.point.order), std::to_string(r.point.npad),
                   std::string(page_size_name(r.point.page)), fixed(r.measured_ticks, 2),
                   fixed(r.predicted_ticks, 2), fixed(r.core_ghz, 2), signed_percent(r.error())});
  return table.render() +
         fmt::format(
             "\n{} points: median absolute error {:.1f}%, {} within 15%, worst ratio "
             "{:.2f}x ({})\n",
             s.points, 100 * s.median_abs_error, s.within_15pct, s.worst_ratio, s.worst_point);
}

nlohmann::ordered_json validation_json(const std::vector<ValidationRow>& rows,
                                       const ValidationSummary& s,
                                       const nlohmann::ordered_json& meta) {
  nlohmann::ordered_json out = meta;
  out["rows"] = nlohmann::ordered_json::array();
  for (const ValidationRow& r : rows)
    out["rows"].push_back({{"ws", r.point.ws},
                           {"order", order_name(r.point.order)},
                           {"npad", r.point.npad},
                           {"page", page_size_name(r.point.page)},
                           {"steps", r.point.steps},
                           {"measured_ticks", r.measured_ticks},
                           {"predicted_ticks", r.predicted_ticks},
                           {"core_ghz", r.core_ghz},
                           {"error", r.error()}});
  out["summary"] = {{"points", s.points},
                    {"median_abs_error", s.median_abs_error},
                    {"within_15pct", s.within_15pct},
                    {"worst_ratio", s.worst_ratio},
                    {"worst_point", s.worst_point}};
  return out;
}

std::string validation_plot_script(const std::vector<ValidationRow>& rows,
                                   const std::string& terminal) {
  // (page, order) -> npad -> rows, by working set.
  std::map<std::pair<int, int>, std::map<unsigned, std::vector<const ValidationRow*>>> panels;
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const ValidationRow& r : rows) {
    panels[{static_cast<int>(r.point.page), static_cast<int>(r.point.order)}][r.point.npad]
        .push_back(&r);
    lo = std::min(lo, r.point.ws);
    hi = std::max(hi, r.point.ws);
  }
  std::string s = fmt::format("set terminal {} size 1200,{} noenhanced font 'sans,10'{}\n",
                              terminal, panels.size() > 2 ? 900 : 480,
                              terminal == "svg" ? " dynamic background rgb 'white'" : "");
  std::string tics;
  for (uint64_t t : size_tics(lo, hi))
    tics += fmt::format("{}{} {}", tics.empty() ? "" : ", ", gnuplot_quote(format_size(t)), t);
  s += fmt::format("set logscale x 2\nset logscale y 2\nset xrange [{}:{}]\nset xtics ({})\n",
                   static_cast<double>(lo) / 1.4, static_cast<double>(hi) * 1.4, tics);
  s += "set grid\nset key top left\nset xlabel 'working set'\nset ylabel 'TSC ticks per step'\n";
  s += fmt::format("set multiplot layout {},{}\n", panels.size() > 2 ? 2 : 1,
                   panels.size() > 1 ? 2 : 1);
  int block = 0;
  for (const auto& [key, by_npad] : panels) {
    const PageSize page = static_cast<PageSize>(key.first);
    s += fmt::format("set title {}\n",
                     gnuplot_quote(fmt::format("{} pages, {}", page_size_name(page),
                                               order_name(static_cast<Order>(key.second)))));
    std::string plot;
    for (const auto& [npad, pts] : by_npad) {
      s += fmt::format("$d{} << EOD\n", block);
      for (const ValidationRow* r : pts)
        s += fmt::format("{} {} {}\n", r->point.ws, r->measured_ticks, r->predicted_ticks);
      s += "EOD\n";
      plot += fmt::format(
          "{}$d{} using 1:2 with linespoints lw 2 pt 7 title {}, "
          "$d{} using 1:3 with linespoints lw 2 dt 2 pt 6 title {}",
          plot.empty() ? "plot " : ", ", block,
          gnuplot_quote(fmt::format("npad={} measured", npad)), block,
          gnuplot_quote(fmt::format("npad={} predicted", npad)));
      ++block;
    }
    s += plot + "\n";
  }
  return s + "unset multiplot\n";
}

void draw_validation_plot(const std::vector<ValidationRow>& rows, const std::string& path) {
  const std::optional<std::string> gnuplot = find_gnuplot();
  if (!gnuplot)
    throw std::runtime_error(
        "--plot: gnuplot not found on PATH; install it, e.g. `apt-get "
        "install gnuplot-nox`");
  render_picture(validation_plot_script(rows, terminal_for(path, *gnuplot)), path);
}

}  // namespace memvirt
