// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_job.go (condition status ignored except for Suspended).

#include "health/kinds.h"

namespace capstan::health {

HealthStatus JobHealth(const base::Json& job) {
  bool failed = false, complete = false, suspended = false;
  std::string fail_message, message;
  if (const base::Json* conds = field::At(job, "status/conditions"); conds && conds->is_array()) {
    for (const auto& c : *conds) {
      std::string type = field::Str(c, "type");
      if (type == "Failed") {
        failed = complete = true;
        fail_message = field::Str(c, "message");
      } else if (type == "Complete") {
        complete = true;
        message = field::Str(c, "message");
      } else if (type == "Suspended") {
        complete = true;
        message = field::Str(c, "message");
        if (field::Str(c, "status") == "True") suspended = true;
      }
    }
  }
  if (!complete) return {HealthCode::kProgressing, message};
  if (failed) return {HealthCode::kDegraded, fail_message};
  if (suspended) return {HealthCode::kSuspended, fail_message};
  return {HealthCode::kHealthy, message};
}

}  // namespace capstan::health
