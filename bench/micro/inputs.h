// Copyright 2026 The capstan Authors.
//
// Realistic generated inputs of the micro-benchmarks: a manifest stream of ConfigMaps, Deployments
// and Services as Git holds them, and the live objects the API server would return for them (server
// defaults, managedFields, status, metadata the server owns).
//
// Thread safety: pure functions.

#ifndef CAPSTAN_BENCH_MICRO_INPUTS_H_
#define CAPSTAN_BENCH_MICRO_INPUTS_H_

#include <string>
#include <vector>

#include "base/json.h"

namespace capstan::bench {

// Object i of a mixed app: i % 10 == 0 a Deployment, i % 10 == 1 a Service, else a ConfigMap; the
// sync wave is i / 100 % 10 (ten waves), in namespace "bench".
base::Json TargetObject(int i);

// The live counterpart of TargetObject(i) after a server-side apply by "capstan": the target plus
// server-owned metadata, managedFields, server defaults (Deployment strategy, Service clusterIP ...)
// and status.
base::Json LiveObject(int i);

// |n| objects as one multi-document YAML stream (kubectl style, as files in Git look).
std::string ManifestStream(int n);

std::vector<base::Json> TargetObjects(int n);
std::vector<base::Json> LiveObjects(int n);

}  // namespace capstan::bench

#endif  // CAPSTAN_BENCH_MICRO_INPUTS_H_
