// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_deployment.go (after kubectl's rollout status).

#include "health/kinds.h"

namespace capstan::health {

HealthStatus DeploymentHealth(const base::Json& d) {
  if (const base::Json* paused = field::At(d, "spec/paused"); paused && paused->is_boolean() && paused->get<bool>()) {
    return {HealthCode::kSuspended, "Deployment is paused"};
  }
  if (field::Int(d, "metadata/generation") > field::Int(d, "status/observedGeneration")) {
    return {HealthCode::kProgressing,
            "Waiting for rollout to finish: observed deployment generation less than desired generation"};
  }
  const base::Json* progressing = field::Condition(d, "status/conditions", "Progressing");
  std::optional<int64_t> replicas = field::OptInt(d, "spec/replicas");
  int64_t updated = field::Int(d, "status/updatedReplicas");
  int64_t current = field::Int(d, "status/replicas");
  int64_t available = field::Int(d, "status/availableReplicas");
  if (progressing != nullptr && field::Str(*progressing, "reason") == "ProgressDeadlineExceeded") {
    return {HealthCode::kDegraded,
            "Deployment \"" + field::Str(d, "metadata/name") + "\" exceeded its progress deadline"};
  }
  if (replicas && updated < *replicas) {
    return {HealthCode::kProgressing, "Waiting for rollout to finish: " + std::to_string(updated) + " out of " +
                                          std::to_string(*replicas) + " new replicas have been updated..."};
  }
  if (current > updated) {
    return {HealthCode::kProgressing, "Waiting for rollout to finish: " + std::to_string(current - updated) +
                                          " old replicas are pending termination..."};
  }
  if (available < updated) {
    return {HealthCode::kProgressing, "Waiting for rollout to finish: " + std::to_string(available) + " of " +
                                          std::to_string(updated) + " updated replicas are available..."};
  }
  return {HealthCode::kHealthy, ""};
}

}  // namespace capstan::health
