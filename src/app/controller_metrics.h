// Copyright 2026 The capstan Authors.
//
// The controller's metrics in base::DefaultMetrics() (names after Argo CD's app-controller metrics,
// argocd_app_sync_total and argocd_app_reconcile):
//   - capstan_app_sync_total{namespace,name,phase}: operations run to their end by this process, by
//     result phase (Succeeded, Failed, Error);
//   - capstan_app_reconcile_seconds: a histogram of status workers' reconciles (Argo CD's buckets
//     0.25 … 16 s).
// The gauges read from live objects (queue depths, the cluster cache's size) are registered where
// those objects live (cli/commands/controller.cc, cli/metrics_server.h).
//
// Thread safety: safe from any thread.

#ifndef CAPSTAN_APP_CONTROLLER_METRICS_H_
#define CAPSTAN_APP_CONTROLLER_METRICS_H_

#include <chrono>

#include "base/json_fwd.h"

namespace capstan::app {

// Counts the operation that just ended on |app| (an Application with status.operationState).
void CountFinishedOperation(const base::Json& app);

// Observes the time from its construction to its destruction in capstan_app_reconcile_seconds.
class ReconcileTimer {
 public:
  ReconcileTimer() : start_(std::chrono::steady_clock::now()) {}
  ~ReconcileTimer();
  ReconcileTimer(const ReconcileTimer&) = delete;
  ReconcileTimer& operator=(const ReconcileTimer&) = delete;

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_CONTROLLER_METRICS_H_
