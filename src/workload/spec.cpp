// Parsing and printing of workload specs. Each workload kind is described once, by a Traits
// specialisation (its name, keys, how to set and check them); the parser and printer are generic
// over the alternatives of WorkloadSpec, so a new kind needs only a struct and its Traits.
#include "workload/spec.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "text/message_quote.hpp"

namespace memvirt {
namespace {

// Specs come from users and from results and job files: escaped and cut, whatever they hold.
std::string quoted(std::string_view s) { return message_quote(s); }

// The whole spec text, kept so that every error can quote it.
class SpecText {
 public:
  explicit SpecText(std::string_view text) : text_(text) {}

  // An error about the spec as a whole, or one whose message already names the key.
  [[noreturn]] void fail(std::string_view key, const std::string& what) const {
    throw SpecError(std::string(key), "workload " + quoted(text_) + ": " + what);
  }
  // An error about the value of `key`.
  [[noreturn]] void fail_value(std::string_view key, const std::string& what) const {
    fail(key, std::string(key) + ": " + what);
  }

 private:
  std::string_view text_;
};

struct Param {
  std::string_view key;
  std::string_view value;
};

Param split_param(const SpecText& t, std::string_view item, const std::vector<Param>& seen) {
  const size_t eq = item.find('=');
  if (item.empty()) t.fail("", "empty parameter (expected key=value)");
  if (eq == std::string_view::npos) t.fail_value(item, "missing '=' (expected key=value)");
  if (eq == 0) t.fail("", "missing key in " + quoted(item) + " (expected key=value)");
  const Param p{item.substr(0, eq), item.substr(eq + 1)};
  if (p.value.empty()) t.fail_value(p.key, "empty value (expected key=value)");
  for (const Param& s : seen) {
    if (s.key == p.key) t.fail_value(p.key, "given more than once");
  }
  return p;
}

std::vector<Param> split_params(const SpecText& t, std::string_view list) {
  std::vector<Param> params;
  if (list.empty()) return params;  // "listwalk:" is as good as "listwalk"
  for (;;) {
    const size_t comma = list.find(',');
    params.push_back(split_param(t, list.substr(0, comma), params));
    if (comma == std::string_view::npos) return params;
    list.remove_prefix(comma + 1);
  }
}

// Value parsers: throw std::invalid_argument saying what is wrong with the text; the caller
// adds the spec and the key.

uint64_t parse_count(std::string_view text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end != text.data() + text.size() || end == text.data()) {
    throw std::invalid_argument(quoted(text) + " is not a whole number");
  }
  if (ec == std::errc::result_out_of_range) {
    throw std::invalid_argument(quoted(text) + " is too large");
  }
  return value;
}

// A count of at least one `unit`.
uint64_t parse_positive(std::string_view text, const std::string& unit) {
  const uint64_t value = parse_count(text);
  if (value == 0) {
    throw std::invalid_argument(quoted(text) + " is not allowed (at least 1 " + unit + ")");
  }
  return value;
}

uint64_t parse_steps(std::string_view text) { return parse_positive(text, "step"); }

uint32_t parse_procs(std::string_view text) {
  const uint64_t procs = parse_positive(text, "process");
  if (procs > kMaxProcesses) {
    throw std::invalid_argument(quoted(text) + " is too large (at most " +
                                std::to_string(kMaxProcesses) + ")");
  }
  return static_cast<uint32_t>(procs);
}

unsigned parse_npad(std::string_view text) {
  const uint64_t npad = parse_count(text);
  if (npad > kMaxListWalkNpad) {
    throw std::invalid_argument(quoted(text) + " is too large (at most " +
                                std::to_string(kMaxListWalkNpad) + ")");
  }
  return static_cast<unsigned>(npad);
}

ListWalkSpec::Order parse_order(std::string_view text) {
  if (text == "seq") return ListWalkSpec::Order::kSeq;
  if (text == "random") return ListWalkSpec::Order::kRandom;
  throw std::invalid_argument(quoted(text) + " is not an order (expected seq or random)");
}

double parse_fraction(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  // The negated test also rejects nan.
  if (ec != std::errc() || end != text.data() + text.size() || !(value >= 0.0 && value <= 1.0)) {
    throw std::invalid_argument(quoted(text) + " is not a fraction in [0, 1]");
  }
  return value;
}

// The limits keep every generated region inside the user half of the address space.
uint64_t parse_size_up_to(std::string_view text, uint64_t limit) {
  const uint64_t bytes = parse_size(text);
  if (bytes > limit) {
    throw std::invalid_argument(quoted(text) + " is above the limit of " + format_size(limit));
  }
  return bytes;
}

// Accesses are 8-byte words, so the bytes they cover are a whole number of them.
uint64_t parse_words(std::string_view text, uint64_t limit) {
  const uint64_t bytes = parse_size_up_to(text, limit);
  if (bytes % 8 != 0) throw std::invalid_argument(quoted(text) + " is not a multiple of 8 bytes");
  return bytes;
}

uint64_t parse_working_set(std::string_view text) { return parse_words(text, kMaxWorkingSetBytes); }

// Regions that are only mapped and touched page by page are rounded up to whole pages, so any
// size will do but an empty one.
uint64_t parse_region_size(std::string_view text, uint64_t limit) {
  const uint64_t bytes = parse_size_up_to(text, limit);
  if (bytes == 0) throw std::invalid_argument(quoted(text) + " is not allowed (at least 1 byte)");
  return bytes;
}

// Why a churn spec's regions do not fit in one process's slot with `page` pages; "" if they do.
std::string churn_overflow(const ChurnSpec& s, PageSize page) {
  const uint64_t stride = churn_stride(s.size, page);
  if (s.maps <= kProcessSlotBytes / stride) return "";
  return std::to_string(s.maps) + " regions of " + format_size(s.size) + ", placed " +
         format_size(stride) + " apart" + (page == PageSize::k1G ? " for 1 GiB pages" : "") +
         ", do not fit in one process's " + format_size(kProcessSlotBytes) + " of address space";
}

void check_holds(const SpecText& t, uint64_t ws, uint64_t element_bytes, const std::string& what) {
  if (ws < element_bytes) {
    t.fail_value("ws", format_size(ws) + " is smaller than one " + what + " (" +
                           format_size(element_bytes) + ")");
  }
}

std::string format_fraction(double value) {
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return std::string(buf.data(), ec == std::errc() ? end : buf.data());
}

template <typename Spec>
struct Traits;

template <>
struct Traits<ListWalkSpec> {
  static constexpr std::string_view kName = "listwalk";
  static constexpr std::array<std::string_view, 4> kKeys{"ws", "npad", "order", "steps"};

