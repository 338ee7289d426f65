#pragma once
// The tests of the qemu tracer need qemu-x86_64 (Debian package qemu-user); they skip without it.
#include <gtest/gtest.h>

#include <cstdlib>

namespace memvirt::test {

inline bool qemu_present() { return std::system("qemu-x86_64 --version >/dev/null 2>&1") == 0; }

}  // namespace memvirt::test

#define REQUIRE_QEMU()                                                                    \
  if (!::memvirt::test::qemu_present())                                                   \
  GTEST_SKIP() << "qemu-x86_64 is not installed: apt-get install qemu-user (the tests of " \
                  "the qemu tracer need it)"
