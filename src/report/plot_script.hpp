#pragma once
// gnuplot scripts for the pictures of plot_data.hpp. Each script holds its data inline (gnuplot
// data blocks, numbers only), so it can be saved, edited and rerun on its own; every string in it
// comes from gnuplot_quote, since results files are shared and their labels are not ours.
#include <cstdint>
#include <string>
#include <vector>

#include "report/plot_data.hpp"
#include "text/gnuplot_quote.hpp"

namespace memvirt {

// `terminal` is "svg", "pngcairo" or "png". The scripts set no output: gnuplot writes the
// picture to its stdout (render_picture), so no path is ever script text.
std::string curve_script(const CurveData& data, const std::string& terminal);
std::string breakdown_script(const BreakdownData& data, const std::string& terminal);

// Powers of two from `lo` to `hi` (rounded out), every 2nd or 4th... so that at most ~12 remain:
// the x tics of a log2 axis.
std::vector<uint64_t> size_tics(uint64_t lo, uint64_t hi);

}  // namespace memvirt