  static void set(ListWalkSpec& s, std::string_view key, std::string_view value) {
    if (key == "ws") s.ws = parse_working_set(value);
    if (key == "npad") s.npad = parse_npad(value);
    if (key == "order") s.order = parse_order(value);
    if (key == "steps") s.steps = parse_steps(value);
  }
  static void check(const SpecText& t, const ListWalkSpec& s) {
    check_holds(t, s.ws, 8 * (uint64_t{1} + s.npad), "element with npad=" + std::to_string(s.npad));
  }
  static std::string format(const ListWalkSpec& s) {
    return "ws=" + format_size(s.ws) + ",npad=" + std::to_string(s.npad) +
           ",order=" + (s.order == ListWalkSpec::Order::kSeq ? "seq" : "random") +
           ",steps=" + std::to_string(s.steps);
  }
};

template <>
struct Traits<RandomSpec> {
  static constexpr std::string_view kName = "random";
  static constexpr std::array<std::string_view, 3> kKeys{"ws", "steps", "write"};

  static void set(RandomSpec& s, std::string_view key, std::string_view value) {
    if (key == "ws") s.ws = parse_working_set(value);
    if (key == "steps") s.steps = parse_steps(value);
    if (key == "write") s.write = parse_fraction(value);
  }
  static void check(const SpecText& t, const RandomSpec& s) { check_holds(t, s.ws, 8, "word"); }
  static std::string format(const RandomSpec& s) {
    return "ws=" + format_size(s.ws) + ",steps=" + std::to_string(s.steps) +
           ",write=" + format_fraction(s.write);
  }
};

template <>
struct Traits<ChurnSpec> {
  static constexpr std::string_view kName = "churn";
  static constexpr std::array<std::string_view, 4> kKeys{"procs", "maps", "size", "steps"};

  static void set(ChurnSpec& s, std::string_view key, std::string_view value) {
    if (key == "procs") s.procs = parse_procs(value);
    if (key == "maps") s.maps = parse_positive(value, "region");
    if (key == "size") s.size = parse_region_size(value, kProcessSlotBytes);
    if (key == "steps") s.steps = parse_steps(value);
  }
  static void check(const SpecText& t, const ChurnSpec& s) {
    const std::string overflow = churn_overflow(s, PageSize::k4K);
    if (!overflow.empty()) t.fail_value("maps", overflow);
  }
  static std::string format(const ChurnSpec& s) {
    return "procs=" + std::to_string(s.procs) + ",maps=" + std::to_string(s.maps) +
           ",size=" + format_size(s.size) + ",steps=" + std::to_string(s.steps);
  }
};

template <>
struct Traits<CtxSwitchSpec> {
  static constexpr std::string_view kName = "ctxswitch";
  static constexpr std::array<std::string_view, 6> kKeys{"procs",   "ws",    "shared",
                                                         "quantum", "steps", "write"};

