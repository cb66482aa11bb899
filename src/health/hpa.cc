// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_hpa.go. autoscaling/v1 keeps its conditions as JSON in the
// annotation autoscaling.alpha.kubernetes.io/conditions; v2beta1, v2beta2 and v2 in
// status.conditions. The first condition that is degraded (a (type, reason) pair below) or healthy
// (AbleToScale or ScalingLimited with status True) decides, carrying its message; none → Progressing
// "Waiting to Autoscale". Other versions → Unknown "unsupported HPA GVK: …".
// The degraded list is gitops-engine's four pairs; spec §5.2 lists four more ScalingActive reasons
// (FailedGetObjectMetric, …) that gitops-engine's source does not have — the source wins here.

#include <array>
#include <utility>

#include "health/kinds.h"

namespace capstan::health {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kDegraded{{
    {"AbleToScale", "FailedGetScale"},
    {"AbleToScale", "FailedUpdateScale"},
    {"ScalingActive", "FailedGetResourceMetric"},
    {"ScalingActive", "InvalidSelector"},
}};

const HealthStatus kWaiting{HealthCode::kProgressing, "Waiting to Autoscale"};

HealthStatus CheckConditions(const base::Json& conditions) {
  if (!conditions.is_array()) return kWaiting;
  for (const auto& c : conditions) {
    std::string type = field::Str(c, "type");
    std::string reason = field::Str(c, "reason");
    for (const auto& [t, r] : kDegraded) {
      if (type == t && reason == r) return {HealthCode::kDegraded, field::Str(c, "message")};
    }
    if ((type == "AbleToScale" || type == "ScalingLimited") && field::Str(c, "status") == "True") {
      return {HealthCode::kHealthy, field::Str(c, "message")};
    }
  }
  return kWaiting;
}

}  // namespace

HealthStatus HpaHealth(const base::Json& hpa) {
  std::string api_version = field::Str(hpa, "apiVersion");
  if (api_version == "autoscaling/v1") {
    const base::Json* annotations = field::At(hpa, "metadata/annotations");
    if (annotations == nullptr || !annotations->is_object()) return kWaiting;
    auto it = annotations->find("autoscaling.alpha.kubernetes.io/conditions");
    if (it == annotations->end() || !it->is_string()) return kWaiting;
    auto conditions = base::ParseJson(it->get<std::string>(), "the conditions annotation");
    if (!conditions.ok() || !(conditions->is_array() || conditions->is_null())) {
      return {HealthCode::kUnknown, "failed to convert conditions annotation to typed: " +
                                        (conditions.ok() ? std::string("not a JSON array")
                                                         : conditions.status().message())};
    }
    return CheckConditions(*conditions);
  }
  if (api_version == "autoscaling/v2" || api_version == "autoscaling/v2beta1" ||
      api_version == "autoscaling/v2beta2") {
    const base::Json* conditions = field::At(hpa, "status/conditions");
    return conditions != nullptr ? CheckConditions(*conditions) : kWaiting;
  }
  return {HealthCode::kUnknown, "unsupported HPA GVK: " + field::GvkString(hpa)};
}

}  // namespace capstan::health
