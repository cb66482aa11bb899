// Copyright 2026 The capstan Authors.
//
// AppHealth: an Application's health from its resources' (spec §5.4; Argo CD controller/health.go
// setApplicationHealth). CompareApp adds every managed resource — hooks and Skip targets never reach
// it — and AppHealth says what each resource shows and folds the app's status:
//   - live objects annotated argocd.argoproj.io/ignore-healthcheck: "true" show no health and are
//     skipped; so is the Application itself when it manages itself;
//   - a resource without a live object is Missing, which does not make the app worse (the
//     OutOfSync status already says it), unless no resource has a live object at all: then the app
//     is Missing;
//   - a child argoproj.io Application that is Missing or Unknown is skipped;
//   - otherwise the app is the worst resource health (an empty Lua status never is worse).
// Argo CD's app health carries no message; capstan keeps the worst resource's message.
// lastTransitionTime (Argo CD ≥ 3.0) is kept from the Application's status.health while the status stays
// the same, and is now when it changes.
//
// Thread safety: not thread-safe; one per comparison.

#ifndef CAPSTAN_APP_APP_HEALTH_H_
#define CAPSTAN_APP_APP_HEALTH_H_

#include <optional>
#include <string>

#include "base/json.h"
#include "health/health.h"

namespace capstan::app {

class AppHealth {
 public:
  // |application| is the Application being compared: its own identity (the self-reference rule) and its
  // current status.health (lastTransitionTime).
  explicit AppHealth(const base::Json& application);

  // Adds one managed resource (|target| or |live| may be null, not both) and returns the health its
  // status.resources entry shows (nullopt: none).
  std::optional<health::HealthStatus> Add(const base::Json* target, const base::Json* live,
                                          health::HealthOverride* health_override);

  // {"status": …, "message"?: …, "lastTransitionTime": …}.
  base::Json ToJson() const;

 private:
  std::string app_namespace_;
  std::string app_name_;
  std::string previous_status_;
  std::string previous_transition_;
  bool contains_resources_ = false;
  bool contains_live_resources_ = false;
  health::HealthCode worst_ = health::HealthCode::kHealthy;
  std::string worst_message_;
};

// A resource's "health" member of status.resources: {"status", "message"?}; {} for the empty status.
base::Json HealthJson(const health::HealthStatus& h);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_APP_HEALTH_H_
