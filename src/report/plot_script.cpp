#include "report/plot_script.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "workload/spec.hpp"

namespace memvirt {
namespace {

// Both terminals as plain text (noenhanced): a spec's '_' or '^' must not become a subscript.
// No `set output`: the picture goes to gnuplot's stdout, which render_picture points at the file,
// so no path ever becomes script text.
std::string preamble(const std::string& terminal, int width, int height) {
  const std::string options = terminal == "svg" ? "dynamic background rgb 'white'" : "";
  return fmt::format(
      "# The picture goes to stdout: gnuplot THIS-FILE > PICTURE\n"
      "set terminal {} size {},{} noenhanced font 'sans,11' {}\n"
      "set grid ytics lc rgb '#dddddd'\nset border 3\nset tics nomirror\n",
      terminal, width, height, options);
}

std::string x_axis(const CurveData& data) {
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const CurveSeries& s : data.series)
    for (const CurvePoint& p : s.points) {
      lo = std::min(lo, std::max<uint64_t>(p.working_set, 1));
      hi = std::max(hi, p.working_set);
    }
  std::string tics;
  for (uint64_t t : size_tics(lo, hi))
    tics += fmt::format("{}{} {}", tics.empty() ? "" : ", ", gnuplot_quote(format_size(t)), t);
  // A little room either side, so the first and last points are not on the frame.
  return fmt::format(
      "set logscale x 2\nset xrange [{}:{}]\nset xtics ({})\n"
      "set xlabel 'working set'\n",
      static_cast<double>(lo) / 1.4, static_cast<double>(hi) * 1.4, tics);
}

std::string data_block(const std::string& name, const CurveSeries& s) {
  std::string text = fmt::format("${} << EOD\n", name);
  for (const CurvePoint& p : s.points) text += fmt::format("{} {}\n", p.working_set, p.per_access);
  return text + "EOD\n";
}

// The bars of a histogram stand at x = 0, 1, 2, ...
std::string bar_tics(const std::vector<BreakdownBar>& bars) {
  std::string tics;
  for (size_t i = 0; i < bars.size(); ++i)
    tics += fmt::format("{}{} {}", i == 0 ? "" : ", ", gnuplot_quote(bars[i].label), i);
  return tics;
}

}  // namespace

std::vector<uint64_t> size_tics(uint64_t lo, uint64_t hi) {
  if (hi == 0) return {};
  const int first = std::bit_width(std::max<uint64_t>(lo, 1)) - 1;  // round down to 2^k
  const int last = std::bit_width(hi - 1);                          // round up to 2^k
  const int step = std::max(1, (last - first + 11) / 12);
  std::vector<uint64_t> tics;
  for (int k = first; k <= last && k < 64; k += step) tics.push_back(uint64_t{1} << k);
  return tics;
}

std::string curve_script(const CurveData& data, const std::string& terminal) {
  std::string script = preamble(terminal, 1000, 620) + x_axis(data);
  script += fmt::format("set ylabel {}\nset yrange [0:*]\nset title {}\n",
                        gnuplot_quote(data.y_label), gnuplot_quote(data.workload));
  script += "set key outside right top\nset style data linespoints\n";
  std::string plot;
  for (size_t i = 0; i < data.series.size(); ++i) {
    const std::string name = fmt::format("s{}", i);
    script += data_block(name, data.series[i]);
    plot += fmt::format("{}${} using 1:2 title {} lw 2 pt {}", plot.empty() ? "plot " : ", \\\n  ",
                        name, gnuplot_quote(data.series[i].title), 5 + 2 * (i % 4));
  }
  return script + plot + "\n";
}

std::string breakdown_script(const BreakdownData& data, const std::string& terminal) {
  std::string script = preamble(terminal, 1000, 620);
  script += fmt::format("set title {}\nset ylabel {}\nset yrange [0:*]\n",
                        gnuplot_quote(data.title), gnuplot_quote(data.y_label));
  script +=
      "set style data histograms\nset style histogram rowstacked\n"
      "set style fill solid 0.85 border -1\nset boxwidth 0.7\n"
      "set key outside right top\n";
  // Only numbers in the data block; the labels are string constants in the commands.
  script += fmt::format("set xtics rotate by -30 ({})\n", bar_tics(data.bars));
  script += "$bars << EOD\n";
  for (const BreakdownBar& bar : data.bars)
    script += fmt::format("{}\n", fmt::join(bar.parts, " "));
  script += "EOD\n";
  std::string plot;
  for (size_t c = 0; c < data.categories.size(); ++c)
    plot += fmt::format("{}$bars using {} title {}", plot.empty() ? "plot " : ", ", c + 1,
                        gnuplot_quote(data.categories[c]));
  return script + plot + "\n";
}

}  // namespace memvirt
