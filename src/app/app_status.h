// Copyright 2026 The capstan Authors.
//
// The comparison part of an Application's status, in Argo CD's layout (spec §5.4, §6.2, §8.3):
//   status.resources[]  {group, version, kind, namespace, name, status, health, hook, requiresPruning}
//   status.sync         {status, revision, comparedTo}
//   status.health       {status, message}
// from the targets and the live objects. A resource is OutOfSync when it is missing, extraneous
// (live, tracked, no target) or differs from its target (diff::Compare); hooks and Skip objects have
// no sync status and never count in the app's sync or health; a live hook is listed with hook: true.
// App health is the worst resource health, where a Missing resource counts only when every resource
// is missing, and objects annotated argocd.argoproj.io/ignore-healthcheck: "true" are skipped.
//
// Thread safety: pure function.

#ifndef CAPSTAN_APP_APP_STATUS_H_
#define CAPSTAN_APP_APP_STATUS_H_

#include <string>
#include <vector>

#include "base/json.h"
#include "health/health.h"

namespace capstan::app {

struct Comparison {
  base::Json resources = base::Json::array();
  base::Json sync = base::Json::object();
  base::Json health = base::Json::object();
};

// |targets| have normalised namespaces; |live| are the app's live objects (live_state.h);
// |application|'s spec.source and spec.destination are written as status.sync.comparedTo (none when
// it has no spec).
Comparison CompareApp(const std::vector<base::Json>& targets, const std::vector<base::Json>& live,
                      const std::string& revision, const base::Json& application,
                      health::HealthOverride* health_override = nullptr);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_APP_STATUS_H_
