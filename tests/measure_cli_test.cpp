// The measuring commands (`measure native`, `measure kvm`, `compare`) through the real binary:
// a workload the real probes cannot run is a usage error naming --workload and the reason,
// before any memory is mapped or /dev/kvm is opened.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/run_binary.hpp"
#include "support/text_contains.hpp"

namespace memvirt {
namespace {

using namespace test;

using Command = std::vector<std::string>;

const std::vector<Command> kMeasuringCommands = {
    {"measure", "native"}, {"measure", "kvm"}, {"compare"}};

Outcome run_with_workload(Command command, const std::string& spec) {
  command.insert(command.end(), {"--workload", spec});
  return run_memvirt(command);
}

void expect_refused(const Command& command, const std::string& spec,
                    const std::vector<std::string>& fragments) {
  const Outcome o = run_with_workload(command, spec);
  const std::string what = command[0] + " " + spec;
  EXPECT_EQ(o.exit_code, 2) << what << ": " << o.err;
  EXPECT_EQ(o.out, "") << what;
  for (const std::string& f : fragments) EXPECT_TRUE(contains(o.err, f)) << f << " in: " << o.err;
}

// The file is never opened: a trace is refused for what it is, whatever it holds.
TEST(MeasureCli, TraceWorkloadIsRefusedByEveryMeasuringCommand) {
  for (const Command& command : kMeasuringCommands) {
    expect_refused(command, "trace:/nonexistent/recorded.mvt",
                   {"--workload", "trace workloads can be simulated (memvirt sim) but not measured",
                    "runs listwalk or random only"});
  }
}

TEST(MeasureCli, MultiProcessWorkloadsAreRefusedWithTheReason) {
  for (const Command& command : kMeasuringCommands) {
    for (const char* spec : {"churn", "ctxswitch", "forkexec:n=2,ws=64KiB"}) {
      expect_refused(command, spec,
                     {"--workload", "but not measured", "need processes", "listwalk or random"});
    }
  }
}

TEST(MeasureCli, RefusalNamesTheCommand) {
  expect_refused({"measure", "native"}, "churn", {"measure runs listwalk or random only"});
  expect_refused({"compare"}, "churn", {"compare runs listwalk or random only"});
}

TEST(MeasureCli, MalformedTraceSpecIsReportedAsMalformed) {
  const Outcome o = run_with_workload({"measure", "native"}, "trace:");
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "--workload")) << o.err;
  EXPECT_TRUE(contains(o.err, "file")) << o.err;
  EXPECT_FALSE(contains(o.err, "not measured")) << o.err;
}

TEST(MeasureCli, ListWalkAndRandomStillRunNatively) {
  for (const char* spec :
       {"listwalk:ws=64KiB,order=random,steps=2000", "random:ws=64KiB,steps=2000"}) {
    const Outcome o = run_memvirt({"measure", "native", "--workload", spec, "--repeats", "1"});
    EXPECT_EQ(o.exit_code, 0) << spec << ": " << o.err;
    EXPECT_TRUE(contains(o.out, "checksum ok")) << o.out;
  }
}

TEST(MeasureCli, TimeoutStopsAGuestThatRunsTooLong) {
  // 200 million random steps over 64 MiB take tens of seconds; the watchdog stops the run at 1 s.
  const Outcome o = run_memvirt({"measure", "kvm", "--timeout", "1", "--repeats", "1",
                                 "--workload", "listwalk:ws=64MiB,order=random,steps=200000000"});
  if (o.exit_code == 3) GTEST_SKIP() << "needs /dev/kvm: " << o.err;
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_NE(o.err.find("watchdog: the guest ran past its bound of 1000 ms"), std::string::npos)
      << o.err;
}

TEST(MeasureCli, TimeoutOutsideItsRangeIsAUsageError) {
  EXPECT_EQ(run_memvirt({"measure", "kvm", "--timeout", "0", "--workload", "listwalk:ws=1MiB"})
                .exit_code,
            2);
}

}  // namespace
}  // namespace memvirt
