// Copyright 2026 The capstan Authors.
//
// Refresh: one reconciliation of an Application without running anything — render its source at
// spec.source.targetRevision, list its live objects, compare, and write status.sync, status.health,
// status.resources and status.reconciledAt (what Argo CD's controller does on a refresh; spec §6.2).
// `capstan app get --refresh` uses it when no controller runs; the controller runs it on a timer, on
// watch events and when asked (RequestControllerRefresh: the `argocd.argoproj.io/refresh` annotation).
//
// Thread safety: thread-compatible.

#ifndef CAPSTAN_APP_REFRESH_H_
#define CAPSTAN_APP_REFRESH_H_

#include <chrono>
#include <string>

#include "app/application.h"
#include "app/live_state.h"
#include "base/json.h"
#include "base/result.h"
#include "health/health.h"
#include "kube/client.h"
#include "source/render/render.h"

namespace capstan::app {

struct RefreshOptions {
  source::RenderOptions render;  // cache dir, credentials, control-plane namespace
  health::HealthOverride* health_override = nullptr;
  LiveSource* live = nullptr;  // where live objects come from; null = list them from the API server
};

// Refreshes |ref| and returns the Application as stored after the write. A render failure is
// written as status.sync.status Unknown with a ComparisonError condition and also returned.
base::Result<base::Json> Refresh(kube::Client& client, const AppRef& ref, const RefreshOptions& opts);

// Asks the running controller to refresh |ref|, as `argocd app get --refresh` does: sets the
// annotation argocd.argoproj.io/refresh ("normal") and waits until the controller has refreshed and
// removed it, at most |timeout|. Returns the Application then. kTimeout naming the app when
// the annotation is still there at the deadline; kNotFound when the Application is gone.
base::Result<base::Json> RequestControllerRefresh(kube::Client& client, const AppRef& ref,
                                                  std::chrono::milliseconds timeout);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_REFRESH_H_
