// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_replicaset.go.

#include "health/kinds.h"

namespace capstan::health {

HealthStatus ReplicaSetHealth(const base::Json& rs) {
  if (field::Int(rs, "metadata/generation") > field::Int(rs, "status/observedGeneration")) {
    return {HealthCode::kProgressing,
            "Waiting for rollout to finish: observed replica set generation less than desired generation"};
  }
  const base::Json* failure = field::Condition(rs, "status/conditions", "ReplicaFailure");
  if (failure != nullptr && field::Str(*failure, "status") == "True") {
    return {HealthCode::kDegraded, field::Str(*failure, "message")};
  }
  std::optional<int64_t> replicas = field::OptInt(rs, "spec/replicas");
  int64_t available = field::Int(rs, "status/availableReplicas");
  if (replicas && available < *replicas) {
    return {HealthCode::kProgressing, "Waiting for rollout to finish: " + std::to_string(available) + " out of " +
                                          std::to_string(*replicas) + " new replicas are available..."};
  }
  return {HealthCode::kHealthy, ""};
}

}  // namespace capstan::health
