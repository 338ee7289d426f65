// Aligned text tables and the `memvirt sim` results table.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "report/text_table.hpp"

namespace memvirt {
namespace {

TEST(ReportTable, NumbersAlignRightTextLeftHeadersSitOnTheSeparator) {
  TextTable t({{"name", Align::kLeft}, {"two\nlines"}, {"n"}});
  t.add_row({"a", "1", "22"});
  t.add_row({"longer", "1,000", "3"});
  EXPECT_EQ(t.render(),
            "          two\n"
            "name    lines   n\n"
            "------  -----  --\n"
            "a           1  22\n"
            "longer  1,000   3\n");
}

TEST(ReportTable, LinesHaveNoTrailingSpaces) {
  TextTable t({{"n"}, {"text", Align::kLeft}});
  t.add_row({"1", "x"});
  t.add_row({"2", ""});
  EXPECT_EQ(t.render(),
            "n  text\n"
            "-  ----\n"
            "1  x\n"
            "2\n");
}

TEST(ReportTable, TableWithoutRowsIsHeaderAndSeparator) {
  TextTable t({{"a", Align::kLeft}, {"bb"}});
  EXPECT_EQ(t.render(), "a  bb\n-  --\n");
}

TEST(ReportTable, ThousandsSeparatorsEveryThreeDigits) {
  EXPECT_EQ(with_thousands(0), "0");
  EXPECT_EQ(with_thousands(999), "999");
  EXPECT_EQ(with_thousands(1000), "1,000");
  EXPECT_EQ(with_thousands(123456), "123,456");
  EXPECT_EQ(with_thousands(1234567), "1,234,567");
  EXPECT_EQ(with_thousands(std::numeric_limits<uint64_t>::max()), "18,446,744,073,709,551,615");
}

TEST(ReportTable, FixedRoundsToTheGivenDecimals) {
  EXPECT_EQ(fixed(2.5, 2), "2.50");
  EXPECT_EQ(fixed(19.6875, 2), "19.69");
  EXPECT_EQ(fixed(0.0, 1), "0.0");
}

RunResult native_run() {
  RunResult r;
  r.config.mode = PagingMode::kNative;
  r.accesses = 2000;
  r.tlb_hits = 1500;
  r.tlb_misses = 500;
  r.guest_refs = 2000;
  r.walk_refs = 2000;
  r.guest_page_faults = 256;
  r.guest_pt_writes = 260;
  r.guest_pt_bytes = 16 * 1024;
  return r;
}

RunResult nested_run() {
  RunResult r = native_run();
  r.config.mode = PagingMode::kNested;
  r.config.nested_page = PageSize::k2M;
  r.tlb_misses = 800;
  r.nested_refs = 16000;
  r.walk_refs = 18000;
  r.vm_exits.by_reason = {0, 0, 0, 0, 0, 1234};
  r.nested_pt_bytes = 20 * 1024;
  return r;
}

RunResult shadow_run() {
  RunResult r = native_run();
  r.config.mode = PagingMode::kShadow;
  r.tlb_misses = 0;
  r.tlb_hits = 0;
  r.vm_exits.by_reason = {12, 3, 0, 1, 0, 0, 0, 0, 0};
  r.shadow_pt_bytes = 4096 * 3;
  return r;
}

TEST(ReportTable, SimTableHasOneRowPerModeAndNonZeroExitsByReason) {
  EXPECT_EQ(sim_table({native_run(), shadow_run(), nested_run()}),
            "                           TLB     TLB   miss  refs/miss  refs/miss  guest     VM\n"
            "mode    page   accesses   hits  misses      %      guest     nested    #PF  exits\n"
            "------  -----  --------  -----  ------  -----  ---------  ---------  -----  -----\n"
            "native  4k        2,000  1,500     500  25.00       4.00       0.00    256      0\n"
            "shadow  4k/4k     2,000      0       0      -          -          -    256     16\n"
            "nested  4k/2m     2,000  1,500     800  34.78       2.50      20.00    256  1,234\n"
            "\n"
            "        PT KiB  PT KiB  PT KiB  PT KiB  hyper-      TLB  shadow\n"
            "mode     guest  shadow  nested     p2m   calls  flushes   syncs  IPIs\n"
            "------  ------  ------  ------  ------  ------  -------  ------  ----\n"
            "native      16       0       0       0       0        0       0     0\n"
            "shadow      16      12       0       0       0        0       0     0\n"
            "nested      16       0      20       0       0        0       0     0\n"
            "\n"
            "mode    VM exits by reason\n"
            "------  --------------------------------------\n"
            "native  -\n"
            "shadow  pt_write=12 shadow_fault=3 cr3_write=1\n"
            "nested  ept_violation=1,234\n");
}

// Exact counts (no 1.2M abbreviations) of a run of near a billion accesses still fit.
TEST(ReportTable, SimTableFitsIn120ColumnsWithLargeCounts) {
  RunResult big = shadow_run();
  big.accesses = big.tlb_hits = big.tlb_misses = 999'999'999;
  big.guest_refs = big.nested_refs = 24 * big.tlb_misses;
  big.guest_page_faults = 9'999'999;
  big.vm_exits.by_reason = {9'999'999, 9'999'999, 999'999, 1, 0, 0};
  big.guest_pt_bytes = big.shadow_pt_bytes = big.nested_pt_bytes = uint64_t{1} << 30;
  std::istringstream lines(sim_table({native_run(), big}));
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 120u) << line;
}

}  // namespace
}  // namespace memvirt
