// Copyright 2026 The capstan Authors.

#include "app/controller_metrics.h"

#include "base/json.h"
#include "base/metrics.h"

namespace capstan::app {

void CountFinishedOperation(const base::Json& app) {
  static base::Counter& syncs = base::DefaultMetrics().AddCounter(
      "capstan_app_sync_total", "Operations run to their end by this controller, by result phase.",
      {"namespace", "name", "phase"});
  syncs.Inc({base::GetStringAt(app, "metadata/namespace"), base::GetStringAt(app, "metadata/name"),
             base::GetStringAt(app, "status/operationState/phase")});
}

ReconcileTimer::~ReconcileTimer() {
  static base::Histogram& reconciles = base::DefaultMetrics().AddHistogram(
      "capstan_app_reconcile_seconds", "Time a status worker took to reconcile an Application, in seconds.", {},
      {0.25, 0.5, 1, 2, 4, 8, 16});
  reconciles.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
}

}  // namespace capstan::app
