// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_ingress.go (groups extensions and networking.k8s.io):
// Healthy once status.loadBalancer.ingress has an entry, Progressing before; no message.

#include "health/kinds.h"

namespace capstan::health {

HealthStatus IngressHealth(const base::Json& ingress) {
  return {field::HasLoadBalancerIngress(ingress) ? HealthCode::kHealthy : HealthCode::kProgressing, ""};
}

}  // namespace capstan::health
