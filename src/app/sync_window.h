// Copyright 2026 The capstan Authors.
//
// Sync windows (AppProject spec.syncWindows; Argo CD's SyncWindows in pkg/apis/application/v1alpha1,
// docs/user-guide/sync_windows.md): periods when syncs of the project's apps are allowed or denied.
// A window has a `kind` (allow|deny), a cron `schedule` (cron_schedule.h) read on the wall clock of
// `timeZone` (IANA name, UTC by default; time_zone.h), a `duration` (Go syntax: 1h, 30m, 1h30m) and
// selects apps by `applications` (app name), `clusters` (destination name or server) and `namespaces`
// (destination namespace) globs, OR-ed (source::Glob, Argo CD's util/glob). A window is active at
// `now` when a tick of its schedule lies in (now - duration, now] — it opens at a tick and lasts
// `duration`. The verdict for an app (Argo CD's CanSync):
//
//  - no matching window → allowed;
//  - a matching deny window active → denied, but a manual sync passes when every active deny window
//    has `manualSync: true`;
//  - else an active matching allow window → allowed;
//  - else matching allow windows exist (all inactive) → denied, a manual sync passing when all of them
//    have `manualSync: true`;
//  - a matching window that does not parse blocks every sync (Argo CD ≥ 2.12: "invalid sync window").
//
// Where they act: the controller's auto-sync waits until NextChange instead of requesting (auto_sync.h;
// unlike Argo CD, whose auto-sync stays skipped after a deny window closes until something else
// triggers a refresh — argo-cd#21692), `capstan sync`/`app sync` refuse with Argo CD's server message
// `cannot sync: blocked by sync window` unless the windows let a manual sync through, and
// `capstan app get` prints `SyncWindow:` and `Assigned Windows:` as `argocd app get` does.
//
// Thread safety: values; functions are pure but LoadAppSyncWindows (one GET through |client|).

#ifndef CAPSTAN_APP_SYNC_WINDOW_H_
#define CAPSTAN_APP_SYNC_WINDOW_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/cron_schedule.h"
#include "app/time_zone.h"
#include "base/json.h"
#include "base/result.h"
#include "kube/client.h"

namespace capstan::app {

// The message an operation shows while a window blocks it (Argo CD controller/sync.go).
inline constexpr char kSyncWindowBlockedOperation[] = "Sync operation blocked by sync window";
// `argocd app sync` refused (Argo CD server/application: PermissionDenied).
inline constexpr char kSyncWindowBlockedSync[] = "cannot sync: blocked by sync window";
// The controller's log line when auto-sync is held (Argo CD appcontroller.go).
inline constexpr char kSyncWindowPreventedAutoSync[] = "Sync prevented by sync window";

struct SyncWindow {
  std::string kind;  // "allow" or "deny"
  std::string schedule, duration, time_zone = "UTC";
  std::vector<std::string> applications, namespaces, clusters;
  bool manual_sync = false;
  // Not empty when the window does not parse: `AppProject P: spec.syncWindows[i].<field>: ...`.
  std::string error;

  int64_t duration_seconds = 0;
  std::optional<CronSchedule> cron;
  std::shared_ptr<const TimeZone> zone;

  // True when the window selects |app| (an Application object).
  bool Matches(const base::Json& app) const;
  // True when a tick lies in (now - duration, now]. False for a window with an error.
  bool Active(int64_t now) const;
  // The first instant after |now| at which Active changes (the end of the current active run, or the
  // next tick); nullopt when it never does (no tick within five years, or ticks that keep the window
  // open for the next 20160 of them).
  std::optional<int64_t> NextFlip(int64_t now) const;
};

// The windows of an AppProject object, in order; each window that does not parse carries |error|
// naming the project and the field, with Go's / robfig's wording:
// `AppProject p: spec.syncWindows[0].schedule: cannot parse schedule '61 * * * *': end of range (61)
// above maximum (59): 61`, `...duration: cannot parse duration '1x': time: unknown unit "x" in
// duration "1x"`, `...timeZone: unknown time zone Mars/Olympus`, `...kind: kind 'x' mismatch: can
// only be allow or deny`.
std::vector<SyncWindow> ParseSyncWindows(const base::Json& project);

// Go's time.ParseDuration in whole seconds (rounded up). kInvalidArgument with Go's message.
base::Result<int64_t> ParseGoDuration(const std::string& text);

// The windows of an app's project that select it, and the verdicts they give.
struct AppSyncWindows {
  std::string project;
  std::vector<SyncWindow> matching;
  // A matching window's parse error, or the project could not be read: every sync is blocked.
  std::string error;

  // May a sync start at |now|? |manual|: initiated by a user (not by auto-sync).
  bool CanSync(int64_t now, bool manual) const;
  // The first instant after |now| when CanSync(·, manual) differs from now; nullopt when never (no
  // window, or none ever flips).
  std::optional<int64_t> NextChange(int64_t now, bool manual) const;
  // `argocd app get`'s SyncWindow line: "Sync Allowed", "Sync Denied" or "Manual Allowed".
  std::string Status(int64_t now) const;
  // `argocd app get`'s Assigned Windows line: "deny:0 2 * * *:1h,allow:..."; "" without windows.
  std::string Assigned() const;
};

// The windows of |windows| that select |app|.
AppSyncWindows MatchSyncWindows(const std::string& project, const std::vector<SyncWindow>& windows,
                                const base::Json& app);

// Reads the app's AppProject (spec.project, `default` when empty) from |project_namespace| — the
// control-plane namespace, where projects live — and matches its windows. A project that does not
// exist has no windows here (reporting it is the project checks' job); another read error is
// |error|, so nothing syncs on a guess.
AppSyncWindows LoadAppSyncWindows(kube::Client& client, const base::Json& app, const std::string& project_namespace);

// `argocd app sync`'s window check at |now_unix| for a manual sync of |app|: Ok when it may start;
// kPermissionDenied `cannot sync: blocked by sync window`, or `cannot sync: invalid sync window:
// <error>` when a matching window does not parse.
base::Status CheckManualSync(kube::Client& client, const base::Json& app, const std::string& project_namespace,
                             int64_t now_unix);
base::Status CheckManualSync(kube::Client& client, const base::Json& app, const std::string& project_namespace);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_SYNC_WINDOW_H_
