// Copyright 2026 The capstan Authors.
//
// Diff: diff::Diff of a target with its live object (server-side apply prediction, normalisation,
// status ignored) — what a refresh does for every resource of an app. Per kind, in sync (the common
// case) and with one changed field; and a whole app of n objects.
//
// Thread safety: benchmarks run one at a time.

#include <benchmark/benchmark.h>

#include "diff/diff.h"
#include "inputs.h"

namespace capstan::bench {
namespace {

// Object index of each kind in inputs.h: 0 a Deployment, 1 a Service, 2 a ConfigMap.
void BM_DiffInSync(benchmark::State& state) {
  const base::Json target = TargetObject(static_cast<int>(state.range(0)));
  const base::Json live = LiveObject(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto r = diff::Diff(&target, &live);
    if (!r.ok() || r->modified) state.SkipWithError("expected in sync");
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(target["kind"].get<std::string>());
}
BENCHMARK(BM_DiffInSync)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

void BM_DiffModified(benchmark::State& state) {
  base::Json target = TargetObject(0);
  target["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.local/app:2.0";
  const base::Json live = LiveObject(0);
  for (auto _ : state) {
    auto r = diff::Diff(&target, &live);
    if (!r.ok() || !r->modified) state.SkipWithError("expected modified");
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel("Deployment");
}
BENCHMARK(BM_DiffModified)->Unit(benchmark::kMicrosecond);

void BM_DiffApp(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::vector<base::Json> targets = TargetObjects(n);
  const std::vector<base::Json> live = LiveObjects(n);
  for (auto _ : state) {
    int modified = 0;
    for (int i = 0; i < n; ++i) {
      auto r = diff::Diff(&targets[i], &live[i]);
      modified += r.ok() && r->modified;
    }
    if (modified != 0) state.SkipWithError("expected all in sync");
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_DiffApp)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace capstan::bench
