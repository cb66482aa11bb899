// Copyright 2026 The capstan Authors.

#include "base/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace capstan::base {
namespace {

TEST(MetricsTest, CounterWithLabelsRendersHelpTypeAndOneLinePerTuple) {
  Metrics m;
  Counter& c = m.AddCounter("capstan_app_sync_total", "Operations run to their end.", {"namespace", "name", "phase"});
  c.Inc({"capstan", "guestbook", "Succeeded"});
  c.Inc({"capstan", "guestbook", "Succeeded"});
  c.Inc({"capstan", "broken", "Failed"});
  EXPECT_EQ(m.Render(),
            "# HELP capstan_app_sync_total Operations run to their end.\n"
            "# TYPE capstan_app_sync_total counter\n"
            "capstan_app_sync_total{namespace=\"capstan\",name=\"broken\",phase=\"Failed\"} 1\n"
            "capstan_app_sync_total{namespace=\"capstan\",name=\"guestbook\",phase=\"Succeeded\"} 2\n");
  EXPECT_EQ(c.Value({"capstan", "guestbook", "Succeeded"}), 2);
  EXPECT_EQ(c.Value({"capstan", "other", "Succeeded"}), 0);
}

TEST(MetricsTest, AddCounterTwiceReturnsTheSameFamily) {
  Metrics m;
  Counter& a = m.AddCounter("requests_total", "Requests.", {"code"});
  Counter& b = m.AddCounter("requests_total", "ignored", {"ignored"});
  EXPECT_EQ(&a, &b);
  a.Inc({"200"}, 3);
  EXPECT_EQ(b.Value({"200"}), 3);
}

TEST(MetricsTest, UnlabelledCounterHasNoBraces) {
  Metrics m;
  m.AddCounter("ticks_total", "Ticks.").Inc({}, 2.5);
  EXPECT_EQ(m.Render(), "# HELP ticks_total Ticks.\n# TYPE ticks_total counter\nticks_total 2.5\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Metrics m;
  Histogram& h = m.AddHistogram("capstan_app_reconcile_seconds", "Reconcile time.", {}, {0.25, 0.5, 1, 2});
  h.Observe(0.1);
  h.Observe(0.5);  // on a bound: counts in that bucket (le is "less or equal")
  h.Observe(1.5);
  h.Observe(30);
  EXPECT_EQ(m.Render(),
            "# HELP capstan_app_reconcile_seconds Reconcile time.\n"
            "# TYPE capstan_app_reconcile_seconds histogram\n"
            "capstan_app_reconcile_seconds_bucket{le=\"0.25\"} 1\n"
            "capstan_app_reconcile_seconds_bucket{le=\"0.5\"} 2\n"
            "capstan_app_reconcile_seconds_bucket{le=\"1\"} 2\n"
            "capstan_app_reconcile_seconds_bucket{le=\"2\"} 3\n"
            "capstan_app_reconcile_seconds_bucket{le=\"+Inf\"} 4\n"
            "capstan_app_reconcile_seconds_sum 32.1\n"
            "capstan_app_reconcile_seconds_count 4\n");
  EXPECT_EQ(h.Count(), 4u);
}

TEST(MetricsTest, HistogramLabelsComeBeforeLe) {
  Metrics m;
  m.AddHistogram("d", "D.", {"queue"}, {1}).Observe(2, {"status"});
  EXPECT_EQ(m.Render(),
            "# HELP d D.\n# TYPE d histogram\n"
            "d_bucket{queue=\"status\",le=\"1\"} 0\n"
            "d_bucket{queue=\"status\",le=\"+Inf\"} 1\n"
            "d_sum{queue=\"status\"} 2\n"
            "d_count{queue=\"status\"} 1\n");
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  Metrics m;
  m.AddCounter("x_total", "Back\\slash and\nnewline.", {"v"}).Inc({"a\"b\\c\nd"});
  EXPECT_EQ(m.Render(),
            "# HELP x_total Back\\\\slash and\\nnewline.\n"
            "# TYPE x_total counter\n"
            "x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
  EXPECT_EQ(EscapeLabelValue("plain-1.2"), "plain-1.2");
}

TEST(MetricsTest, GaugesAreReadAtRenderAndFamiliesSortByName) {
  Metrics m;
  int depth = 3;
  m.SetGauge("capstan_workqueue_depth", "Keys waiting.", {"queue"}, [&depth] {
    return std::vector<GaugeSample>{{{"operation"}, 0}, {{"status"}, static_cast<double>(depth)}};
  });
  m.SetGauge("capstan_cluster_cache_objects", "Objects cached.", [] { return 42.0; });
  depth = 7;
  EXPECT_EQ(m.Render(),
            "# HELP capstan_cluster_cache_objects Objects cached.\n"
            "# TYPE capstan_cluster_cache_objects gauge\n"
            "capstan_cluster_cache_objects 42\n"
            "# HELP capstan_workqueue_depth Keys waiting.\n"
            "# TYPE capstan_workqueue_depth gauge\n"
            "capstan_workqueue_depth{queue=\"operation\"} 0\n"
            "capstan_workqueue_depth{queue=\"status\"} 7\n");
  m.RemoveGauge("capstan_workqueue_depth");
  m.RemoveGauge("capstan_cluster_cache_objects");
  EXPECT_EQ(m.Render(), "");
}

TEST(MetricsTest, MissingLabelValuesAreEmptyAndExtraOnesDropped) {
  Metrics m;
  Counter& c = m.AddCounter("c_total", "C.", {"verb", "code"});
  c.Inc({"get"});
  c.Inc({"get", "", "surplus"});
  EXPECT_EQ(c.Value({"get", ""}), 2);
  EXPECT_NE(m.Render().find("c_total{verb=\"get\",code=\"\"} 2\n"), std::string::npos);
}

TEST(MetricsTest, ConcurrentIncrementsAllCount) {
  Metrics m;
  Counter& c = m.AddCounter("n_total", "N.", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&c] {
      for (int i = 0; i < 1000; ++i) c.Inc({"x"});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value({"x"}), 4000);
}

TEST(MetricsTest, DefaultMetricsIsOneRegistry) {
  EXPECT_EQ(&DefaultMetrics(), &DefaultMetrics());
}

}  // namespace
}  // namespace capstan::base
