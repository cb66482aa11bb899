// Copyright 2026 The capstan Authors.
//
// The built-in checks, one per file (gitops-engine pkg/health/health_<kind>.go), and the small JSON
// readers they share. Internal to health/.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_HEALTH_KINDS_H_
#define CAPSTAN_HEALTH_KINDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "health/health.h"

namespace capstan::health {

HealthStatus PodHealth(const base::Json& pod);
HealthStatus JobHealth(const base::Json& job);
HealthStatus DeploymentHealth(const base::Json& deployment);
HealthStatus ReplicaSetHealth(const base::Json& rs);
HealthStatus StatefulSetHealth(const base::Json& sts);
HealthStatus DaemonSetHealth(const base::Json& ds);
HealthStatus ServiceHealth(const base::Json& svc);
HealthStatus IngressHealth(const base::Json& ingress);
HealthStatus PvcHealth(const base::Json& pvc);
HealthStatus HpaHealth(const base::Json& hpa);
HealthStatus ApiServiceHealth(const base::Json& api_service);
HealthStatus WorkflowHealth(const base::Json& workflow);
// Ports of Argo CD's built-in Lua checks (resource_customizations/<group>/<Kind>/health.lua).
HealthStatus CronJobHealth(const base::Json& cronjob);
HealthStatus PdbHealth(const base::Json& pdb);
HealthStatus CrdHealth(const base::Json& crd);

namespace field {
// The value at a '/'-separated path, or nullptr.
const base::Json* At(const base::Json& obj, std::string_view path);
// An integer at |path|, or |fallback| when absent or not a number.
int64_t Int(const base::Json& obj, std::string_view path, int64_t fallback = 0);
// An integer at |path|, or nullopt when absent (Go's *int32 fields like spec.replicas).
std::optional<int64_t> OptInt(const base::Json& obj, std::string_view path);
std::string Str(const base::Json& obj, std::string_view path);
// The first element of the array at |path| whose "type" is |type|, or nullptr.
const base::Json* Condition(const base::Json& obj, std::string_view path, std::string_view type);
// True when status.loadBalancer.ingress has an entry.
bool HasLoadBalancerIngress(const base::Json& obj);
// Go's schema.GroupVersionKind String(): "autoscaling/v3, Kind=HorizontalPodAutoscaler".
std::string GvkString(const base::Json& obj);
}  // namespace field

}  // namespace capstan::health

#endif  // CAPSTAN_HEALTH_KINDS_H_
