// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_apiservice.go (apiregistration.k8s.io v1 and v1beta1): the
// first Available condition decides — status True Healthy, otherwise Progressing, both with the
// message "<reason>: <message>"; no Available condition → Progressing "Waiting to be processed".
// Other versions → Unknown "unsupported APIService GVK: …".

#include "health/kinds.h"

namespace capstan::health {

HealthStatus ApiServiceHealth(const base::Json& api_service) {
  std::string api_version = field::Str(api_service, "apiVersion");
  if (api_version != "apiregistration.k8s.io/v1" && api_version != "apiregistration.k8s.io/v1beta1") {
    return {HealthCode::kUnknown, "unsupported APIService GVK: " + field::GvkString(api_service)};
  }
  if (const base::Json* c = field::Condition(api_service, "status/conditions", "Available")) {
    std::string message = field::Str(*c, "reason") + ": " + field::Str(*c, "message");
    return {field::Str(*c, "status") == "True" ? HealthCode::kHealthy : HealthCode::kProgressing, message};
  }
  return {HealthCode::kProgressing, "Waiting to be processed"};
}

}  // namespace capstan::health
