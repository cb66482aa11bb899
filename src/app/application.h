// Copyright 2026 The capstan Authors.
//
// The parts of an argoproj.io/v1alpha1 Application a sync operation reads, parsed once into typed
// values: which app (AppRef), the requested operation (`.operation.sync` and `.operation.retry`,
// Argo CD's field names), and the app-level sync options (`spec.syncPolicy.syncOptions`). The
// Application itself stays a JSON object so fields capstan does not know survive a round trip.
//
// Thread safety: plain values and pure functions.

#ifndef CAPSTAN_APP_APPLICATION_H_
#define CAPSTAN_APP_APPLICATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "core/gvk.h"
#include "sync/plan.h"

namespace capstan::app {

inline const core::Gvk kApplicationGvk{"argoproj.io", "v1alpha1", "Application"};

// An Application's namespace and name.
struct AppRef {
  std::string namespace_;
  std::string name;
  std::string ToString() const { return namespace_ + "/" + name; }
};

// operation.retry (spec §6.4). limit 0 = no retry, negative = unlimited.
struct RetryStrategy {
  int64_t limit = 0;
  int64_t backoff_seconds = 5;
  int64_t factor = 2;
  int64_t max_backoff_seconds = 180;
  // The wait before retry number |retry_count| (1-based): duration·factor^retry_count, capped.
  int64_t Backoff(int64_t retry_count) const;
};

// operation.sync: what `argocd app sync` / `capstan app sync` asked for.
struct SyncRequest {
  std::string revision;                            // "" = spec.source.targetRevision
  bool prune = false;
  bool dry_run = false;
  bool apply_strategy = false;                     // syncStrategy.apply: no hooks
  bool force = false;                              // syncStrategy.{hook|apply}.force
  std::vector<sync::ResourceSelector> resources;   // selective sync
  std::vector<std::string> sync_options;           // operation-level syncOptions
  int64_t self_heal_attempts = 0;                  // autoHealAttemptsCount (spec §6.5)
  // operation.sync.source / sources: render this source instead of the spec's (a rollback to a
  // history entry). Null = the spec's.
  base::Json source;
};

struct Operation {
  SyncRequest sync;
  RetryStrategy retry;
  std::string initiated_by = "capstan";
  bool automated = false;  // initiatedBy.automated: requested by the controller's auto-sync
};

// Parses `.operation`. kInvalidArgument naming the field ("operation.retry.backoff.duration: ...").
// kFailedPrecondition for operations capstan does not run (no `sync` block).
base::Result<Operation> ParseOperation(const base::Json& operation);

// `.operation` as Argo CD lays it out.
base::Json ToJson(const Operation& op);

// A Go duration ("5s", "3m", "1h30m", "500ms") or a bare integer of seconds, in whole seconds
// (rounded up). kInvalidArgument naming |field|.
base::Result<int64_t> ParseDurationSeconds(const base::Json& value, std::string_view field);

// `--resource` of argocd app sync: "GROUP:KIND:NAME" or "GROUP:KIND:NAMESPACE/NAME".
base::Result<sync::ResourceSelector> ParseResourceSelector(std::string_view text);

// The Application's ref; kInvalidArgument when metadata.name is missing. An empty namespace becomes
// |default_namespace|.
base::Result<AppRef> RefOf(const base::Json& app, std::string_view default_namespace);

// The sync options in force for |op| on |app|: the operation's own when it lists any, else
// spec.syncPolicy.syncOptions (Argo CD's rule).
std::vector<std::string> EffectiveSyncOptions(const base::Json& app, const Operation& op);

// capstan syncs into the cluster it is connected to: spec.destination must name it — server
// https://kubernetes.default.svc or name in-cluster (Argo CD's names for the local cluster).
// kFailedPrecondition naming the destination otherwise (other clusters come with the Controller issue).
base::Status CheckDestination(const base::Json& app);

// True when the Application carries argocd.argoproj.io/deletion-approved at or after
// |started_at_unix| (Prune=confirm / Delete=confirm, spec §1.5).
bool DeletionApproved(const base::Json& app, int64_t started_at_unix);

// True when |app| asks for an operation: `.operation` is set.
bool OperationRequested(const base::Json& app);
// True when |app|'s operation is Running or Terminating (status.operationState.phase).
bool OperationInProgress(const base::Json& app);

// True when |app|'s last comparison was made for its current spec: status.sync.comparedTo has the
// spec's source, sources and destination.
bool ComparedWithSpec(const base::Json& app);

// spec.syncPolicy.retry, when set.
base::Result<std::optional<RetryStrategy>> SpecRetry(const base::Json& app);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_APPLICATION_H_
