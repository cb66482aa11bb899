// Copyright 2026 The capstan Authors.
//
// Parity: Argo CD's built-in Lua check
// resource_customizations/apiextensions.k8s.io/CustomResourceDefinition/health.lua, ported to C++:
//   deletionTimestamp                      → Progressing "CRD is terminating"
//   no (or empty) status.conditions        → Progressing "Status conditions not found"
//   Terminating True                       → Progressing "CRD is terminating: <msg>"
//   NamesAccepted False                    → Degraded "CRD names have not been accepted: <msg>"
//   Established not True                   → Degraded "CRD is not established"
//   NonStructuralSchema True               → Degraded "Schema violations found: <msg>"
//   otherwise                              → Healthy "CRD is healthy"
// where <msg> is the message of the last condition (in list order) that matched any of the four
// tests, as in the script. No status at all fails the script: Unknown with Lua's error text.

#include "health/kinds.h"

namespace capstan::health {

HealthStatus CrdHealth(const base::Json& crd) {
  if (field::At(crd, "metadata/deletionTimestamp") != nullptr) {
    return {HealthCode::kProgressing, "CRD is terminating"};
  }
  const base::Json* status = field::At(crd, "status");
  if (status == nullptr || !status->is_object()) {
    return {HealthCode::kUnknown, "attempt to index a nil value (field 'status')"};
  }
  const base::Json* conditions = field::At(*status, "conditions");
  if (conditions == nullptr || !conditions->is_array() || conditions->empty()) {
    return {HealthCode::kProgressing, "Status conditions not found"};
  }
  bool established = false, terminating = false, names_not_accepted = false, violations = false;
  std::string message;
  for (const auto& c : *conditions) {
    std::string type = field::Str(c, "type");
    std::string cond_status = field::Str(c, "status");
    bool matched = true;
    if (type == "Terminating" && cond_status == "True") {
      terminating = true;
    } else if (type == "NamesAccepted" && cond_status == "False") {
      names_not_accepted = true;
    } else if (type == "Established" && cond_status == "True") {
      established = true;
    } else if (type == "NonStructuralSchema" && cond_status == "True") {
      violations = true;
    } else {
      matched = false;
    }
    if (matched) message = field::Str(c, "message");
  }
  if (terminating) return {HealthCode::kProgressing, "CRD is terminating: " + message};
  if (names_not_accepted) return {HealthCode::kDegraded, "CRD names have not been accepted: " + message};
  if (!established) return {HealthCode::kDegraded, "CRD is not established"};
  if (violations) return {HealthCode::kDegraded, "Schema violations found: " + message};
  return {HealthCode::kHealthy, "CRD is healthy"};
}

}  // namespace capstan::health
