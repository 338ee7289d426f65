#include "cli/sweep_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "cli/run_inputs.hpp"
#include "cli/validators.hpp"
#include "report/json_report.hpp"
#include "report/output_file.hpp"
#include "report/progress.hpp"
#include "sim/engine.hpp"
#include "sim/sweep_inputs.hpp"
#include "sim/sweep_jobs.hpp"
#include "sim/sweep_paths.hpp"
#include "sim/sweep_runner.hpp"
#include "sim/sweep_workloads.hpp"
#include "text/message_quote.hpp"
#include "text/shell_quote.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSweepFooter = R"(Examples:
  memvirt sweep --workload listwalk:ws=4KiB..64MiB,npad=7,order=random --mode native,nested \
                --page 4k,2m -j 8 -o results.json
  memvirt sweep --workload random:ws=1GiB,steps=100000,random:ws=4GiB,steps=100000 \
                --mode shadow,nested --tlb-tag none,vpid -o tags.json
  memvirt sweep ... --emit-jobs jobs/     (one job per configuration, for sbatch --array)
  memvirt sweep --job jobs/job-0007.json -o jobs/result-0007.json

A workload list is split where a workload name starts; ws=A..B runs every power of two from A
to B. Rows are in configuration order; rerunning with the same -o resumes a killed sweep.)";

CLI::Validator workload_list_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          expand_workload_list(text);
          return "";
        } catch (const std::exception& e) {
          return e.what();
        }
      },
      "", "workload list");
}

// One configuration's row: what `memvirt sim --json` prints for it, plus what a plot needs and
// what a resumed sweep checks (the digests of its preset and trace).
nlohmann::json sweep_row(const std::vector<std::string>& flags, const SweepPoint& point,
                         const nlohmann::json& inputs) {
  const WorkloadSpec spec = parse_workload_spec(point.workload);
  nlohmann::json row = run_to_json(simulate(point_config(flags, point), spec));
  row["workload"] = point.workload;
  row["working_set_bytes"] = working_set_bytes(spec);
  if (!point.cpu.empty()) row["cpu"] = point.cpu;
  row["inputs"] = inputs;
  return row;
}

// The files the sweep reads, none of which -o may name.
std::vector<InputFile> sweep_input_files(const SweepLists& lists, const std::string& job_file) {
  std::vector<InputFile> files;
  for (const std::string& workload : lists.workloads)
    for (InputFile& f : workload_inputs(parse_workload_spec(workload))) files.push_back(f);
  for (const std::string& cpu : lists.cpus)
    for (InputFile& f : cpu_inputs(cpu)) files.push_back(f);
  if (!job_file.empty()) files.push_back({job_file, "the --job file"});
  return files;
}

// Saves the results file now and then while the sweep runs: often enough that a killed sweep
// loses little, rarely enough that rewriting a large file does not become the work.
class Checkpoint {
 public:
  Checkpoint(std::string path, std::vector<InputFile> inputs)
      : path_(std::move(path)), inputs_(std::move(inputs)) {}
  void maybe_save(const SweepResults& results) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    save(results);
    last_ = now;
  }
  void save(const SweepResults& results) const {
    write_file_atomically(path_, results_text(results), inputs_);
  }

 private:
  std::string path_;
  std::vector<InputFile> inputs_;
  std::chrono::steady_clock::time_point last_{};
};

// The job directory goes into the comments of run-array.sh, where a newline would end the
// comment and start a command; nothing else needs a plain name.
CLI::Validator job_dir_validator() {
  return CLI::Validator(
      [](std::string& dir) -> std::string {
        std::error_code error;  // a vanished working directory: emit_jobs will say so
        const std::string full = fs::absolute(dir, error).string();
        const auto control = [](unsigned char c) { return c < 0x20 || c == 0x7f; };
        if (std::none_of(full.begin(), full.end(), control)) return "";
        return fmt::format("{} holds a control character; give a plain directory name",
                           message_quote(full, kMessagePathLimit));
      },
      "", "directory");
}

std::string self_path() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? std::string("memvirt") : self.string();
}

}  // namespace

SweepCommand::SweepCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("sweep", "Simulate every combination of lists of settings");
  app_->footer(kSweepFooter);
  app_->add_option("--workload", workloads_, "Comma-separated workload specs")
      ->type_name("SPEC,...")
      ->check(workload_list_validator());
  add_mode_option(*app_, modes_, "to sweep, e.g. native,nested");
  flags_.add_to(*app_, pages_, tlb_tags_, cpus_);
  threads_ = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 256u));
  app_->add_option("-j,--jobs", threads_, "Configurations simulated at once, in threads")
      ->type_name("N")
      ->check(count_validator(1, 256))
      ->capture_default_str();
  app_->add_option("-o,--output", output_, "Results file, e.g. results.json")->type_name("FILE");
  app_->add_flag("--no-resume", no_resume_,
                 "Start over instead of keeping the rows already in the results file");
  app_->add_option("--emit-jobs", emit_dir_,
                   "Write one job file per configuration and a Slurm array script into DIR")
      ->type_name("DIR")
      ->check(job_dir_validator());
  app_->add_option("--job", job_file_, "Run the one configuration of a job file from --emit-jobs")
      ->type_name("FILE")
      ->excludes(app_->get_option("--workload"))
      ->excludes(app_->get_option("--emit-jobs"));
  app_->callback([this] { check_combination(); });
}

