// Copyright 2026 The capstan Authors.
//
// YAML parsing: base::ParseYamlStream (what every directory source and `capstan app manifests` run on
// each file of Git) on a multi-document stream of ConfigMaps, Deployments and Services. Counters:
// documents and bytes per second.
//
// Thread safety: benchmarks run one at a time.

#include <benchmark/benchmark.h>

#include "base/yaml.h"
#include "inputs.h"

namespace capstan::bench {
namespace {

void BM_ParseYamlStream(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string text = ManifestStream(n);
  for (auto _ : state) {
    auto docs = base::ParseYamlStream(text, "bench.yaml");
    if (!docs.ok() || static_cast<int>(docs->size()) != n) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(docs);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseYamlStream)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_EmitYamlStream(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::vector<base::Json> objects = TargetObjects(n);
  for (auto _ : state) benchmark::DoNotOptimize(base::EmitYamlStream(objects));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_EmitYamlStream)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace capstan::bench
