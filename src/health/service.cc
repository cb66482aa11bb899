// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_service.go: a LoadBalancer Service is Progressing until
// status.loadBalancer.ingress has an entry; every other type is Healthy.

#include "health/kinds.h"

namespace capstan::health {

bool field::HasLoadBalancerIngress(const base::Json& obj) {
  const base::Json* ingress = At(obj, "status/loadBalancer/ingress");
  return ingress != nullptr && ingress->is_array() && !ingress->empty();
}

HealthStatus ServiceHealth(const base::Json& svc) {
  if (field::Str(svc, "spec/type") == "LoadBalancer" && !field::HasLoadBalancerIngress(svc)) {
    return {HealthCode::kProgressing, ""};
  }
  return {HealthCode::kHealthy, ""};
}

}  // namespace capstan::health
