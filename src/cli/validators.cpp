#include "cli/validators.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <stdexcept>
#include <string>
#include <variant>

#include "arch/page_size.hpp"
#include "sim/sim_config.hpp"
#include "sim/warmup.hpp"
#include "text/message_quote.hpp"
#include "vmm/paging_modes.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

// A CLI11 validator returns "" for a good value and the complaint otherwise; CLI11 prefixes the
// complaint with the flag's name. The description stays empty: each flag's type name already
// lists its values in --help.
CLI::Validator complaint_validator(std::function<std::string(const std::string&)> check,
                                   std::string name) {
  return CLI::Validator([check](std::string& text) { return check(text); }, "", std::move(name));
}

// Adapts a throwing parser: its exception message becomes the complaint.
template <typename Parse>
CLI::Validator parser_validator(Parse parse, std::string name) {
  return complaint_validator(
      [parse](const std::string& text) -> std::string {
        try {
          parse(text);
          return "";
        } catch (const std::invalid_argument& e) {
          return e.what();
        } catch (const SpecError& e) {
          return e.what();
        }
      },
      std::move(name));
}

PagingMode parse_one_mode(std::string_view item, const std::vector<PagingMode>& seen) {
  if (item.empty())
    throw std::invalid_argument("empty mode in the list (expected e.g. native,nested)");
  const std::optional<PagingMode> mode = parse_paging_mode(item);
  if (!mode) {
    throw std::invalid_argument(fmt::format(
        "unknown paging mode {} (expected {})", message_quote(item), paging_mode_choices()));
  }
  if (std::find(seen.begin(), seen.end(), *mode) != seen.end())
    throw std::invalid_argument(
        fmt::format("paging mode {} given more than once", message_quote(item)));
  return *mode;
}

// A value that must be one of a few names, parsed to std::optional: the complaint names what
// was expected.
template <typename Parse>
CLI::Validator choice_validator(Parse parse, std::string noun, std::string expected,
                                std::string name) {
  return complaint_validator(
      [parse, noun, expected](const std::string& text) -> std::string {
        if (parse(text)) return "";
        return fmt::format("unknown {} {} (expected {})", noun, message_quote(text), expected);
      },
      std::move(name));
}

}  // namespace

std::vector<PagingMode> parse_mode_list(std::string_view text) {
  std::vector<PagingMode> modes;
  for (;;) {
    const size_t comma = text.find(',');
    modes.push_back(parse_one_mode(text.substr(0, comma), modes));
    if (comma == std::string_view::npos) return modes;
    text.remove_prefix(comma + 1);
  }
}

uint64_t parse_seed(std::string_view text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range)
    throw std::invalid_argument(
        fmt::format("{} is too large (at most 2^64-1)", message_quote(text)));
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw std::invalid_argument(
        fmt::format("{} is not a non-negative whole number", message_quote(text)));
  return value;
}

CLI::Validator mode_list_validator() { return parser_validator(parse_mode_list, "modes"); }

CLI::Option* add_mode_option(CLI::App& app, std::string& modes, const std::string& what) {
  std::string help = "Comma-separated paging modes " + what + ":";
  for (const PagingModeSpec* m : paging_modes())
    help += fmt::format("\n  {}: {}", m->name, m->help);
  return app.add_option("--mode", modes, help)
      ->type_name("MODES")
      ->check(mode_list_validator())
      ->capture_default_str();
}

CLI::Validator page_size_validator() {
  return choice_validator(parse_page_size, "page size", "4k, 2m or 1g", "page size");
}

CLI::Validator paging_levels_validator() {
  return complaint_validator(
      [](const std::string& text) -> std::string {
        if (text == "4" || text == "5") return "";
        return fmt::format("{} is not a number of paging levels (expected 4 or 5)",
                           message_quote(text));
      },
      "paging levels");
}

CLI::Validator seed_validator() { return parser_validator(parse_seed, "seed"); }

CLI::Validator warmup_validator() { return parser_validator(parse_warmup, "warm-up"); }

CLI::Validator workload_spec_validator() {
  // The SpecError message quotes the whole spec and names the bad key.
  return parser_validator(parse_workload_spec, "workload spec");
}

CLI::Validator vmm_model_validator() {
  return choice_validator(parse_vmm_model, "VMM model", "xen or kvm", "model");
}

CLI::Validator tlb_tag_validator() {
  return choice_validator(parse_tlb_tagging, "TLB tagging",
                          "none, asid1, asid, vpid or vpid+pcid", "TLB tagging");
}

CLI::Validator frames_validator() {
  return choice_validator(parse_frame_placement, "frame placement", "in-order or scattered",
                          "frame placement");
}

CLI::Validator count_validator(int64_t lo, int64_t hi) {
  return complaint_validator(
      [lo, hi](const std::string& text) -> std::string {
        int64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size() && value >= lo && value <= hi)
          return "";
        return fmt::format("{} is not a whole number from {} to {}", message_quote(text), lo, hi);
      },
      "count");
}

// gnuplot never sees the path (the picture comes back on its stdout), but a name with a newline
// or an escape sequence in it is a mistake or a trap, and messages would show it.
CLI::Validator picture_path_validator() {
  return complaint_validator(
      [](const std::string& path) -> std::string {
        const auto control = [](unsigned char c) { return c < 0x20 || c == 0x7f; };
        if (std::any_of(path.begin(), path.end(), control))
          return fmt::format("{} holds a control character; give a plain file name",
                             message_quote(path, kMessagePathLimit));
        const auto ends = [&path](std::string_view s) {
          return path.size() > s.size() && path.ends_with(s);
        };
        if (ends(".svg") || ends(".png")) return "";
        return fmt::format("{} ends in neither .svg nor .png",
                           message_quote(path, kMessagePathLimit));
      },
      "picture");
}

CLI::Validator measurable_workload_validator(std::string command) {
  return complaint_validator(
      [command](const std::string& text) -> std::string {
        WorkloadSpec spec;
        try {
          spec = parse_workload_spec(text);
        } catch (const SpecError& e) {
          return e.what();
        }
        if (std::holds_alternative<ListWalkSpec>(spec) || std::holds_alternative<RandomSpec>(spec))
          return "";
        const std::string name = workload_name(spec);
        const char* reason = std::holds_alternative<TraceSpec>(spec)
                                 ? "the probes do not replay recorded accesses"
                                 : "they need processes, which only the simulator has";
        return fmt::format(
            "{} workloads can be simulated (memvirt sim) but not measured: {}; {} runs listwalk "
            "or random only",
            name, reason, command);
      },
      "measurable workload");
}

}  // namespace memvirt
