// Copyright 2026 The capstan Authors.
//
// Engine: the re-entrant step function of a sync operation (spec/argo-sync-semantics.md §2.5–§2.6,
// §3; gitops-engine sync_context.go Sync/runTasks/executeSyncFailPhase/Terminate). Each Step takes
// the targets, the live objects as they are now and the OperationState recorded so far, does the
// next piece of work through kube::Client, and returns the new state. All memory lives in the state:
// kill the process after any Step, call Step again with the saved state, and the operation goes on
// with no duplicate hooks and no leaked hook finalizers.
//
// capstan differs from Argo CD where DESIGN §6 says so: a wave's resources count as done only on
// fresh health (observedGeneration caught up); there is no fixed inter-wave delay (the caller steps
// again when something changes); hooks carry capstan.dev/operation and are adopted, not re-created,
// after a crash; the hook finalizer is removed with a metadata-only patch and a live GET fallback.
//
// Thread safety: an Engine may be used by one operation at a time; Step runs a step's tasks
// concurrently on internal threads.

#ifndef CAPSTAN_SYNC_ENGINE_H_
#define CAPSTAN_SYNC_ENGINE_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/json.h"
#include "core/resource_key.h"
#include "health/health.h"
#include "kube/client.h"
#include "sync/operation_state.h"
#include "sync/plan.h"
#include "sync/sync_options.h"

namespace capstan::sync {

// A hook that has just reached a terminal phase in this operation, with its live object, handed to
// StepInput::hook_finished before any delete policy of the hook runs (DESIGN §6: hook logs are kept).
struct FinishedHook {
  core::SyncPhase phase = core::SyncPhase::kSync;  // the phase the hook runs in
  core::ResourceKey key;
  core::OperationPhase hook_phase = core::OperationPhase::kSucceeded;  // Succeeded, Failed or Error
  std::string message;
  const base::Json* live = nullptr;  // never null; valid during the call only
};

struct StepInput {
  std::vector<base::Json> targets;  // rendered, namespaces normalised, tracking added
  std::vector<base::Json> live;     // the app's live objects now (managed + those matching targets)
  PlanOptions plan;                 // revision, startedAt, destination namespace, hooks, selection
  SyncOptions sync;
  // For ApplyOutOfSyncOnly: the keys the diff found out of sync. nullopt: everything is.
  std::optional<std::set<core::ResourceKey>> out_of_sync;
  // Called on the Step's thread, once for each hook with a live object as it reaches Succeeded,
  // Failed or Error (terminated hooks included), before any delete policy can remove it. A crash
  // before the step's state is saved calls it again for the same hook on resume. May be empty.
  std::function<void(const FinishedHook&)> hook_finished;
  // The permission validator of spec §2.2 step 6 (the AppProject; gitops-engine
  // WithPermissionValidator): called on every Step for each task whose kind the server serves — its
  // target, or the live object of a prune — with the task's key and whether the kind is namespaced.
  // A non-empty result refuses the task with that message (SyncFailed) and the operation fails with
  // "one or more synchronization tasks are not valid: …" before anything is written. May be empty.
  std::function<std::string(const core::ResourceKey& key, bool namespaced)> permission;
};

class Engine {
 public:
  // |client| (and |health_override| when set) must outlive the Engine.
  explicit Engine(kube::Client& client, health::HealthOverride* health_override = nullptr)
      : client_(client), health_(health_override) {}

  // One iteration. REQUIRES: state.phase is Running or Terminating (a completed state is returned
  // unchanged). The result's phase is Running while work remains, else Succeeded, Failed or Error
  // with Argo CD's messages.
  OperationState Step(const StepInput& in, OperationState state);

 private:
  kube::Client& client_;
  health::HealthOverride* health_;
};

// The waiting message of spec §2.6.1 over |tasks|:
// "waiting for <reason> <group>/<kind>/<name>[ and N more <hooks|resources>]".
std::string WaitingMessage(const std::vector<const Task*>& tasks, bool deletion, bool confirmation = false);

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_ENGINE_H_
