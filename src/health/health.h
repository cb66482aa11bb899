// Copyright 2026 The capstan Authors.
//
// Health assessment of one live object (spec/argo-sync-semantics.md §5.2), reproducing
// gitops-engine's pkg/health checks kind by kind, one file per kind. Pure: no I/O.
//
// Pipeline: (1) a deletionTimestamp without the hook finalizer → Progressing "Pending deletion";
// (2) a HealthOverride (LuaHealthOverride: the Lua scripts configured in capstan-cm) when it has a
// script for the kind; (3) the built-in check for the group/kind — C++ ports of Argo CD's built-in Lua
// scripts (CronJob, PodDisruptionBudget, CustomResourceDefinition), then gitops-engine's Go checks;
// (4) none → no health (nullopt), which a sync treats as done and app aggregation skips. There is no
// generic fallback, as in Argo CD.
//
// Freshness (capstan, DESIGN §6): IsFresh says whether an object's status describes its current spec
// (status.observedGeneration ≥ metadata.generation where the kind reports one), so a wave never
// advances on a verdict about the previous spec.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_HEALTH_HEALTH_H_
#define CAPSTAN_HEALTH_HEALTH_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/json_fwd.h"
#include "base/result.h"

namespace capstan::health {

// Best to worst (§5.1), then kEmpty: the empty status a Lua script yields by returning nil or an
// empty table (§5.3's quirk, Argo CD's HealthStatus{Status: ""}): a hook with it counts as done, a
// resource with it keeps its wave waiting, and it never makes an app's health worse (it ranks with
// Healthy, as "" has index 0 in gitops-engine's IsWorse).
enum class HealthCode { kHealthy, kSuspended, kProgressing, kMissing, kDegraded, kUnknown, kEmpty };

std::string_view ToString(HealthCode c);  // "Healthy", ..., "" for kEmpty
// One of the six names (not ""); nullopt otherwise.
std::optional<HealthCode> ParseHealthCode(std::string_view s);
// True when |a| is worse than |b| (later in §5.1's list; kEmpty ranks with kHealthy).
inline bool IsWorse(HealthCode a, HealthCode b) {
  auto rank = [](HealthCode c) { return c == HealthCode::kEmpty ? 0 : static_cast<int>(c); };
  return rank(a) > rank(b);
}

struct HealthStatus {
  HealthCode code = HealthCode::kUnknown;
  std::string message;
  bool operator==(const HealthStatus&) const = default;
};

// Supplies health for kinds configured by the user (Lua scripts in capstan-cm): LuaHealthOverride.
class HealthOverride {
 public:
  virtual ~HealthOverride() = default;
  // nullopt: no script for this object's kind. An error evaluating the script is a HealthStatus of
  // kUnknown carrying the error, not a Status.
  virtual std::optional<HealthStatus> Assess(const base::Json& obj) = 0;
};

// The health of |obj|, or nullopt when its kind has no health check.
std::optional<HealthStatus> Assess(const base::Json& obj, HealthOverride* override_checks = nullptr);

// The built-in check alone (step 3), nullopt when the kind has none.
std::optional<HealthStatus> AssessBuiltIn(const base::Json& obj);

// False when the object's status was written for an older spec: status.observedGeneration present
// (or expected, for apps/* workloads) and below metadata.generation.
bool IsFresh(const base::Json& obj);

}  // namespace capstan::health

#endif  // CAPSTAN_HEALTH_HEALTH_H_
