// gnuplot_quote: any string becomes one gnuplot string constant of printable ASCII, which real
// gnuplot reads as text and never as a command.
#include "text/gnuplot_quote.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "report/plot_render.hpp"
#include "support/run_binary.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;

bool printable(char c) { return c >= 0x20 && c < 0x7f; }

// The text gnuplot should read back: the constant without its quotes.
std::string unquoted(const std::string& quoted) { return quoted.substr(1, quoted.size() - 2); }

TEST(GnuplotQuote, EveryByteBecomesPrintableText) {
  for (int byte = 0; byte < 256; ++byte) {
    const std::string quoted = gnuplot_quote("a" + std::string(1, static_cast<char>(byte)) + "b");
    for (char c : quoted) EXPECT_TRUE(printable(c)) << "byte " << byte << ": " << quoted;
    EXPECT_EQ(quoted.front(), '\'');
    EXPECT_EQ(quoted.back(), '\'');
    if (printable(static_cast<char>(byte)) && byte != '\'' && byte != '\\') {
      EXPECT_EQ(unquoted(quoted), "a" + std::string(1, static_cast<char>(byte)) + "b");
    } else {
      EXPECT_EQ(quoted, fmt::format("'a\\x{:02x}b'", byte));
    }
  }
  EXPECT_EQ(gnuplot_quote("it's"), "'it\\x27s'");
  EXPECT_EQ(gnuplot_quote(""), "''");
}

// gnuplot's `print` of the constant, on its stdout.
std::string gnuplot_prints(const std::string& gnuplot, const std::string& constant) {
  const fs::path script = test::scratch_file("memvirt-gnuplot-quote");
  std::ofstream(script) << "set print '-'\nprint " << constant << "\n";
  const std::string out =
      test::shell_output(shell_quote(gnuplot) + " " + shell_quote(script.string()) + " 2>&1");
  fs::remove(script);
  return out;
}

TEST(GnuplotQuote, RealGnuplotReadsTheConstantAsTextAndRunsNothing) {
  const std::optional<std::string> gnuplot = find_gnuplot();
  if (!gnuplot) GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox)";
  const fs::path pwned = test::scratch_file("memvirt-PWNED");
  const std::string touch = "touch " + pwned.string();
  for (const std::string& hostile :
       {"a\nsystem '" + touch + "'\n#", "`" + touch + "`", "x' . system('" + touch + "') . '",
        std::string("@macro \"dq\" \\n \\' ''"), std::string("\x1b[2J\r\x7f\xff")}) {
    const std::string quoted = gnuplot_quote(hostile);
    EXPECT_EQ(gnuplot_prints(*gnuplot, quoted), unquoted(quoted) + "\n") << quoted;
  }
  EXPECT_FALSE(fs::exists(pwned));
}

}  // namespace
}  // namespace memvirt
