// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_statefulset.go (a RollingUpdate with a rollingUpdate block
// is Healthy once the partition's pods are updated — no revision comparison, as upstream).

#include "health/kinds.h"

namespace capstan::health {

HealthStatus StatefulSetHealth(const base::Json& sts) {
  int64_t observed = field::Int(sts, "status/observedGeneration");
  if (observed == 0 || field::Int(sts, "metadata/generation") > observed) {
    return {HealthCode::kProgressing, "Waiting for statefulset spec update to be observed..."};
  }
  std::optional<int64_t> replicas = field::OptInt(sts, "spec/replicas");
  int64_t ready = field::Int(sts, "status/readyReplicas");
  if (replicas && ready < *replicas) {
    return {HealthCode::kProgressing, "Waiting for " + std::to_string(*replicas - ready) + " pods to be ready..."};
  }
  std::string strategy = field::Str(sts, "spec/updateStrategy/type");
  int64_t updated = field::Int(sts, "status/updatedReplicas");
  if (strategy == "RollingUpdate" && field::At(sts, "spec/updateStrategy/rollingUpdate") != nullptr) {
    std::optional<int64_t> partition = field::OptInt(sts, "spec/updateStrategy/rollingUpdate/partition");
    if (replicas && partition && updated < *replicas - *partition) {
      return {HealthCode::kProgressing, "Waiting for partitioned roll out to finish: " + std::to_string(updated) +
                                            " out of " + std::to_string(*replicas - *partition) +
                                            " new pods have been updated..."};
    }
    return {HealthCode::kHealthy,
            "partitioned roll out complete: " + std::to_string(updated) + " new pods have been updated..."};
  }
  if (strategy == "OnDelete") {
    return {HealthCode::kHealthy, "statefulset has " + std::to_string(ready) + " ready pods"};
  }
  std::string update_revision = field::Str(sts, "status/updateRevision");
  std::string current_revision = field::Str(sts, "status/currentRevision");
  if (update_revision != current_revision) {
    return {HealthCode::kProgressing, "waiting for statefulset rolling update to complete " + std::to_string(updated) +
                                          " pods at revision " + update_revision + "..."};
  }
  return {HealthCode::kHealthy, "statefulset rolling update complete " +
                                    std::to_string(field::Int(sts, "status/currentReplicas")) +
                                    " pods at revision " + current_revision + "..."};
}

}  // namespace capstan::health
