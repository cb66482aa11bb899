// Copyright 2026 The capstan Authors.
//
// Task: one unit of work of a sync operation — apply a target in one phase, run a hook in one phase,
// or prune a live object (spec/argo-sync-semantics.md §2.2; gitops-engine sync_task.go). A task
// carries its target and/or live object, its annotations parsed once, its wave after overrides, and
// the result recorded so far in this operation.
//
// Thread safety: plain values.

#ifndef CAPSTAN_SYNC_TASK_H_
#define CAPSTAN_SYNC_TASK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/json.h"
#include "core/annotations.h"
#include "core/resource_key.h"
#include "core/sync_types.h"

namespace capstan::sync {

using ObjectPtr = std::shared_ptr<const base::Json>;

struct Task {
  core::SyncPhase phase = core::SyncPhase::kSync;
  ObjectPtr target;  // nullptr: a prune task
  ObjectPtr live;    // nullptr: not in the cluster (yet)
  core::ResourceKey key;               // of target, else live
  core::SyncAnnotations annotations;   // of target, else live
  int64_t wave = 0;                    // annotation wave, or the override of §2.2 steps 7–8
  bool is_hook = false;
  bool skip_dry_run = false;

  // Results so far (restored from the operation state by result key).
  std::optional<core::ResultCode> result;
  std::optional<core::OperationPhase> hook_phase;
  std::string message;

  bool is_prune() const { return target == nullptr; }
  const base::Json& obj() const { return target ? *target : *live; }
  // "<group>/<kind>/<namespace>/<name>:<phase>", the key results are persisted under.
  std::string ResultKey() const;
  // Pending: no hook phase recorded yet in this operation.
  bool pending() const { return !hook_phase.has_value(); }
};

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_TASK_H_
