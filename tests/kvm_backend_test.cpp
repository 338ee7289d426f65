// The backend label, from a /sys/module tree made up for each case.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "kvm/backend.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;

class KvmBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("memvirt-sysmod-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void module(const std::string& name, const std::string& param = "",
              const std::string& value = "") {
    fs::create_directories(root_ / name / "parameters");
    if (!param.empty()) std::ofstream(root_ / name / "parameters" / param) << value << "\n";
  }

  fs::path root_;
};

TEST_F(KvmBackend, NamesIntelWithEptOn) {
  module("kvm");
  module("kvm_intel", "ept", "Y");
  EXPECT_EQ(kvm_backend_name(root_), "kvm_intel (EPT on)");
}

TEST_F(KvmBackend, NamesAmdWithNptOffAsShadowPaging) {
  module("kvm");
  module("kvm_amd", "npt", "0");
  EXPECT_EQ(kvm_backend_name(root_), "kvm_amd (NPT off: shadow paging)");
}

TEST_F(KvmBackend, NamesPvm) {
  module("kvm");
  module("kvm_pvm");
  EXPECT_EQ(kvm_backend_name(root_), "kvm_pvm (PVM, shadow paging)");
}

TEST_F(KvmBackend, SaysNoneWithoutKvm) { EXPECT_EQ(kvm_backend_name(root_), "none"); }

}  // namespace
}  // namespace memvirt
