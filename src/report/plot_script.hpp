#pragma once
// gnuplot scripts for the pictures of plot_data.hpp. Each script holds its data inline (gnuplot
// data blocks), so it can be saved, edited and rerun on its own.
#include <cstdint>
#include <string>
#include <vector>

#include "report/plot_data.hpp"

namespace memvirt {

struct PlotOutput {
  std::string path;      // where gnuplot writes the picture
  std::string terminal;  // "svg", "pngcairo" or "png"
};

std::string curve_script(const CurveData& data, const PlotOutput& out);
std::string breakdown_script(const BreakdownData& data, const PlotOutput& out);

// Powers of two from `lo` to `hi` (rounded out), every 2nd or 4th... so that at most ~12 remain:
// the x tics of a log2 axis.
std::vector<uint64_t> size_tics(uint64_t lo, uint64_t hi);
// A string constant for gnuplot: double quotes, with \ and " escaped.
std::string gnuplot_quote(const std::string& text);

}  // namespace memvirt
