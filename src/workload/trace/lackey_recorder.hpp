#pragma once
// Records a program's memory references: runs it under Valgrind's lackey tool and converts the
// trace text to .mvt as it streams through a pipe, so the text is never held or stored whole.
#include <ostream>
#include <string>
#include <vector>

#include "workload/trace/child_process.hpp"

namespace memvirt {

// Runs `command` (a program and its arguments, looked up on PATH) under
// `valgrind --tool=lackey --trace-mem=yes` and writes its references to `mvt` as a finished
// .mvt trace; `text_copy`, if given, also receives lackey's text as it came. Throws
// std::runtime_error if valgrind is missing or the program fails, TraceError if lackey's
// output cannot be read; valgrind is then killed and reaped.
RecordResult record_with_lackey(const std::vector<std::string>& command, std::ostream& mvt,
                                std::ostream* text_copy = nullptr, const ChildWatch& watch = {});

}  // namespace memvirt
