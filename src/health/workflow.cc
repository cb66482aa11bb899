// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_argo.go getArgoWorkflowHealth (argoproj.io Workflow, any
// version): by status.phase — "", Pending, Running Progressing; Succeeded Healthy; Failed, Error
// Degraded; anything else Unknown; the message is always status.message.

#include "health/kinds.h"

namespace capstan::health {

HealthStatus WorkflowHealth(const base::Json& workflow) {
  std::string phase = field::Str(workflow, "status/phase");
  std::string message = field::Str(workflow, "status/message");
  if (phase.empty() || phase == "Pending" || phase == "Running") return {HealthCode::kProgressing, message};
  if (phase == "Succeeded") return {HealthCode::kHealthy, message};
  if (phase == "Failed" || phase == "Error") return {HealthCode::kDegraded, message};
  return {HealthCode::kUnknown, message};
}

}  // namespace capstan::health
