// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_daemonset.go.

#include "health/kinds.h"

namespace capstan::health {

HealthStatus DaemonSetHealth(const base::Json& ds) {
  if (field::Int(ds, "metadata/generation") > field::Int(ds, "status/observedGeneration")) {
    return {HealthCode::kProgressing,
            "Waiting for rollout to finish: observed daemon set generation less than desired generation"};
  }
  int64_t updated = field::Int(ds, "status/updatedNumberScheduled");
  int64_t desired = field::Int(ds, "status/desiredNumberScheduled");
  int64_t available = field::Int(ds, "status/numberAvailable");
  if (field::Str(ds, "spec/updateStrategy/type") == "OnDelete") {
    return {HealthCode::kHealthy, "daemon set " + std::to_string(updated) + " out of " + std::to_string(desired) +
                                      " new pods have been updated"};
  }
  const std::string name = field::Str(ds, "metadata/name");
  if (updated < desired) {
    return {HealthCode::kProgressing, "Waiting for daemon set \"" + name + "\" rollout to finish: " +
                                          std::to_string(updated) + " out of " + std::to_string(desired) +
                                          " new pods have been updated..."};
  }
  if (available < desired) {
    return {HealthCode::kProgressing, "Waiting for daemon set \"" + name + "\" rollout to finish: " +
                                          std::to_string(available) + " of " + std::to_string(desired) +
                                          " updated pods are available..."};
  }
  return {HealthCode::kHealthy, ""};
}

}  // namespace capstan::health
