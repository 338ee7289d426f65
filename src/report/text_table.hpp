#pragma once
// Aligned plain-text tables: a generic TextTable, the number formats it is usually fed with, and
// the `memvirt sim` results table built on it.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/result.hpp"

namespace memvirt {

enum class Align : uint8_t { kLeft, kRight };

struct Column {
  std::string header;  // '\n' splits a header over lines, so wide tables keep narrow columns
  Align align = Align::kRight;
};

// Header lines, a dashed separator, then the rows; columns two spaces apart, each as wide as its
// widest cell, no trailing spaces. Headers are bottom-aligned and aligned like their column.
class TextTable {
 public:
  explicit TextTable(std::vector<Column> columns);

  // A row has exactly one cell per column.
  void add_row(std::vector<std::string> cells);
  std::string render() const;

 private:
  std::vector<size_t> widths() const;
  std::vector<std::vector<std::string>> header_lines() const;
  std::string render_line(const std::vector<std::string>& cells,
                          const std::vector<size_t>& widths) const;

  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// 1234567 -> "1,234,567".
std::string with_thousands(uint64_t n);
// Fixed-point with `decimals` digits after the point: fixed(2.5, 2) -> "2.50".
std::string fixed(double value, int decimals);

// Two tables, one row per run in each: TLB behaviour, walk references per miss, guest faults and
// VM exits; then page-table footprint and the VM exits by reason (non-zero ones only).
std::string sim_table(const std::vector<RunResult>& runs);

// Every component's every counter, one row each: its value in each run, its unit and meaning.
std::string counters_table(const std::vector<RunResult>& runs);

}  // namespace memvirt
