#pragma once
// The files a command reads, so that none of them can be named as its output: an output path is
// checked against these before the work starts (refuse_unsafe_output).
#include <string>
#include <vector>

#include "report/output_file.hpp"
#include "workload/spec.hpp"

namespace memvirt {

// The trace of a `trace:FILE` workload (stdin, "-", is no file); none for the generators.
std::vector<InputFile> workload_inputs(const WorkloadSpec& spec);
// The preset file of --cpu: the host preset for "host", the path given; none for an embedded
// preset or "none".
std::vector<InputFile> cpu_inputs(const std::string& cpu);
// The program a command runs (`record`, `run`), where it is named by path: `role` says whose.
std::vector<InputFile> program_inputs(const std::vector<std::string>& command,
                                      const std::string& role);
// Both of the first two: what `sim` and `compare` read.
std::vector<InputFile> simulation_inputs(const WorkloadSpec& spec, const std::string& cpu);

}  // namespace memvirt
