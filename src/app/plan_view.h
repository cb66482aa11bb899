// Copyright 2026 The capstan Authors.
//
// PlanApp: the ordered plan a sync of an Application would run now — phase, wave, kind,
// namespace/name and the action (create, update, unchanged, prune, hook with its delete policies,
// skip) — read from Git and the cluster without changing anything (`capstan app plan`). The order is
// the engine's (sync::BuildPlan). An action is what capstan can tell before running: "update" when
// the live object differs from the target (diff::Compare), "unchanged" when it provably does not.
//
// Thread safety: thread-compatible.

#ifndef CAPSTAN_APP_PLAN_VIEW_H_
#define CAPSTAN_APP_PLAN_VIEW_H_

#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "kube/client.h"
#include "source/render/render.h"

namespace capstan::app {

struct PlanRow {
  std::string phase;  // PreSync, Sync, PostSync, SyncFail
  int64_t wave = 0;
  std::string group;
  std::string kind;
  std::string namespace_;
  std::string name;
  std::string action;  // create | update | unchanged | prune | prune (needs --prune) | hook (<policies>) | skip
};

struct PlanViewOptions {
  source::RenderOptions render;  // revision "" = spec.source.targetRevision
  bool prune = false;            // as `sync --prune` would
};

// The plan of |application| (an Application object, from the cluster or a file). Errors as
// RenderApplication, the cluster or BuildPlan (invalid manifests) report them.
base::Result<std::vector<PlanRow>> PlanApp(kube::Client& client, const base::Json& application,
                                           const PlanViewOptions& opts);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_PLAN_VIEW_H_
