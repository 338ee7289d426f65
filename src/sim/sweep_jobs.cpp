#include "sim/sweep_jobs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "text/shell_quote.hpp"

namespace memvirt {
namespace {

int index_digits(size_t count) {
  int digits = 1;
  for (size_t n = count > 0 ? count - 1 : 0; n >= 10; n /= 10) ++digits;
  return std::max(digits, 4);
}

std::string padded(size_t index, size_t count) {
  return fmt::format("{:0{}}", index, index_digits(count));
}

nlohmann::json point_json(const SweepPoint& p) {
  return {{"workload", p.workload},
          {"mode", p.mode},
          {"page", p.page},
          {"tlb_tag", p.tlb_tag},
          {"cpu", p.cpu}};
}

// Slurm reads #SBATCH lines itself, with its own quoting, and expands % in file names: only a
// directory of plain characters goes there. Otherwise the task logs stay where Slurm puts them.
std::string slurm_output_line(const std::string& dir) {
  const auto plain = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           (c != '\0' && std::strchr("/._+-", c) != nullptr);
  };
  if (std::all_of(dir.begin(), dir.end(), plain))
    return fmt::format("#SBATCH --output={}/slurm-%A_%a.out\n", dir);
  return "# (no --output: this directory's name has characters an #SBATCH line cannot carry)\n";
}

}  // namespace

std::filesystem::path job_path(const std::filesystem::path& dir, size_t index, size_t count) {
  return dir / fmt::format("job-{}.json", padded(index, count));
}

std::filesystem::path result_path(const std::filesystem::path& dir, size_t index, size_t count) {
  return dir / fmt::format("result-{}.json", padded(index, count));
}

nlohmann::json job_document(const SweepLists& lists, const SweepPoint& point,
                            const nlohmann::json& config, const std::string& command) {
  return {{"sweep", lists_to_json(lists)},
          {"index", point.index},
          {"point", point_json(point)},
          {"config", config},
          {"command", command}};
}

SweepJob read_job(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}': {}", path, strerror(errno)));
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("sweep") || !doc.contains("index") ||
      !doc["index"].is_number_unsigned())
    throw std::runtime_error(fmt::format(
        "'{}' is not a sweep job file (expected \"sweep\", \"index\" and \"point\")", path));
  SweepJob job{lists_from_json(doc["sweep"]), doc["index"].get<size_t>()};
  const std::vector<SweepPoint> points = cross_product(job.lists);
  // The point is stored twice on purpose: a hand-edited list would shift every index after it.
  if (job.index >= points.size() ||
      point_json(points[job.index]) != doc.value("point", nlohmann::json()))
    throw std::runtime_error(
        fmt::format("'{}': configuration {} does not match the sweep's lists (edited by hand?)",
                    path, job.index));
  return job;
}

std::string job_command(const std::string& memvirt, const std::filesystem::path& job,
                        const std::filesystem::path& result) {
  return fmt::format("{} sweep --job {} -o {}", shell_quote(memvirt), shell_quote(job.string()),
                     shell_quote(result.string()));
}

std::string slurm_array_script(const std::filesystem::path& dir, size_t count,
                               const std::string& memvirt) {
  const std::string d = dir.string();
  return fmt::format(
      "#!/bin/bash\n"
      "# One Slurm array task per sweep configuration ({count} in all). Submit with\n"
      "#   sbatch {script}\n"
      "# and when every task has finished, join the results in configuration order:\n"
      "#   memvirt merge -o results.json {quoted}/result-*.json\n"
      "# Every path here and in the job files is absolute: the tasks run from any directory.\n"
      "#SBATCH --job-name=memvirt-sweep\n"
      "#SBATCH --array=0-{last}\n"
      "#SBATCH --cpus-per-task=1\n"
      "{output}"
      "set -euo pipefail\n"
      "dir={quoted}\n"
      "default_memvirt={memvirt}\n"
      "MEMVIRT=${{MEMVIRT:-$default_memvirt}}\n"
      "id=$(printf '%0{digits}d' \"$SLURM_ARRAY_TASK_ID\")\n"
      "exec \"$MEMVIRT\" sweep --job \"$dir/job-$id.json\" -o \"$dir/result-$id.json\"\n",
      fmt::arg("count", count), fmt::arg("script", shell_quote(d + "/run-array.sh")),
      fmt::arg("quoted", shell_quote(d)), fmt::arg("last", count > 0 ? count - 1 : 0),
      fmt::arg("output", slurm_output_line(d)), fmt::arg("memvirt", shell_quote(memvirt)),
      fmt::arg("digits", index_digits(count)));
}

}  // namespace memvirt
