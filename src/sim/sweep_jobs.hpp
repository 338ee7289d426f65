#pragma once
// A sweep cut into jobs for a batch system: one self-contained file per configuration, holding
// the whole sweep's lists (so its result file merges back in the same place) and the command
// that runs it; plus an example Slurm array script.
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/sweep_plan.hpp"

namespace memvirt {

struct SweepJob {
  SweepLists lists;
  size_t index = 0;
};

// DIR/job-0007.json and DIR/result-0007.json: at least four digits, more for larger sweeps, so
// that the names sort in configuration order.
std::filesystem::path job_path(const std::filesystem::path& dir, size_t index, size_t count);
std::filesystem::path result_path(const std::filesystem::path& dir, size_t index, size_t count);

// The job file's content. `config` describes the machine for people; the job runs from the lists.
nlohmann::json job_document(const SweepLists& lists, const SweepPoint& point,
                            const nlohmann::json& config, const std::string& command);
// Reads and checks a job file; throws std::runtime_error naming the file and what is wrong.
SweepJob read_job(const std::string& path);

// `memvirt sweep --job JOB -o RESULT` for /bin/sh, each path one quoted word.
std::string job_command(const std::string& memvirt, const std::filesystem::path& job,
                        const std::filesystem::path& result);
// DIR/run-array.sh: `sbatch DIR/run-array.sh` runs task i as `memvirt sweep --job ...`. `dir`
// and `memvirt` are absolute; `dir` holds no control character (comments name it).
std::string slurm_array_script(const std::filesystem::path& dir, size_t count,
                               const std::string& memvirt);

}  // namespace memvirt
