// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_service.go, health_ingress.go, health_pvc.go — the kinds
// whose health is one status field.

#include "health/kinds.h"

namespace capstan::health {
namespace {

bool HasLoadBalancerIngress(const base::Json& obj) {
  const base::Json* ingress = field::At(obj, "status/loadBalancer/ingress");
  return ingress != nullptr && ingress->is_array() && !ingress->empty();
}

}  // namespace

HealthStatus ServiceHealth(const base::Json& svc) {
  if (field::Str(svc, "spec/type") == "LoadBalancer" && !HasLoadBalancerIngress(svc)) {
    return {HealthCode::kProgressing, ""};
  }
  return {HealthCode::kHealthy, ""};
}

HealthStatus IngressHealth(const base::Json& ingress) {
  return {HasLoadBalancerIngress(ingress) ? HealthCode::kHealthy : HealthCode::kProgressing, ""};
}

HealthStatus PvcHealth(const base::Json& pvc) {
  std::string phase = field::Str(pvc, "status/phase");
  if (phase == "Lost") return {HealthCode::kDegraded, ""};
  if (phase == "Pending") return {HealthCode::kProgressing, ""};
  if (phase == "Bound") return {HealthCode::kHealthy, ""};
  return {HealthCode::kUnknown, ""};
}

}  // namespace capstan::health