  static void set(CtxSwitchSpec& s, std::string_view key, std::string_view value) {
    if (key == "procs") s.procs = parse_procs(value);
    if (key == "ws") s.ws = parse_words(value, kProcessSlotBytes);
    if (key == "shared") s.shared = parse_words(value, kMaxSharedBytes);
    if (key == "quantum") s.quantum = parse_positive(value, "access");
    if (key == "steps") s.steps = parse_steps(value);
    if (key == "write") s.write = parse_fraction(value);
  }
  static void check(const SpecText& t, const CtxSwitchSpec& s) { check_holds(t, s.ws, 8, "word"); }
  static std::string format(const CtxSwitchSpec& s) {
    return "procs=" + std::to_string(s.procs) + ",ws=" + format_size(s.ws) +
           ",shared=" + format_size(s.shared) + ",quantum=" + std::to_string(s.quantum) +
           ",steps=" + std::to_string(s.steps) + ",write=" + format_fraction(s.write);
  }
};

template <>
struct Traits<ForkExecSpec> {
  static constexpr std::string_view kName = "forkexec";
  static constexpr std::array<std::string_view, 2> kKeys{"n", "ws"};

  static void set(ForkExecSpec& s, std::string_view key, std::string_view value) {
    if (key == "n") s.n = parse_positive(value, "fork");
    if (key == "ws") s.ws = parse_region_size(value, kMaxWorkingSetBytes);
  }
  static void check(const SpecText&, const ForkExecSpec&) {}
  static std::string format(const ForkExecSpec& s) {
    return "n=" + std::to_string(s.n) + ",ws=" + format_size(s.ws);
  }
};

}  // namespace

constexpr std::array<std::string_view, 5> kTraceFormats{"auto", "mvt", "lackey", "champsim",
                                                        "champsim-cloudsuite"};

TraceSpec::Format parse_trace_format(std::string_view text) {
  for (size_t i = 0; i < kTraceFormats.size(); ++i) {
    if (text == kTraceFormats[i]) return static_cast<TraceSpec::Format>(i);
  }
  throw std::invalid_argument(quoted(text) +
                              " is not a trace format (expected auto, mvt, lackey, champsim or "
                              "champsim-cloudsuite)");
}

namespace {

// The file is positional (trace:FILE,format=...), so this parser takes the text after "trace:"
// itself; the keys after the file go through the generic parser.
template <>
struct Traits<TraceSpec> {
  static constexpr std::string_view kName = "trace";
  static constexpr std::array<std::string_view, 1> kKeys{"format"};

