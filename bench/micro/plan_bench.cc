// Copyright 2026 The capstan Authors.
//
// Plan ordering: sync::BuildPlan (phase → wave → kind → name, dependencies bubbled up) of n targets in
// ten waves against their n live objects — the pure part of `capstan app plan` and of every
// operation's first step.
//
// Thread safety: benchmarks run one at a time.

#include <benchmark/benchmark.h>

#include "inputs.h"
#include "sync/plan.h"

namespace capstan::bench {
namespace {

void BM_BuildPlan(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::vector<base::Json> targets = TargetObjects(n);
  const std::vector<base::Json> live = LiveObjects(n);
  sync::PlanOptions opts;
  opts.revision = "0123456789abcdef0123456789abcdef01234567";
  opts.started_at_unix = 1'800'000'000;
  opts.destination_namespace = "bench";
  for (auto _ : state) {
    auto plan = sync::BuildPlan(targets, live, opts);
    if (!plan.ok() || static_cast<int>(plan->tasks.size()) != n) state.SkipWithError("plan failed");
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_BuildPlan)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace capstan::bench
