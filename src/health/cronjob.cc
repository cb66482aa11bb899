// Copyright 2026 The capstan Authors.
//
// Parity: Argo CD's built-in Lua check resource_customizations/batch/CronJob/health.lua (v3.2 rules),
// ported to C++ branch by branch with its messages:
//   spec.suspend true                         → Healthy "CronJob is Suspended" (Healthy, not Suspended:
//                                               argo-cd#24428)
//   no status                                 → Progressing "Waiting for CronJob"
//   status without lastScheduleTime           → Healthy "CronJob has not been scheduled yet"
//   no lastSuccessfulTime                     → Healthy "The CronJob never completed successfully. …"
//   active jobs                               → Healthy "The job is running. …"
//   lastSuccessfulTime < lastScheduleTime     → Degraded (compared as strings, as Lua does)
//   otherwise                                 → Healthy "CronJob has completed its last execution …"
// Where the script itself would fail (no spec), the result is Unknown with Lua's error text.

#include "health/kinds.h"

namespace capstan::health {

HealthStatus CronJobHealth(const base::Json& cronjob) {
  const base::Json* spec = field::At(cronjob, "spec");
  if (spec == nullptr || !spec->is_object()) {
    return {HealthCode::kUnknown, "attempt to index a nil value (field 'spec')"};
  }
  const base::Json* suspend = field::At(*spec, "suspend");
  if (suspend != nullptr && suspend->is_boolean() && suspend->get<bool>()) {
    return {HealthCode::kHealthy, "CronJob is Suspended"};
  }
  const base::Json* status = field::At(cronjob, "status");
  if (status == nullptr || status->is_null()) return {HealthCode::kProgressing, "Waiting for CronJob"};
  const base::Json* last_schedule = field::At(*status, "lastScheduleTime");
  if (last_schedule == nullptr || last_schedule->is_null()) {
    return {HealthCode::kHealthy, "CronJob has not been scheduled yet"};
  }
  const base::Json* last_success = field::At(*status, "lastSuccessfulTime");
  if (last_success == nullptr || last_success->is_null()) {
    return {HealthCode::kHealthy, "The CronJob never completed successfully. It may not be healthy"};
  }
  const base::Json* active = field::At(*status, "active");
  if (active != nullptr && active->is_array() && !active->empty()) {
    return {HealthCode::kHealthy, "The job is running. Its last execution may not have been successful"};
  }
  if (last_success->is_string() && last_schedule->is_string() &&
      last_success->get<std::string>() < last_schedule->get<std::string>()) {
    return {HealthCode::kDegraded, "CronJob has not completed its last execution successfully"};
  }
  return {HealthCode::kHealthy, "CronJob has completed its last execution successfully"};
}

}  // namespace capstan::health