  static void set(TraceSpec& s, std::string_view key, std::string_view value) {
    if (key == "format") s.format = parse_trace_format(value);
  }
  static void check(const SpecText&, const TraceSpec&) {}
  static std::string format(const TraceSpec& s) {
    return s.file + ",format=" + std::string(kTraceFormats[static_cast<size_t>(s.format)]);
  }
};

template <size_t N>
std::string join(const std::array<std::string_view, N>& words) {
  std::string out;
  for (std::string_view w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

template <typename Spec>
Spec parse_as(const SpecText& t, const std::vector<Param>& params) {
  using T = Traits<Spec>;
  Spec spec;
  for (const Param& p : params) {
    if (std::find(T::kKeys.begin(), T::kKeys.end(), p.key) == T::kKeys.end()) {
      t.fail(p.key, "unknown key " + quoted(p.key) + " for " + std::string(T::kName) +
                        " (valid keys: " + join(T::kKeys) + ")");
    }
    try {
      T::set(spec, p.key, p.value);
    } catch (const std::invalid_argument& e) {
      t.fail_value(p.key, e.what());
    }
  }
  T::check(t, spec);
  return spec;
}

TraceSpec parse_trace(const SpecText& t, std::string_view params) {
  const size_t comma = params.find(',');
  const std::string_view file = params.substr(0, comma);
  if (file.empty()) t.fail("file", "file: missing (expected trace:FILE[,format=...])");
  const std::string_view rest = comma == std::string_view::npos ? "" : params.substr(comma + 1);
  TraceSpec spec = parse_as<TraceSpec>(t, split_params(t, rest));
  spec.file = std::string(file);
  return spec;
}

template <size_t... I>
std::string known_names(std::index_sequence<I...>) {
  std::array<std::string_view, sizeof...(I)> names{
      Traits<std::variant_alternative_t<I, WorkloadSpec>>::kName...};
  return join(names);
}

template <size_t I = 0>
WorkloadSpec parse_named(const SpecText& t, std::string_view name, std::string_view params) {
  if constexpr (I == std::variant_size_v<WorkloadSpec>) {
    t.fail("", "unknown workload " + quoted(name) + " (known: " +
                   known_names(std::make_index_sequence<std::variant_size_v<WorkloadSpec>>()) +
                   ")");
  } else {
    using Spec = std::variant_alternative_t<I, WorkloadSpec>;
    if (name != Traits<Spec>::kName) return parse_named<I + 1>(t, name, params);
    if constexpr (std::is_same_v<Spec, TraceSpec>) {
      return parse_trace(t, params);
    } else {
      return parse_as<Spec>(t, split_params(t, params));
    }
  }
}

}  // namespace

namespace {

struct Unit {
  std::string_view suffix;  // lower case
  int shift;
};
constexpr std::array<Unit, 14> kUnits{{{"", 0},
                                       {"b", 0},
                                       {"k", 10},
                                       {"kb", 10},
                                       {"kib", 10},
                                       {"m", 20},
                                       {"mb", 20},
                                       {"mib", 20},
                                       {"g", 30},
                                       {"gb", 30},
                                       {"gib", 30},
                                       {"t", 40},
                                       {"tb", 40},
                                       {"tib", 40}}};

int unit_shift(std::string_view suffix) {
  std::string lower(suffix);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Unit& u : kUnits) {
    if (u.suffix == lower) return u.shift;
  }
  return -1;
}

}  // namespace

uint64_t parse_size(std::string_view text) {
  const char* const last = text.data() + text.size();
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), last, value);
  const int shift = end == text.data() ? -1 : unit_shift(std::string_view(end, last - end));
  if (shift < 0) {
    throw std::invalid_argument(
        quoted(text) +
        " is not a size (expected a number with an optional unit B, KiB, MiB, GiB, TiB)");
  }
  if (ec == std::errc::result_out_of_range ||
      value > (std::numeric_limits<uint64_t>::max() >> shift)) {
    throw std::invalid_argument(quoted(text) + " is too large (at most 2^64-1 bytes)");
  }
  return value << shift;
}

std::string format_size(uint64_t bytes) {
  static constexpr std::array<std::string_view, 5> kNames{"B", "KiB", "MiB", "GiB", "TiB"};
  size_t unit = 0;
  while (unit + 1 < kNames.size() && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + std::string(kNames[unit]);
}

WorkloadSpec parse_workload_spec(std::string_view text) {
  const size_t colon = text.find(':');
  const std::string_view params = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  return parse_named(SpecText(text), text.substr(0, colon), params);
}

std::string format_workload_spec(const WorkloadSpec& spec) {
  return std::visit(
      [](const auto& s) {
        using T = Traits<std::decay_t<decltype(s)>>;
        return std::string(T::kName) + ":" + T::format(s);
      },
      spec);
}

std::string workload_name(const WorkloadSpec& spec) {
  return std::visit(
      [](const auto& s) { return std::string(Traits<std::decay_t<decltype(s)>>::kName); }, spec);
}

namespace {

uint64_t bytes_at_once(const ListWalkSpec& s) { return s.ws; }
uint64_t bytes_at_once(const RandomSpec& s) { return s.ws; }
uint64_t bytes_at_once(const ChurnSpec& s) { return s.maps * s.size; }
uint64_t bytes_at_once(const CtxSwitchSpec& s) { return s.procs * s.ws + s.shared; }
uint64_t bytes_at_once(const ForkExecSpec& s) { return 2 * s.ws; }
uint64_t bytes_at_once(const TraceSpec&) { return 0; }

}  // namespace

uint64_t working_set_bytes(const WorkloadSpec& spec) {
  return std::visit([](const auto& s) { return bytes_at_once(s); }, spec);
}

uint64_t churn_stride(uint64_t size, PageSize page) {
  const uint64_t unit =
      page == PageSize::k1G ? page_bytes(PageSize::k1G) : page_bytes(PageSize::k2M);
  return (size + unit - 1) / unit * unit;
}

void check_churn_layout(const ChurnSpec& spec, PageSize page) {
  const std::string overflow = churn_overflow(spec, page);
  if (overflow.empty()) return;
  throw SpecError("maps", "workload " + quoted(format_workload_spec(spec)) + ": maps: " + overflow);
}

}  // namespace memvirt
