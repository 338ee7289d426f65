#include "cli/compare_report.hpp"

#include <fmt/format.h>

#include "report/text_table.hpp"

namespace memvirt {
namespace {

using nlohmann::json;

json number_or_null(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::string cell(const std::optional<double>& v) { return v ? fixed(*v, 2) : "n/a"; }

std::string percent(const std::optional<double>& v) {
  return v ? fmt::format("{:+.1f}%", *v * 100) : "n/a";
}

std::string machine_line(const CompareSetting& s) {
  if (!s.machine.guest) return s.host.describe() + ", bare metal";
  const std::string outer =
      s.machine.outer_page ? fmt::format("outer pages {}", page_size_name(*s.machine.outer_page))
                           : "outer pages unknown: 4k assumed";
  return fmt::format("{}, a guest of an outer hypervisor (CPUID hypervisor bit), {}",
                     s.host.describe(), outer);
}

std::string frames_line(const CompareSetting& s) {
  const std::string_view f = frame_placement_name(s.prediction_frames);
  if (s.frames_given) return fmt::format("frames {} (--frames)", f);
  return fmt::format(
      "frames {} (a real kernel's frames land on random page colours; what-ifs "
      "follow --frames)",
      f);
}

json row_json(const CompareRow& r) {
  json row = {{"where", r.where},
              {"kind", r.measured ? "measured" : "simulated"},
              {"ticks_per_step", number_or_null(r.ticks)},
              {"cycles_per_step", number_or_null(r.cycles)},
              {"ratio_to_native", number_or_null(r.ratio)}};
  if (r.measured) {
    row["ran_on"] = r.note;
    row["predicted_ticks_per_step"] = number_or_null(r.predicted_ticks);
    row["predicted_cycles_per_step"] = number_or_null(r.predicted_cycles);
    row["error"] = number_or_null(r.error());
    row["predicted_as"] = r.predicted_as;
    row["predicted_ratio_to_native"] = number_or_null(r.predicted_ratio);
  } else {
    row["what_if"] = r.note;
  }
  if (!r.ticks) row["reason"] = r.note;
  return row;
}

}  // namespace

std::string compare_header(const CompareSetting& s) {
  const CpuModel& cpu = *s.cpu.model;
  return fmt::format(
      "workload  {}\n"
      "machine   {}\n"
      "backend   {}\n"
      "cpu model {} ({}; {}), preset core clock {:.2f} GHz{}\n"
      "unit      TSC ticks per step, TSC {:.3f} GHz (measured); model cycles x TSC / core clock,\n"
      "          the core clock measured around the measured runs: {:.2f} GHz\n"
      "measured  median of {} warm runs\n"
      "predicted steady state, {}\n\n",
      s.workload, machine_line(s), s.backend, cpu.name, cpu.origin, s.cpu.chosen_by, cpu.core_ghz,
      s.cpu.calibrated ? ", calibrated" : ", not calibrated", s.tsc_ghz, s.core_ghz, s.repeats,
      frames_line(s));
}

std::string compare_table(const std::vector<CompareRow>& rows) {
  TextTable table({{"where", Align::kLeft},
                   {"kind", Align::kLeft},
                   {"ticks/step", Align::kRight},
                   {"predicted", Align::kRight},
                   {"error", Align::kRight},
                   {"ratio to\nnative", Align::kRight},
                   {"predicted\nratio", Align::kRight},
                   {"ran on / predicted as", Align::kLeft}});
  for (const CompareRow& r : rows) {
    if (!r.measured) {
      table.add_row({r.where, "what-if", cell(r.ticks), "", "", cell(r.ratio), "", r.note});
      continue;
    }
    table.add_row({r.where, "measured", cell(r.ticks), cell(r.predicted_ticks), percent(r.error()),
                   cell(r.ratio), cell(r.predicted_ratio), r.note});
    // The prediction's machine on a line of its own: it is as long as it needs to be exact.
    table.add_row({"", "", "", "", "", "", "", "predicted as " + r.predicted_as});
  }
  return table.render();
}

json compare_json(const CompareSetting& s, const std::vector<CompareRow>& rows) {
  const CpuModel& cpu = *s.cpu.model;
  json out = {{"workload", s.workload},
              {"backend", s.backend},
              {"tsc_ghz", s.tsc_ghz},
              {"core_ghz_measured", s.core_ghz},
              {"cpu",
               {{"name", cpu.name},
                {"origin", cpu.origin},
                {"chosen_by", s.cpu.chosen_by},
                {"core_ghz", cpu.core_ghz}}},
              {"calibrated", s.cpu.calibrated},
              {"machine",
               {{"cpu", s.host.describe()},
                {"guest", s.machine.guest},
                {"outer_page", s.machine.outer_page
                                   ? json(std::string(page_size_name(*s.machine.outer_page)))
                                   : json(nullptr)}}},
              {"prediction_frames", std::string(frame_placement_name(s.prediction_frames))},
              {"rows", json::array()}};
  for (const CompareRow& r : rows) out["rows"].push_back(row_json(r));
  return out;
}

}  // namespace memvirt
