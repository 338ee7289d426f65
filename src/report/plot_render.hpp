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
// Feeds `script` to gnuplot on its stdin and puts what gnuplot writes on its stdout (the script
// sets no output) at `path`: into a temporary file beside it, renamed over `path` only when
// gnuplot succeeded and drew something, so a failed run leaves an older picture alone.
// gnuplot's complaints go to our stderr. Throws std::runtime_error if `path` cannot be written,
// or gnuplot is missing (naming the package), fails, or draws nothing.
void render_picture(const std::string& script, const std::string& path);

}  // namespace memvirt
