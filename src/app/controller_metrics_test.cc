// Copyright 2026 The capstan Authors.

#include "app/controller_metrics.h"

#include <gtest/gtest.h>

#include "base/json.h"
#include "base/metrics.h"

namespace capstan::app {
namespace {

TEST(ControllerMetricsTest, FinishedOperationCountsByNamespaceNameAndPhase) {
  base::Counter& syncs = base::DefaultMetrics().AddCounter("capstan_app_sync_total", "", {"namespace", "name", "phase"});
  double before = syncs.Value({"capstan", "metrics-app", "Failed"});
  CountFinishedOperation(base::Json::parse(
      R"({"metadata":{"namespace":"capstan","name":"metrics-app"},"status":{"operationState":{"phase":"Failed"}}})"));
  EXPECT_EQ(syncs.Value({"capstan", "metrics-app", "Failed"}), before + 1);
  EXPECT_EQ(syncs.Value({"capstan", "metrics-app", "Succeeded"}), 0);
  EXPECT_NE(base::DefaultMetrics().Render().find(
                "capstan_app_sync_total{namespace=\"capstan\",name=\"metrics-app\",phase=\"Failed\"} "),
            std::string::npos);
}

TEST(ControllerMetricsTest, ReconcileTimerObservesOnce) {
  { ReconcileTimer first; }  // registers the family with its buckets
  base::Histogram& h = base::DefaultMetrics().AddHistogram("capstan_app_reconcile_seconds", "", {}, {});
  uint64_t before = h.Count();
  { ReconcileTimer timer; }
  EXPECT_EQ(h.Count(), before + 1);
  EXPECT_NE(base::DefaultMetrics().Render().find("capstan_app_reconcile_seconds_bucket{le=\"16\"} "), std::string::npos);
}

}  // namespace
}  // namespace capstan::app
