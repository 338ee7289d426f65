// shell_quote: any string but one with a NUL comes back from /bin/sh as exactly itself.
#include "text/shell_quote.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "support/run_binary.hpp"

namespace memvirt {
namespace {

// What /bin/sh makes of the quoted word: `printf %s WORD` prints it back unchanged.
std::string through_the_shell(const std::string& text) {
  return test::shell_output("printf %s " + shell_quote(text));
}

TEST(ShellQuote, EveryByteButNulRoundTripsThroughTheShell) {
  std::string all;
  for (int byte = 1; byte < 256; ++byte) {
    const std::string one = "a" + std::string(1, static_cast<char>(byte)) + "b";
    EXPECT_EQ(through_the_shell(one), one) << "byte " << byte;
    all += static_cast<char>(byte);
  }
  EXPECT_EQ(through_the_shell(all), all);
}

TEST(ShellQuote, ShellSyntaxStaysText) {
  for (const std::string text : {"j$(touch PWNED)", "`id`", "a b", "it's", "'", "''", "\\",
                                 "x\nsystem y", "$HOME", "*", "-n", "~", "a;b|c&d>e<f"})
    EXPECT_EQ(through_the_shell(text), text);
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

TEST(ShellQuote, EmptyStringIsOneEmptyWord) {
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(through_the_shell(""), "");
}

TEST(ShellQuote, NulIsRefused) {
  EXPECT_THROW(shell_quote(std::string("a\0b", 3)), std::invalid_argument);
}

}  // namespace
}  // namespace memvirt
