// Copyright 2026 The capstan Authors.

#include "health/health.h"

#include <array>
#include <utility>

#include "core/annotations.h"
#include "health/kinds.h"

namespace capstan::health {
namespace {

constexpr std::array<std::pair<HealthCode, std::string_view>, 6> kNames{{
    {HealthCode::kHealthy, "Healthy"},
    {HealthCode::kSuspended, "Suspended"},
    {HealthCode::kProgressing, "Progressing"},
    {HealthCode::kMissing, "Missing"},
    {HealthCode::kDegraded, "Degraded"},
    {HealthCode::kUnknown, "Unknown"},
}};

bool HasHookFinalizer(const base::Json& obj) {
  const base::Json* fins = field::At(obj, "metadata/finalizers");
  if (fins == nullptr || !fins->is_array()) return false;
  for (const auto& f : *fins) {
    if (f.is_string() && f.get<std::string>() == core::keys::kHookFinalizer) return true;
  }
  return false;
}

}  // namespace

namespace field {

const base::Json* At(const base::Json& obj, std::string_view path) {
  const base::Json* cur = &obj;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string_view part = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (slash == std::string_view::npos) return cur;
    start = slash + 1;
  }
}

int64_t Int(const base::Json& obj, std::string_view path, int64_t fallback) {
  return OptInt(obj, path).value_or(fallback);
}

std::optional<int64_t> OptInt(const base::Json& obj, std::string_view path) {
  const base::Json* v = At(obj, path);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->get<int64_t>();
}

std::string Str(const base::Json& obj, std::string_view path) {
  const base::Json* v = At(obj, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

const base::Json* Condition(const base::Json& obj, std::string_view path, std::string_view type) {
  const base::Json* conds = At(obj, path);
  if (conds == nullptr || !conds->is_array()) return nullptr;
  for (const auto& c : *conds) {
    if (Str(c, "type") == type) return &c;
  }
  return nullptr;
}

std::string GvkString(const base::Json& obj) {
  std::string api_version = Str(obj, "apiVersion");
  if (api_version.find('/') == std::string::npos) api_version = "/" + api_version;
  return api_version + ", Kind=" + Str(obj, "kind");
}

}  // namespace field

std::string_view ToString(HealthCode c) {
  if (c == HealthCode::kEmpty) return "";
  for (const auto& [code, name] : kNames) {
    if (code == c) return name;
  }
  return "Unknown";
}

std::optional<HealthCode> ParseHealthCode(std::string_view s) {
  for (const auto& [code, name] : kNames) {
    if (name == s) return code;
  }
  return std::nullopt;
}

std::optional<HealthStatus> AssessBuiltIn(const base::Json& obj) {
  std::string api_version = field::Str(obj, "apiVersion");
  std::string kind = field::Str(obj, "kind");
  std::string group = api_version.find('/') == std::string::npos ? "" : api_version.substr(0, api_version.find('/'));
  // Argo CD's built-in Lua scripts first (resource_customizations, ported to C++), then the Go checks
  // (gitops-engine GetHealthCheckFunc); the two sets do not overlap.
  if (group == "batch" && kind == "CronJob") return CronJobHealth(obj);
  if (group == "policy" && kind == "PodDisruptionBudget") return PdbHealth(obj);
  if (group == "apiextensions.k8s.io" && kind == "CustomResourceDefinition") return CrdHealth(obj);
  if (group == "apps") {
    // gitops-engine checks apps/v1 only; older versions are not served by supported clusters.
    if (kind == "Deployment") return DeploymentHealth(obj);
    if (kind == "ReplicaSet") return ReplicaSetHealth(obj);
    if (kind == "StatefulSet") return StatefulSetHealth(obj);
    if (kind == "DaemonSet") return DaemonSetHealth(obj);
  } else if (group.empty()) {
    if (kind == "Pod") return PodHealth(obj);
    if (kind == "Service") return ServiceHealth(obj);
    if (kind == "PersistentVolumeClaim") return PvcHealth(obj);
  } else if (group == "batch" && kind == "Job") {
    return JobHealth(obj);
  } else if ((group == "networking.k8s.io" || group == "extensions") && kind == "Ingress") {
    return IngressHealth(obj);
  } else if (group == "autoscaling" && kind == "HorizontalPodAutoscaler") {
    return HpaHealth(obj);
  } else if (group == "apiregistration.k8s.io" && kind == "APIService") {
    return ApiServiceHealth(obj);
  } else if (group == "argoproj.io" && kind == "Workflow") {
    return WorkflowHealth(obj);
  }
  // Namespace, ConfigMap, Secret, RBAC, argoproj.io Application, CRs without a script…: no health,
  // as in Argo CD (no kstatus / Ready-condition inference).
  return std::nullopt;
}

std::optional<HealthStatus> Assess(const base::Json& obj, HealthOverride* override_checks) {
  if (field::At(obj, "metadata/deletionTimestamp") != nullptr && !HasHookFinalizer(obj)) {
    return HealthStatus{HealthCode::kProgressing, "Pending deletion"};
  }
  if (override_checks != nullptr) {
    if (std::optional<HealthStatus> s = override_checks->Assess(obj)) return s;
  }
  return AssessBuiltIn(obj);
}

bool IsFresh(const base::Json& obj) {
  std::optional<int64_t> generation = field::OptInt(obj, "metadata/generation");
  if (!generation) return true;
  std::optional<int64_t> observed = field::OptInt(obj, "status/observedGeneration");
  if (!observed) {
    // Workload controllers always report observedGeneration: its absence means not yet observed.
    std::string api_version = field::Str(obj, "apiVersion");
    return api_version.rfind("apps/", 0) != 0;
  }
  return *observed >= *generation;
}

}  // namespace capstan::health
