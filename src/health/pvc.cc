// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_pvc.go: by status.phase — Bound Healthy, Pending
// Progressing, Lost Degraded, anything else (or none) Unknown; no message.

#include "health/kinds.h"

namespace capstan::health {

HealthStatus PvcHealth(const base::Json& pvc) {
  std::string phase = field::Str(pvc, "status/phase");
  if (phase == "Lost") return {HealthCode::kDegraded, ""};
  if (phase == "Pending") return {HealthCode::kProgressing, ""};
  if (phase == "Bound") return {HealthCode::kHealthy, ""};
  return {HealthCode::kUnknown, ""};
}

}  // namespace capstan::health
