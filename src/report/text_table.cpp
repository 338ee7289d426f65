#include "report/text_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <utility>

#include "vmm/paging_modes.hpp"

namespace memvirt {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(text.substr(start, nl - start));
  lines.push_back(text.substr(start));
  return lines;
}

void trim_trailing_spaces(std::string& line) { line.erase(line.find_last_not_of(' ') + 1); }

}  // namespace

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

void TextTable::add_row(std::vector<std::string> cells) {
  assert(cells.size() == columns_.size() && "a row needs one cell per column");
  rows_.push_back(std::move(cells));
}

// Header line i of every column; a header with fewer lines is padded at the top so that the
// last header lines sit together just above the separator.
std::vector<std::vector<std::string>> TextTable::header_lines() const {
  std::vector<std::vector<std::string>> per_column;
  size_t height = 0;
  for (const Column& c : columns_) {
    per_column.push_back(split_lines(c.header));
    height = std::max(height, per_column.back().size());
  }
  std::vector<std::vector<std::string>> lines(height, std::vector<std::string>(columns_.size()));
  for (size_t col = 0; col < columns_.size(); ++col) {
    const size_t top = height - per_column[col].size();
    for (size_t i = 0; i < per_column[col].size(); ++i) lines[top + i][col] = per_column[col][i];
  }
  return lines;
}

std::vector<size_t> TextTable::widths() const {
  std::vector<size_t> w(columns_.size(), 0);
  for (const auto& line : header_lines())
    for (size_t col = 0; col < w.size(); ++col) w[col] = std::max(w[col], line[col].size());
  for (const auto& row : rows_)
    for (size_t col = 0; col < w.size(); ++col) w[col] = std::max(w[col], row[col].size());
  return w;
}

std::string TextTable::render_line(const std::vector<std::string>& cells,
                                   const std::vector<size_t>& widths) const {
  std::string line;
  for (size_t col = 0; col < cells.size(); ++col) {
    if (col > 0) line += "  ";
    if (columns_[col].align == Align::kLeft)
      line += fmt::format("{:<{}}", cells[col], widths[col]);
    else
      line += fmt::format("{:>{}}", cells[col], widths[col]);
  }
  trim_trailing_spaces(line);
  return line + '\n';
}

std::string TextTable::render() const {
  const std::vector<size_t> w = widths();
  std::string out;
  for (const auto& line : header_lines()) out += render_line(line, w);
  std::vector<std::string> dashes;
  for (size_t width : w) dashes.emplace_back(width, '-');
  out += render_line(dashes, w);
  for (const auto& row : rows_) out += render_line(row, w);
  return out;
}

