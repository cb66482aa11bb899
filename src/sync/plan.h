// Copyright 2026 The capstan Authors.
//
// BuildPlan turns target objects and live objects into the ordered task list of a sync operation
// (spec/argo-sync-semantics.md §2.1 step 5 and §2.2, except the discovery/permission check of step 6,
// which needs the cluster and belongs to the engine). It is pure data: the same input gives the same
// plan, which `capstan app plan` prints and the engine executes step by step.
//
// Thread safety: pure function.

#ifndef CAPSTAN_SYNC_PLAN_H_
#define CAPSTAN_SYNC_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "core/annotations.h"
#include "core/resource_key.h"
#include "sync/task.h"

namespace capstan::sync {

// One entry of a selective sync (`--resource GROUP:KIND:NAME` or with a namespace). An empty
// namespace matches any namespace (Argo CD's rule).
struct ResourceSelector {
  std::string group;
  std::string kind;
  std::string namespace_;
  std::string name;
  bool Matches(const core::ResourceKey& key) const;
};

struct PlanOptions {
  // The operation's revision and start time (UTC seconds): generated hook names are
  // generateName + lowercase(<rev7>-<phase>-<started_at>), stable across iterations and retries.
  std::string revision;
  int64_t started_at_unix = 0;
  std::string destination_namespace;
  bool skip_hooks = false;   // sync strategy `apply`; forced on by a non-empty |resources|
  bool prune_last = false;   // app-level PruneLast=true
  std::vector<ResourceSelector> resources;  // selective sync: only these, and no hooks
};

// A warning about one object (an annotation Argo CD ignores, a repeated resource).
struct PlanWarning {
  core::ResourceKey key;
  std::string message;
};

struct Plan {
  std::vector<Task> tasks;  // sorted: phase → wave → kind → name, dependencies bubbled up
  std::vector<PlanWarning> warnings;
};

// Builds the plan. |targets| are the rendered objects, namespaces already normalised (namespaced
// objects carry their namespace, cluster-scoped ones none). |live| are the app's managed live objects
// plus any live object whose key equals a target's.
//
// Returns kInvalidArgument, naming each offending object, when a target that is not a hook has no
// metadata.name (only hooks may rely on generateName) or has no apiVersion/kind — nothing is planned
// then, so nothing is half-applied.
base::Result<Plan> BuildPlan(const std::vector<base::Json>& targets, const std::vector<base::Json>& live,
                             const PlanOptions& opts);

// The name of an unnamed hook: generateName + lowercase("<rev7>-<phase>-<started_at>"); a revision of
// fewer than 8 characters is used whole.
std::string GeneratedHookName(std::string_view generate_name, std::string_view revision, core::SyncPhase phase,
                              int64_t started_at_unix);

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_PLAN_H_
