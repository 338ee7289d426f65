#pragma once
// The files a sweep names (trace: workloads, --cpu preset files), made absolute when the sweep is
// planned. A job file runs on another node from another directory, and a results file is resumed
// and merged from wherever its user stands: a relative path would name another file there.
#include "sim/sweep_plan.hpp"

namespace memvirt {

// Makes each relative trace file in `lists.workloads` and each preset file in `lists.cpus`
// absolute, against the working directory; preset names ("zen3", "host") and stdin ("trace:-")
// stay as they are. Throws std::invalid_argument if an absolute trace path holds a ',' (a spec
// could not carry it).
void make_paths_absolute(SweepLists& lists);

}  // namespace memvirt
