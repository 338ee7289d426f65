#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sim/footprint.hpp"
#include "support/machines.hpp"
#include "vmm/paging_modes.hpp"

namespace memvirt {
namespace {

using test::config_for;
using test::kBase;
using test::mmap_event;

TEST(PagingModes, EveryModeIsRegisteredOnceWithANameThatParsesBack) {
  std::set<std::string> names;
  for (const PagingModeSpec* m : paging_modes()) {
    EXPECT_TRUE(names.insert(std::string(m->name)).second) << m->name;
    EXPECT_FALSE(m->help.empty()) << m->name;
    ASSERT_NE(m->make, nullptr) << m->name;
    EXPECT_EQ(parse_paging_mode(m->name), m->mode);
    EXPECT_EQ(paging_mode_name(m->mode), m->name);
    EXPECT_EQ(&paging_mode_spec(m->mode), m);
    EXPECT_NE(paging_mode_choices().find(m->name), std::string::npos);
  }
  EXPECT_EQ(names, (std::set<std::string>{"native", "shadow", "pv", "nested", "flat-nested", "agile"}));
  EXPECT_EQ(paging_mode_choices(), "native, shadow, pv, nested, flat-nested or agile");
  EXPECT_FALSE(parse_paging_mode("Nested").has_value());
}

// The factory builds what the registry says, and each mode runs an access.
TEST(PagingModes, TheFactoryBuildsEachRegisteredMode) {
  for (const PagingModeSpec* m : paging_modes()) {
    SimConfig c = config_for(m->mode);
    if (m->implied_model) c.model = *m->implied_model;
    Machine machine(c);
    EXPECT_EQ(machine.hypervisor().mode(), m->mode) << m->name;
    machine.apply(mmap_event(0, kBase, 4096));
    EXPECT_TRUE(machine.access(0, GuestVirt(kBase), AccessType::kWrite).ok) << m->name;
  }
}

TEST(PagingModes, AModesRulesRejectWhatItCannotRun) {
  SimConfig native = config_for(PagingMode::kNative);
  native.vms = 2;
  EXPECT_THROW(check_sim_config(native), std::invalid_argument);
  SimConfig pv = config_for(PagingMode::kPv);
  pv.model = VmmModel::kKvm;
  try {
    check_sim_config(pv);
    ADD_FAILURE() << "pv under KVM was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--model xen"), std::string::npos) << e.what();
  }
  pv.model = VmmModel::kXen;
  EXPECT_NO_THROW(check_sim_config(pv));
}

}  // namespace
}  // namespace memvirt
