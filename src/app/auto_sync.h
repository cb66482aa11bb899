// Copyright 2026 The capstan Authors.
//
// Automated sync (spec §6.5, Argo CD's controller autoSync / alreadyAttemptedSync /
// selfHealRemainingBackoff): after each reconciliation the controller asks DecideAutoSync whether to
// request a sync of an Application, and which one. The decision reads only the Application as the
// refresh left it — spec.syncPolicy.automated, status.sync, status.resources and the last
// status.operationState — so it is a pure function of the object and the clock:
//
//  - nothing to do unless automated sync is on (and not `enabled: false`), no operation is requested
//    or running, the app is not being deleted and it is OutOfSync;
//  - prune off and only pruning needed → nothing;
//  - the desired revision(s) and source already attempted: a failed attempt is never retried by
//    auto-sync (SyncError `Failed last sync attempt to <revs>: <message>`); a successful one is
//    re-synced only by self-heal — after its back-off (2 s × 3ⁿ capped at 300 s from the last
//    finishedAt, by default), syncing only the resources that are not Synced (no hooks, no history),
//    with autoHealAttemptsCount incremented;
//  - prune on without allowEmpty when every resource would be pruned → SyncError
//    `Skipping sync attempt to <revs>: auto-sync will wipe out all resources`;
//  - else a sync of the compared revision with prune = automated.prune, the app's syncOptions, and
//    spec.syncPolicy.retry (default limit 5), initiated by `automated`;
//  - sync windows (sync_window.h): when that sync (or self-heal) would be requested but the project's
//    windows block an automated sync, a kWait until the windows' verdict changes (the deny window
//    closes, an allow window opens; at most an hour, to look again) — the sync runs then, which Argo
//    CD's controller does not do (argo-cd#21692: it skips auto-sync while blocked and nothing brings
//    it back when the window ends). A matching window that does not parse is a kCondition.
//
// Thread safety: pure functions (a blocked decision is logged at info, as Argo CD logs
// `Sync prevented by sync window`).

#ifndef CAPSTAN_APP_AUTO_SYNC_H_
#define CAPSTAN_APP_AUTO_SYNC_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "app/application.h"
#include "app/sync_window.h"
#include "base/json.h"

namespace capstan::app {

// The self-heal back-off (Argo CD's --self-heal-backoff-* and --self-heal-timeout-seconds flags).
struct SelfHealBackoff {
  bool exponential = true;        // false: a fixed |timeout_seconds| after the last operation
  int64_t duration_seconds = 2;   // the first attempt's wait
  int64_t factor = 3;
  int64_t cap_seconds = 300;
  int64_t cooldown_seconds = 330; // after this long without an operation, the attempt count restarts
  int64_t timeout_seconds = 0;    // the fixed wait when !exponential
  // The wait before self-heal attempt |attempts| + 1 counted from the last finishedAt: 0 for the first.
  int64_t Delay(int64_t attempts) const;
};

struct AutoSyncDecision {
  enum class Kind {
    kNone,       // nothing to do (|reason| says why, for the log)
    kSync,       // request |operation|
    kCondition,  // set the SyncError condition |message|, request nothing
    kWait,       // a self-heal is due, or a sync window closes, in |wait_seconds|: look again then
  };
  Kind kind = Kind::kNone;
  std::string reason;
  std::optional<Operation> operation;
  std::string message;
  int64_t wait_seconds = 0;
};

// The sync windows of an app's project, read only when a sync would be requested (the controller's
// calls LoadAppSyncWindows).
using SyncWindowsLoader = std::function<AppSyncWindows()>;

// The decision for |app| at |now_unix| under the sync windows |windows| returns (none when null). A
// malformed spec.syncPolicy (bad retry) is a kCondition naming the field.
AutoSyncDecision DecideAutoSync(const base::Json& app, int64_t now_unix, const SelfHealBackoff& backoff,
                                const SyncWindowsLoader& windows = nullptr);

// True when spec.syncPolicy.automated is set and not `enabled: false`.
bool AutoSyncEnabled(const base::Json& app);

// True for the SyncError messages DecideAutoSync produces (the controller clears only those when the
// decision no longer gives one; the runner's own SyncError stays).
bool IsAutoSyncMessage(const std::string& message);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_AUTO_SYNC_H_
