// Copyright 2026 The capstan Authors.
//
// Refresh: one reconciliation of an Application without running anything — render its source at
// spec.source.targetRevision, list its live objects, compare, and write status.sync, status.health,
// status.resources and status.reconciledAt (what Argo CD's controller does on a refresh; spec §6.2).
// `capstan app get --refresh` uses it; the Controller issue runs it on a timer and on watch events.
//
// Thread safety: thread-compatible.

#ifndef CAPSTAN_APP_REFRESH_H_
#define CAPSTAN_APP_REFRESH_H_

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

}  // namespace capstan::app

#endif  // CAPSTAN_APP_REFRESH_H_
