// Copyright 2026 The capstan Authors.
//
// Parity: Argo CD's built-in Lua check resource_customizations/policy/PodDisruptionBudget/health.lua,
// ported to C++: conditions are read in order; the first with status "False" and a reason other than
// InsufficientPods (a valid state, argo-cd#20171) → Degraded "PodDisruptionBudget has <reason>";
// otherwise each condition sets Healthy "PodDisruptionBudget has <reason>" (the last one's reason
// stays). No status or no conditions → Progressing "Waiting for status". A condition without a reason
// fails the script's string concatenation: Unknown with Lua's error text.

#include "health/kinds.h"

namespace capstan::health {

HealthStatus PdbHealth(const base::Json& pdb) {
  HealthStatus hs{HealthCode::kProgressing, "Waiting for status"};
  const base::Json* conditions = field::At(pdb, "status/conditions");
  if (conditions == nullptr || !conditions->is_array()) return hs;
  for (const auto& c : *conditions) {
    const base::Json* reason = field::At(c, "reason");
    if (reason == nullptr || !reason->is_string()) {
      return {HealthCode::kUnknown, "attempt to concatenate a nil value (field 'reason')"};
    }
    std::string message = "PodDisruptionBudget has " + reason->get<std::string>();
    if (field::Str(c, "status") == "False" && reason->get<std::string>() != "InsufficientPods") {
      return {HealthCode::kDegraded, message};
    }
    hs = {HealthCode::kHealthy, message};
  }
  return hs;
}

}  // namespace capstan::health
