#pragma once
// The --workload list of a sweep. Specs hold commas themselves (listwalk:ws=64MiB,npad=7), so
// the list is split where a new spec begins: at an item that names a workload (`NAME:` or a bare
// NAME), while `key=value` items continue the spec before them. A working set may be a range of
// powers of two, `ws=16KiB..1MiB`, the x axis of Drepper's pictures in one spec.
#include <string>
#include <string_view>
#include <vector>

namespace memvirt {

// "listwalk:ws=16KiB..64KiB,steps=2000,random" -> the canonical specs of listwalk at 16, 32 and
// 64 KiB and of random with its defaults. Throws SpecError or std::invalid_argument saying what
// is wrong; a spec given twice is an error, since it would be one configuration twice.
std::vector<std::string> expand_workload_list(std::string_view text);

}  // namespace memvirt
