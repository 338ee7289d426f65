// Results files come from other people (cluster jobs, merges, files shared to be plotted): any
// bytes either read as a results document that a sweep can resume from, a merge can join and a
// plot can arrange, or are refused with an exception that says what is wrong. Nothing else may
// happen: no crash, no abort, no hang.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "report/plot_data.hpp"
#include "sim/sweep_results.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json doc;
  try {
    doc = memvirt::parse_results_document(text, "fuzz.json");
  } catch (const std::runtime_error&) {
    return 0;
  }
  try {
    memvirt::SweepResults results(memvirt::lists_from_json(doc["sweep"]));
    results.adopt(doc, "fuzz.json");
    if (results.finished() > doc["results"].size()) std::abort();
    memvirt::SweepResults again(results.lists());
    if (again.adopt(results.to_json(), "again.json") != results.finished()) std::abort();
  } catch (const std::runtime_error&) {  // ResultsConflict: rows that disagree or do not belong
  }
  try {
    memvirt::curve_data(doc);
    memvirt::breakdown_data(doc, std::nullopt);
  } catch (const std::exception&) {  // a row lacking what the picture needs
  }
  return 0;
}
