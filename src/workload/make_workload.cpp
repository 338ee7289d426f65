#include <memory>
#include <variant>

#include "workload/churn.hpp"
#include "workload/ctxswitch.hpp"
#include "workload/forkexec.hpp"
#include "workload/listwalk.hpp"
#include "workload/random_access.hpp"
#include "workload/trace/trace_workload.hpp"
#include "workload/workload.hpp"

namespace memvirt {
namespace {

std::unique_ptr<Workload> make(const ListWalkSpec& s, const WorkloadContext& ctx) {
  return std::make_unique<ListWalk>(s, ctx);
}
std::unique_ptr<Workload> make(const RandomSpec& s, const WorkloadContext& ctx) {
  return std::make_unique<RandomAccess>(s, ctx);
}
std::unique_ptr<Workload> make(const ChurnSpec& s, const WorkloadContext& ctx) {
  return std::make_unique<Churn>(s, ctx);
}
std::unique_ptr<Workload> make(const CtxSwitchSpec& s, const WorkloadContext& ctx) {
  return std::make_unique<CtxSwitch>(s, ctx);
}
std::unique_ptr<Workload> make(const ForkExecSpec& s, const WorkloadContext& ctx) {
  return std::make_unique<ForkExec>(s, ctx);
}
std::unique_ptr<Workload> make(const TraceSpec& s, const WorkloadContext& ctx) {
  return std::make_unique<TraceWorkload>(s, ctx);
}

}  // namespace

std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, const WorkloadContext& ctx) {
  return std::visit([&ctx](const auto& s) { return make(s, ctx); }, spec);
}

}  // namespace memvirt
