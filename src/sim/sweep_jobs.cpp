#include "sim/sweep_jobs.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

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

std::string slurm_array_script(const std::filesystem::path& dir, size_t count,
                               const std::string& memvirt) {
  const std::string d = dir.string();
  return fmt::format(
      "#!/bin/bash\n"
      "# One Slurm array task per sweep configuration ({count} in all). Submit with\n"
      "#   sbatch {d}/run-array.sh\n"
      "# and when every task has finished, join the results in configuration order:\n"
      "#   memvirt merge -o results.json {d}/result-*.json\n"
      "#SBATCH --job-name=memvirt-sweep\n"
      "#SBATCH --array=0-{last}\n"
      "#SBATCH --cpus-per-task=1\n"
      "#SBATCH --output={d}/slurm-%A_%a.out\n"
      "set -euo pipefail\n"
      "MEMVIRT=${{MEMVIRT:-{memvirt}}}\n"
      "id=$(printf '%0{digits}d' \"$SLURM_ARRAY_TASK_ID\")\n"
      "exec \"$MEMVIRT\" sweep --job \"{d}/job-$id.json\" -o \"{d}/result-$id.json\"\n",
      fmt::arg("count", count), fmt::arg("d", d), fmt::arg("last", count > 0 ? count - 1 : 0),
      fmt::arg("memvirt", memvirt), fmt::arg("digits", index_digits(count)));
}

}  // namespace memvirt
