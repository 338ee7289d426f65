#include <memory>
#include <variant>

#include "workload/listwalk.hpp"
#include "workload/random_access.hpp"
#include "workload/workload.hpp"

namespace memvirt {
namespace {

std::unique_ptr<Workload> make(const ListWalkSpec& s, const WorkloadContext& ctx) {
  return std::make_unique<ListWalk>(s, ctx);
}
std::unique_ptr<Workload> make(const RandomSpec& s, const WorkloadContext& ctx) {
  return std::make_unique<RandomAccess>(s, ctx);
}

}  // namespace

std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, const WorkloadContext& ctx) {
  return std::visit([&ctx](const auto& s) { return make(s, ctx); }, spec);
}

}  // namespace memvirt