std::string with_thousands(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string fixed(double value, int decimals) { return fmt::format("{:.{}f}", value, decimals); }

namespace {

// "-" where a ratio has no denominator: 0.00 would claim a measurement that was not made.
std::string ratio(uint64_t num, uint64_t den, double scale = 1.0) {
  if (den == 0) return "-";
  return fixed(scale * static_cast<double>(num) / static_cast<double>(den), 2);
}

std::string kib(uint64_t bytes) { return with_thousands((bytes + 1023) / 1024); }

// A mode without VMs has no host page size of its own; the others show "guest/host" (e.g. 4k/2m).
std::string pages(const SimConfig& c) {
  std::string text(page_size_name(c.page));
  if (mode_runs_vms(c.mode)) text += "/" + std::string(page_size_name(c.nested_page));
  return text;
}

std::string mode_name(const RunResult& r) { return std::string(paging_mode_name(r.config.mode)); }

std::vector<std::string> translation_row(const RunResult& r) {
  return {mode_name(r),
          pages(r.config),
          with_thousands(r.accesses),
          with_thousands(r.tlb_hits),
          with_thousands(r.tlb_misses),
          ratio(r.tlb_misses, r.tlb_hits + r.tlb_misses, 100.0),
          ratio(r.guest_refs, r.tlb_misses),
          ratio(r.nested_refs, r.tlb_misses),
          with_thousands(r.guest_page_faults),
          with_thousands(r.vm_exits.total())};
}

// "pt_write=12 shadow_fault=3": only the reasons that happened, in enum order.
std::string exits_by_reason(const VmExitStats& exits) {
  std::string text;
  for (int i = 0; i < kExitReasonCount; ++i) {
    const auto reason = static_cast<ExitReason>(i);
    if (exits[reason] == 0) continue;
    if (!text.empty()) text += ' ';
    text += fmt::format("{}={}", exit_reason_name(reason), with_thousands(exits[reason]));
  }
  return text.empty() ? "-" : text;
}

// Cycles per access in total and by category: where the time of each mode goes.
std::string cycles_table(const std::vector<RunResult>& runs) {
  std::vector<Column> columns = {{"mode", Align::kLeft}, {"cycles/\naccess"}};
  for (int i = 0; i < kCycleCategoryCount; ++i) {
    std::string name(cycle_category_name(static_cast<CycleCategory>(i)));
    std::replace(name.begin(), name.end(), '_', '\n');
    columns.push_back({name});
  }
  TextTable t(columns);
  bool any = false;
  for (const RunResult& r : runs) {
    if (!r.timed) continue;
    any = true;
    std::vector<std::string> row = {mode_name(r), fixed(r.cycles_per_access(), 1)};
    for (uint64_t c : r.cycles.categories()) row.push_back(ratio(c, r.accesses));
    t.add_row(row);
  }
  if (!any) return "";
  return "\nmodel cycles per access (CPU preset " + runs.front().config.cpu->name + ")\n" +
         t.render();
}

}  // namespace

// Tables stacked rather than one wide one, so that exact counts of a large run still fit in 120
// columns: what translation cost, what the VMM kept and did, and why the guest left for it.
std::string sim_table(const std::vector<RunResult>& runs) {
  TextTable translation({{"mode", Align::kLeft},
                         {"page", Align::kLeft},
                         {"accesses"},
                         {"TLB\nhits"},
                         {"TLB\nmisses"},
                         {"miss\n%"},
                         {"refs/miss\nguest"},
                         {"refs/miss\nnested"},
                         {"guest\n#PF"},
                         {"VM\nexits"}});
  TextTable vmm({{"mode", Align::kLeft},
                 {"PT KiB\nguest"},
                 {"PT KiB\nshadow"},
                 {"PT KiB\nnested"},
                 {"PT KiB\np2m"},
                 {"hyper-\ncalls"},
                 {"TLB\nflushes"},
                 {"shadow\nsyncs"},
                 {"IPIs"}});
  TextTable exits({{"mode", Align::kLeft}, {"VM exits by reason", Align::kLeft}});
  for (const RunResult& r : runs) {
    translation.add_row(translation_row(r));
    vmm.add_row({mode_name(r), kib(r.guest_pt_bytes), kib(r.shadow_pt_bytes),
                 kib(r.nested_pt_bytes), kib(r.p2m_bytes), with_thousands(r.hypercalls),
                 with_thousands(r.tlb_flushes), with_thousands(r.shadow_syncs),
                 with_thousands(r.ipis)});
    exits.add_row({mode_name(r), exits_by_reason(r.vm_exits)});
  }
  return translation.render() + "\n" + vmm.render() + "\n" + exits.render() + cycles_table(runs);
}

std::string counters_table(const std::vector<RunResult>& runs) {
  std::vector<Column> columns = {{"counter", Align::kLeft}};
  for (const RunResult& r : runs) columns.push_back({mode_name(r)});
  columns.push_back({"unit", Align::kLeft});
  columns.push_back({"meaning", Align::kLeft});
  TextTable t(std::move(columns));
  // The components are the same in every run: walk the first for the names, each for values.
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < runs.size(); ++i) {
    size_t row = 0;
    runs[i].for_each_component([&](const char* component, const auto& stats, bool ran) {
      for (const auto& c : counters_of<std::decay_t<decltype(stats)>>()) {
        if (i == 0) rows.push_back({fmt::format("{}.{}", component, c.name)});
        rows[row++].push_back(ran ? with_thousands(stats.*c.field) : "-");
      }
    });
  }
  size_t row = 0;
  runs.front().for_each_component([&](const char*, const auto& stats, bool) {
    for (const auto& c : counters_of<std::decay_t<decltype(stats)>>()) {
      rows[row].push_back(std::string(c.unit));
      rows[row++].push_back(std::string(c.meaning));
    }
  });
  for (auto& cells : rows) t.add_row(cells);
  return "\nevery counter (levels are as at the end; '-': the CPU model's structure did not run)\n" +
         t.render();
}

}  // namespace memvirt
