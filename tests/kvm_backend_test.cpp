// The backend label and its structured form, from a /sys/module tree made up for each case.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "kvm/backend.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;

class KvmBackendModules : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("memvirt-sysmod-" + std::to_string(getpid()) + "-" +
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

TEST_F(KvmBackendModules, NamesIntelWithEptOn) {
  module("kvm");
  module("kvm_intel", "ept", "Y");
  EXPECT_EQ(kvm_backend_name(root_), "kvm_intel (EPT on)");
}

TEST_F(KvmBackendModules, NamesAmdWithNptOffAsShadowPaging) {
  module("kvm");
  module("kvm_amd", "npt", "0");
  EXPECT_EQ(kvm_backend_name(root_), "kvm_amd (NPT off: shadow paging)");
}

TEST_F(KvmBackendModules, NamesPvm) {
  module("kvm");
  module("kvm_pvm");
  EXPECT_EQ(kvm_backend_name(root_), "kvm_pvm (PVM, shadow paging)");
}

TEST_F(KvmBackendModules, SaysNoneWithoutKvm) { EXPECT_EQ(kvm_backend_name(root_), "none"); }

TEST_F(KvmBackendModules, DetectsIntelWithEptOn) {
  module("kvm");
  module("kvm_intel", "ept", "Y");
  const KvmBackend b = detect_kvm_backend(root_);
  EXPECT_EQ(b.kind, KvmBackendKind::kIntel);
  EXPECT_EQ(b.nested_paging, std::optional<bool>(true));
}

TEST_F(KvmBackendModules, DetectsAmdWithNptOff) {
  module("kvm");
  module("kvm_amd", "npt", "0");
  const KvmBackend b = detect_kvm_backend(root_);
  EXPECT_EQ(b.kind, KvmBackendKind::kAmd);
  EXPECT_EQ(b.nested_paging, std::optional<bool>(false));
}

TEST_F(KvmBackendModules, DetectsIntelWithUnreadableEptAsUnknownSwitch) {
  module("kvm");
  module("kvm_intel");
  const KvmBackend b = detect_kvm_backend(root_);
  EXPECT_EQ(b.kind, KvmBackendKind::kIntel);
  EXPECT_FALSE(b.nested_paging.has_value());
  EXPECT_EQ(kvm_backend_name(root_), "kvm_intel (EPT unknown)");
}

TEST_F(KvmBackendModules, DetectsPvmWithoutNestedPagingSwitch) {
  module("kvm");
  module("kvm_pvm");
  const KvmBackend b = detect_kvm_backend(root_);
  EXPECT_EQ(b.kind, KvmBackendKind::kPvm);
  EXPECT_FALSE(b.nested_paging.has_value());
}

TEST_F(KvmBackendModules, PrefersPvmWhenAVendorModuleIsAlsoLoaded) {
  module("kvm");
  module("kvm_pvm");
  module("kvm_intel", "ept", "Y");
  EXPECT_EQ(detect_kvm_backend(root_).kind, KvmBackendKind::kPvm);
  EXPECT_EQ(kvm_backend_name(root_), "kvm_pvm (PVM, shadow paging) + kvm_intel (EPT on)");
}

TEST_F(KvmBackendModules, DetectsKvmWithoutVendorModuleAsUnknown) {
  module("kvm");
  EXPECT_EQ(detect_kvm_backend(root_).kind, KvmBackendKind::kUnknown);
}

TEST_F(KvmBackendModules, DetectsNothingWithoutKvm) {
  EXPECT_EQ(detect_kvm_backend(root_).kind, KvmBackendKind::kNone);
}

}  // namespace
}  // namespace memvirt
