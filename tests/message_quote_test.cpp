// message_quote: a value from input shown in a message reaches the terminal as printable ASCII,
// and a huge value as a short one.
#include "text/message_quote.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/run_binary.hpp"
#include "support/trace_samples.hpp"
#include "timing/cpu_model.hpp"
#include "workload/spec.hpp"
#include "workload/trace/lackey_reader.hpp"

namespace memvirt {
namespace {

bool printable_ascii(const std::string& text) {
  for (char c : text)
    if (c < 0x20 || c >= 0x7f) return false;
  return true;
}

// The one non-ASCII text a message may hold is the "…" of a cut value.
std::string without_ellipses(std::string text) {
  for (size_t at; (at = text.find("\u2026")) != std::string::npos;) text.erase(at, 3);
  return text;
}

TEST(MessageQuote, EveryByteOutsidePrintableAsciiIsEscaped) {
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    const std::string quoted = message_quote(std::string(1, c));
    EXPECT_TRUE(printable_ascii(quoted)) << "byte " << byte << ": " << quoted;
    if (byte >= 0x20 && byte < 0x7f && c != '\\') {
      EXPECT_EQ(quoted, "'" + std::string(1, c) + "'");
    }
  }
  EXPECT_EQ(message_quote("\x1b[31mred"), "'\\x1b[31mred'");
  EXPECT_EQ(message_quote("a\nb\tc\rd\\e"), "'a\\nb\\tc\\rd\\\\e'");
  EXPECT_EQ(message_quote("\xc3\xa9"), "'\\xc3\\xa9'");
  EXPECT_EQ(message_escape("no quotes"), "no quotes");
}

TEST(MessageQuote, LongValuesAreCutWithTheirLength) {
  const std::string big(100000, 'x');
  EXPECT_EQ(message_quote(big),
            "'" + std::string(kMessageValueLimit, 'x') + "'\u2026 (100000 bytes)");
  EXPECT_EQ(message_escape(big, 3), "xxx\u2026 (100000 bytes)");
  EXPECT_EQ(message_quote(std::string(kMessageValueLimit, 'y')),
            "'" + std::string(kMessageValueLimit, 'y') + "'");
}

TEST(MessageQuote, SpecErrorsOfHugeOrHostileValuesStayShortAndPrintable) {
  try {
    parse_workload_spec("random:ws=" + std::string(100000, '9') + "\x1b[2J");
    ADD_FAILURE() << "no error";
  } catch (const SpecError& e) {
    const std::string what = e.what();
    EXPECT_LT(what.size(), 1000u) << what.size();
    EXPECT_TRUE(printable_ascii(without_ellipses(what))) << what;
    EXPECT_EQ(what.find('\x1b'), std::string::npos);
    EXPECT_NE(what.find("(100014 bytes)"), std::string::npos) << what;
  }
}

TEST(MessageQuote, PresetErrorsEscapeTheNameTheyEcho) {
  try {
    load_cpu_model("zen\x1b]0;owned\x07");
    ADD_FAILURE() << "no error";
  } catch (const PresetError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'zen\\x1b]0;owned\\x07'"), std::string::npos) << what;
    EXPECT_TRUE(printable_ascii(what));
  }
}

TEST(MessageQuote, TraceErrorsShowTheBytesOfALineEscaped) {
  std::string message;
  EXPECT_EQ(test::error_offset<LackeyReader>(" L 1000,8\n L \x1b]0;owned\x07,8\n", &message), 13);
  EXPECT_NE(message.find("found '\\x1b]0;owned\\x07,8'"), std::string::npos) << message;
  EXPECT_TRUE(printable_ascii(message)) << message;
}

TEST(MessageQuote, UsageErrorsShowTheValueEscaped) {
  const test::Outcome o = test::run_memvirt(
      {"sim", "--mode", "native,\x1b[2J", "--workload", "random:ws=64KiB,steps=10"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("unknown paging mode '\\x1b[2J'"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace memvirt
