#pragma once
// Reading a latency curve (cost per step against the working set, as lmbench's lat_mem_rd and
// Manegold's Calibrator draw it) as a staircase: flat plateaus, one per level of the memory
// hierarchy, joined by cliffs where a level's capacity is exceeded. Pure functions of the
// measured points, so that they are tested on made-up curves.
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace memvirt {

struct CurveSample {
  uint64_t ws_bytes = 0;
  double value = 0;  // cost per step, cycles or ticks
};
using Curve = std::vector<CurveSample>;

// A curve has not the shape the fit needs; the message names the level whose plateau (or
// cliff) was not found, and what the curve shows instead.
class FitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FitOptions {
  // Points of one plateau lie within this fraction of its median (a run's noise).
  double flat_tolerance = 0.12;
  // Successive plateaus differ at least by this factor; closer ones are one plateau.
  double min_step = 1.5;
  size_t min_points = 2;  // points a plateau needs
  // A cliff is placed where the cost has climbed this fraction of the way (on a log scale) from
  // one plateau to the next: near where the cost leaves the lower plateau, which is the capacity
  // for a cache that keeps a set until it no longer fits.
  double cliff_fraction = 0.25;
};

// A level the curve should show, and the working sets its plateau must lie within (from the
// machine's structure, with some slack; 0 and max: anywhere).
struct LevelHint {
  std::string name;
  uint64_t min_ws = 0;
  uint64_t max_ws = std::numeric_limits<uint64_t>::max();
};

struct Plateau {
  double value = 0;  // median of its points
  uint64_t first_ws = 0, last_ws = 0;
  size_t points = 0;
};

struct LevelFit {
  std::string name;
  Plateau plateau;
  // Where this level's cliff lies (all levels but the last): the estimated capacity and the two
  // measured working sets that bracket it.
  std::optional<uint64_t> capacity;
  uint64_t cliff_below = 0, cliff_above = 0;
};

// Runs of consecutive points flat within the tolerance, with at least min_points points, and
// neighbours closer than min_step merged; ascending in working set.
std::vector<Plateau> find_plateaus(const Curve& curve, const FitOptions& options = {});

// One plateau per hint, in order: the first plateau for the first hint, then one for each hint
// within its range and above the one before; plateaus between or after them are bumps (a TLB
// step, a rising tail of walks) and are passed over, keeping the choice with the most points.
// With the cliffs between them. Throws FitError naming the first level without a plateau, or
// whose cliff cannot be placed.
std::vector<LevelFit> fit_levels(const Curve& curve, const std::vector<LevelHint>& levels,
                                 const FitOptions& options = {});

// Where the curve, after `from_ws`, first climbs past `threshold` (interpolated on log-log
// axes between the two points around the crossing); nullopt if it never does.
std::optional<uint64_t> crossing(const Curve& curve, uint64_t from_ws, double threshold);

// The median of the values of the points with working sets in [lo, hi]; nullopt if none.
std::optional<double> median_between(const Curve& curve, uint64_t lo, uint64_t hi);

// "1.5 MiB", "48 KiB", "64 B": sizes in sources and messages.
std::string size_text(uint64_t bytes);

}  // namespace memvirt
