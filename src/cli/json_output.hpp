#pragma once
// Where a command's --json FILE goes. The file is checked and its temporary opened before the
// work, so that a bad path (a directory, one of the run's inputs, a missing directory) fails at
// once rather than after minutes of simulation or measurement; FILE itself is replaced only when
// the report is complete, so that a failed or interrupted run leaves the previous one whole.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/output_file.hpp"

namespace memvirt {

// `report` (nlohmann::json or ordered_json) pretty-printed to `out`; throws naming `where` if
// the write failed.
template <typename Json>
void write_json(std::ostream& out, const Json& report, const std::string& where) {
  out << report.dump(2) << '\n';
  out.flush();
  if (!out) throw std::runtime_error(fmt::format("writing '{}' failed", where));
}

class JsonOutput {
 public:
  // `path`: "" for no JSON, "-" for JSON on stdout, else a file, refused if it is one of `inputs`.
  explicit JsonOutput(const std::string& path, const std::vector<InputFile>& inputs = {});

  bool to_stdout() const { return path_ == "-"; }
  // Writes `report` where it goes (nowhere for ""); a file is replaced now, whole.
  template <typename Json>
  void write(const Json& report) {
    if (to_stdout()) return write_json(std::cout, report, "stdout");
    if (!file_) return;
    file_->stream() << report.dump(2) << '\n';
    file_->commit();  // names the file and the reason if any of it could not be written
  }

 private:
  std::string path_;
  std::unique_ptr<OutputFile> file_;
};

}  // namespace memvirt
