#pragma once
// Checks on the errors that parsing a workload spec reports.
#include <gtest/gtest.h>

#include <string>

#include "workload/spec.hpp"

namespace memvirt::test {

// Parses `text`, expecting a SpecError about `key` whose message names the spec and contains
// `fragment`.
inline void expect_spec_error(const std::string& text, const std::string& key,
                              const std::string& fragment) {
  try {
    parse_workload_spec(text);
    ADD_FAILURE() << "no error for '" << text << "'";
  } catch (const SpecError& e) {
    EXPECT_EQ(e.key(), key) << text;
    const std::string what = e.what();
    EXPECT_NE(what.find("workload '" + text + "'"), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
  }
}

}  // namespace memvirt::test
