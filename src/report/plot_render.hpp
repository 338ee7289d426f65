#pragma once
// Runs gnuplot, the renderer of every memvirt picture.
#include <optional>
#include <string>

namespace memvirt {

// The gnuplot on PATH, or nullopt.
std::optional<std::string> find_gnuplot();
// The terminal for a picture at `path`: "svg" for .svg; for .png "pngcairo" if `gnuplot`
// has it (gnuplot-nox does), else libgd's "png". Throws std::invalid_argument for other names.
std::string terminal_for(const std::string& path, const std::string& gnuplot);
// Feeds `script` to gnuplot on its stdin; gnuplot's complaints go to our stderr. Throws
// std::runtime_error if gnuplot is missing (naming the package) or fails.
void run_gnuplot(const std::string& script);

}  // namespace memvirt
