#include "cli/sweep_flags.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "cli/sim_options.hpp"
#include "cli/validators.hpp"
#include "cli/usage_error.hpp"
#include "sim/footprint.hpp"
#include "sim/machine.hpp"
#include "text/message_quote.hpp"

namespace memvirt {
namespace {

// A fresh parser holding SimOptions and nothing else, parsing `flags`.
SimConfig parse_machine(std::vector<std::string> flags, PagingMode mode) {
  CLI::App app;
  SimOptions options;
  options.add_to(app);
  std::reverse(flags.begin(), flags.end());  // CLI11 takes a vector of arguments last-first
  try {
    app.parse(flags);
  } catch (const CLI::ParseError& e) {
    throw std::invalid_argument(e.what());
  }
  return options.config_for(mode);
}

// Checks each item of a comma-separated list with `item`, and that no item comes twice.
CLI::Validator list_validator(CLI::Validator item, std::string name) {
  return CLI::Validator(
      [item](std::string& text) -> std::string {
        std::vector<std::string> seen;
        for (std::string one : split_list(text)) {
          if (one.empty()) return "empty item in the list";
          if (std::find(seen.begin(), seen.end(), one) != seen.end())
            return fmt::format("{} given more than once", message_quote(one));
          seen.push_back(one);
          if (std::string complaint = item(one); !complaint.empty()) return complaint;
        }
        return "";
      },
      "", std::move(name));
}

CLI::Validator cpu_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (!cpu_flag_available())
          return "CPU presets come with the timing model, which this build does not have yet; "
                 "leave out --cpu";
        try {
          parse_machine({"--cpu=" + text}, PagingMode::kNative);
          return "";
        } catch (const std::invalid_argument& e) {
          // CLI11 names the flag again in front of our complaint.
          const std::string_view what = e.what();
          return std::string(what.substr(what.rfind("--cpu: ", 0) == 0 ? 7 : 0));
        }
      },
      "", "cpu");
}

// Replaces SimOptions' single-value flag `name` by a list flag of the same name and default.
void add_list_flag(CLI::App& app, const std::string& name, std::string& into, CLI::Validator item,
                   const std::string& what) {
  CLI::Option* single = app.get_option_no_throw(name);
  // get_type_name() appends the validators' names after a ':'; the list has its own.
  const std::string full_type = single != nullptr ? single->get_type_name() : "NAME";
  const std::string type = full_type.substr(0, full_type.find(':'));
  if (single != nullptr) {
    into = single->get_default_str();
    app.remove_option(single);
  }
  CLI::Option* list = app.add_option(name, into, fmt::format("Comma-separated {}", what))
                          ->type_name(type + ",...")
                          ->check(list_validator(std::move(item), what));
  if (!into.empty()) list->capture_default_str();
}

}  // namespace

void SweepFlags::add_to(CLI::App& app, std::string& pages, std::string& tlb_tags,
                        std::string& cpus) {
  const size_t before = app.get_options().size();
  options_.add_to(app);
  add_list_flag(app, "--page", pages, page_size_validator(), "guest page sizes, e.g. 4k,2m");
  add_list_flag(app, "--tlb-tag", tlb_tags, tlb_tag_validator(), "TLB taggings, e.g. vpid,none");
  add_list_flag(app, "--cpu", cpus, cpu_validator(), "CPU presets (timing model), e.g. zen3");
  const std::vector<CLI::Option*> all = app.get_options();
  for (size_t i = before; i < all.size(); ++i) {
    const std::string& name = all[i]->get_name();
    if (name != "--page" && name != "--tlb-tag" && name != "--cpu") shared_.push_back(all[i]);
  }
}

std::vector<std::string> SweepFlags::shared_flags() const {
  std::vector<std::string> flags;
  for (const CLI::Option* option : shared_)
    for (const std::string& value : option->results())
      flags.push_back(fmt::format("{}={}", option->get_name(), value));
  return flags;
}

bool cpu_flag_available() {
  CLI::App app;
  SimOptions options;
  options.add_to(app);
  return app.get_option_no_throw("--cpu") != nullptr;
}

SimConfig point_config(const std::vector<std::string>& shared_flags, const SweepPoint& point) {
  std::vector<std::string> flags = shared_flags;
  flags.push_back("--page=" + point.page);
  flags.push_back("--tlb-tag=" + point.tlb_tag);
  if (!point.cpu.empty()) flags.push_back("--cpu=" + point.cpu);
  const std::optional<PagingMode> mode = parse_paging_mode(point.mode);
  if (!mode)
    throw std::invalid_argument(fmt::format("unknown paging mode {}", message_quote(point.mode)));
  return parse_machine(std::move(flags), *mode);
}

void check_sweep_points(const SweepLists& lists) {
  std::map<std::string, uint64_t> opens;  // per workload: how often the sweep would open it
  for (const SweepPoint& point : cross_product(lists)) {
    try {
      const SimConfig config = point_config(lists.flags, point);
      const WorkloadSpec spec = parse_workload_spec(point.workload);
      check_sim_config(config);
      check_footprint(config, spec);
      check_trace_reads(spec, opens[point.workload] += workload_opens(config));
    } catch (const std::invalid_argument& e) {
      throw UsageError(
          fmt::format("configuration {} ({}): {}", point.index, point_label(point), e.what()));
    }
  }
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> items;
  size_t start = 0;
  for (size_t comma; (comma = list.find(',', start)) != std::string::npos; start = comma + 1)
    items.push_back(list.substr(start, comma - start));
  items.push_back(list.substr(start));
  return items;
}

std::vector<std::string> canonical_pages(const std::string& list) {
  std::vector<std::string> names;
  for (const std::string& item : split_list(list))
    names.emplace_back(page_size_name(*parse_page_size(item)));
  return names;
}

std::vector<std::string> canonical_tlb_tags(const std::string& list) {
  std::vector<std::string> names;
  for (const std::string& item : split_list(list))
    names.emplace_back(tlb_tagging_name(*parse_tlb_tagging(item)));
  return names;
}

std::vector<std::string> canonical_modes(const std::string& list) {
  std::vector<std::string> names;
  for (PagingMode mode : parse_mode_list(list)) names.emplace_back(paging_mode_name(mode));
  return names;
}

}  // namespace memvirt
