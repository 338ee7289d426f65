#pragma once
// Command-line values: parsers that say what is wrong with a value, and CLI11 validators built on
// them, so the command line accepts exactly what the library accepts and a rejected value is a
// usage error naming its flag.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vmm/hypervisor.hpp"

namespace memvirt {

// "native,nested" -> {kNative, kNested}. Throws std::invalid_argument on an unknown, empty or
// repeated mode: a typo must not quietly drop a run from the comparison.
std::vector<PagingMode> parse_mode_list(std::string_view text);
// A decimal number in [0, 2^64); unlike CLI11's own conversion, "-1" is an error, not 2^64-1.
// Throws std::invalid_argument.
uint64_t parse_seed(std::string_view text);

CLI::Validator mode_list_validator();      // native,shadow,nested
// --mode MODES into `modes` (its default shown), checked by mode_list_validator; `what` ends the
// help line ("in this order, e.g. native,nested").
CLI::Option* add_mode_option(CLI::App& app, std::string& modes, const std::string& what);
CLI::Validator page_size_validator();      // 4k, 2m, 1g
CLI::Validator paging_levels_validator();  // 4, 5
CLI::Validator warmup_validator();         // auto or a number of accesses
CLI::Validator seed_validator();           // 0 .. 2^64-1
CLI::Validator workload_spec_validator();  // listwalk:ws=64MiB,... (the spec error names the key)
CLI::Validator vmm_model_validator();      // xen, kvm
CLI::Validator tlb_tag_validator();        // none, asid1, asid, vpid, vpid+pcid
CLI::Validator frames_validator();         // in-order, scattered
CLI::Validator count_validator(int64_t lo, int64_t hi);  // a whole number in [lo, hi]
CLI::Validator picture_path_validator();  // FILE.svg or FILE.png, no control characters
// A spec that `command` (measure, compare) can run for real: listwalk or random. Goes after
// workload_spec_validator(), so a malformed spec is reported as such, not as unmeasurable.
CLI::Validator measurable_workload_validator(std::string command);

}  // namespace memvirt
