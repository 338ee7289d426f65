// Results files are shared, so `memvirt plot` reads other people's: whatever a file holds, a
// picture's script is inert text (gnuplot_lint.hpp), or the file is refused with an exception.
// Nothing else may happen.
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "report/plot_data.hpp"
#include "report/plot_script.hpp"
#include "../tests/support/gnuplot_lint.hpp"

namespace {

void check(const std::string& script) {
  if (!memvirt::test::gnuplot_script_inert(script)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json doc = nlohmann::json::parse(data, data + size, nullptr, false);
  if (doc.is_discarded()) return 0;
  try {
    check(memvirt::curve_script(memvirt::curve_data(doc), "svg"));
  } catch (const std::exception&) {
  }
  try {
    check(memvirt::breakdown_script(memvirt::breakdown_data(doc, std::nullopt), "svg"));
  } catch (const std::exception&) {
  }
  return 0;
}
