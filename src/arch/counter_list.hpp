#pragma once
// Counters that publish themselves. A component's plain stats struct lists its counters once,
// each with its name, unit and meaning; summing, taking the counted part after a warm-up, and
// every report walk that list, so a counter added to a component reaches them all. It sits with
// the vocabulary below every layer because every layer's components have counters.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace memvirt {

enum class CounterKind : uint8_t {
  kCount,  // events since the start: a warm-up's share is taken off
  kLevel,  // what is held now (pages, bytes): the counted part keeps it as at the end
};

template <typename Stats>
struct Counter {
  std::string_view name;     // as the JSON key
  CounterKind kind;
  std::string_view unit;     // what one of it is: "walks", "entries", "pages", ...
  std::string_view meaning;  // one line
  uint64_t Stats::*field;
};

// counter_list(Stats{}) finds a component's list by overload, declared beside its struct.
template <typename Stats>
constexpr auto counters_of() {
  return counter_list(static_cast<const Stats*>(nullptr));
}

template <typename Stats>
void add_counters(Stats& into, const Stats& from) {
  for (const auto& c : counters_of<Stats>()) into.*c.field += from.*c.field;
}

// `start` is an earlier reading of the same component: counts lose what it had, levels stay.
template <typename Stats>
void subtract_counts(Stats& end, const Stats& start) {
  for (const auto& c : counters_of<Stats>())
    if (c.kind == CounterKind::kCount) end.*c.field -= start.*c.field;
}

}  // namespace memvirt