void SweepCommand::check_combination() const {
  if (job_file_.empty() && workloads_.empty()) throw CLI::RequiredError("--workload");
  if (emit_dir_.empty() && output_.empty()) throw CLI::RequiredError("-o,--output");
}

SweepLists SweepCommand::lists() const {
  SweepLists lists;
  lists.workloads = expand_workload_list(workloads_);
  lists.modes = canonical_modes(modes_);
  lists.pages = canonical_pages(pages_);
  lists.tlb_tags = canonical_tlb_tags(tlb_tags_);
  if (!cpus_.empty()) lists.cpus = split_list(cpus_);
  lists.flags = flags_.shared_flags();
  make_paths_absolute(lists);
  return lists;
}

void SweepCommand::run() const {
  if (!job_file_.empty()) return run_job();
  const SweepLists sweep = lists();
  check_sweep_points(sweep);
  if (!emit_dir_.empty()) return emit_jobs(sweep);
  SweepResults results(sweep);
  std::vector<size_t> all(results.points().size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  run_into_file(results, all);
}

void SweepCommand::run_job() const {
  const SweepJob job = read_job(job_file_);
  SweepResults results(job.lists);
  run_into_file(results, {job.index});
}

size_t SweepCommand::resume_from_file(SweepResults& results) const {
  if (no_resume_ || !fs::exists(output_)) return 0;
  try {
    return results.adopt(read_results_document(output_), output_);
  } catch (const ResultsConflict& e) {
    throw ResultsConflict(
        fmt::format("{}; give another -o file, or --no-resume to replace it", e.what()));
  }
}

void SweepCommand::run_into_file(SweepResults& results, const std::vector<size_t>& todo) const {
  std::vector<InputFile> inputs = sweep_input_files(results.lists(), job_file_);
  refuse_unsafe_output(output_, inputs);  // before -o is read to resume from
  const size_t adopted = resume_from_file(results);
  const std::vector<nlohmann::json> row_inputs = inputs_of(results, todo);
  const size_t stale = forget_stale_rows(results, todo, row_inputs);
  std::vector<size_t> missing;
  for (size_t i : todo)
    if (!results.has(i)) missing.push_back(i);
  Checkpoint checkpoint(output_, std::move(inputs));
  checkpoint.save(results);  // a bad path fails now, not after the work
  const auto progress = make_progress(todo.size(), todo.size() - missing.size(), stderr);
  const auto row = [&](const SweepPoint& p) {
    return sweep_row(results.lists().flags, p, row_inputs[p.index]);
  };
  const auto finished = [&](const SweepPoint& p) {
    progress->finished(point_label(p));
    checkpoint.maybe_save(results);
  };
  try {
    run_sweep(results, missing, threads_, row, finished);
  } catch (...) {
    progress->close();
    checkpoint.save(results);  // keep what finished for the next, resumed run
    throw;
  }
  progress->close();
  checkpoint.save(results);
  std::cout << fmt::format(
      "{}: {} configurations ({} run now, {} kept from the file{})\n", output_, results.finished(),
      missing.size(), adopted - stale,
      stale == 0 ? "" : fmt::format("; {} rerun, their preset or trace changed", stale));
}

void SweepCommand::emit_jobs(const SweepLists& lists) const {
  const fs::path dir = fs::absolute(emit_dir_);
  fs::create_directories(dir);
  const std::vector<SweepPoint> points = cross_product(lists);
  const std::string memvirt = self_path();
  for (const SweepPoint& p : points) {
    RunResult described;
    described.config = point_config(lists.flags, p);
    const fs::path job = job_path(dir, p.index, points.size());
    const std::string command = job_command(memvirt, job, result_path(dir, p.index, points.size()));
    const nlohmann::json config = sim_report_json(p.workload, {described})["config"];
    write_file_atomically(job.string(), job_document(lists, p, config, command).dump(2) + "\n");
  }
  const fs::path script = dir / "run-array.sh";
  write_file_atomically(script.string(), slurm_array_script(dir, points.size(), memvirt));
  fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  std::cout << fmt::format(
      "{} jobs in {}\nrun them with: sbatch {}\n(or each as: {})\n"
      "then: {} merge -o results.json {}/result-*.json\n",
      points.size(), message_escape(dir.string(), kMessagePathLimit), shell_quote(script.string()),
      job_command(memvirt, job_path(dir, 0, points.size()), result_path(dir, 0, points.size())),
      shell_quote(memvirt), shell_quote(dir.string()));
}

}  // namespace memvirt
