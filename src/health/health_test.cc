// Copyright 2026 The capstan Authors.
//
// Fixture-driven: testdata/<kind>-<state>.yaml, each with the health a user would expect.

#include "health/health.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "base/json.h"
#include "base/yaml.h"

namespace capstan::health {
namespace {

base::Json Load(const std::string& name) {
  std::string path = std::string(CAPSTAN_HEALTH_TESTDATA) + "/" + name;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto obj = base::ParseYaml(text.str(), path);
  EXPECT_TRUE(obj.ok()) << obj.status().ToString();
  return obj.ok() ? *obj : base::Json();
}

struct Case {
  const char* fixture;
  HealthCode code;
  const char* message;
};

class FixtureTest : public ::testing::TestWithParam<Case> {};

TEST_P(FixtureTest, Assess) {
  const Case& c = GetParam();
  std::optional<HealthStatus> h = Assess(Load(c.fixture));
  ASSERT_TRUE(h.has_value()) << c.fixture;
  EXPECT_EQ(ToString(h->code), ToString(c.code)) << c.fixture;
  EXPECT_EQ(h->message, c.message) << c.fixture;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, FixtureTest,
    ::testing::Values(
        Case{"pod-running-ready.yaml", HealthCode::kHealthy, ""},
        Case{"pod-imagepullbackoff.yaml", HealthCode::kDegraded, "Back-off pulling image \"nope\""},
        Case{"pod-hook-imagepullbackoff.yaml", HealthCode::kProgressing, ""},
        Case{"pod-failed-exit1.yaml", HealthCode::kDegraded, "container \"main\" failed with exit code 1"},
        Case{"pod-succeeded.yaml", HealthCode::kHealthy, ""},
        Case{"pod-running-never.yaml", HealthCode::kProgressing, ""},
        Case{"pod-crashloop-restarted.yaml", HealthCode::kDegraded, ""},
        Case{"job-complete.yaml", HealthCode::kHealthy, ""},
        Case{"job-failed.yaml", HealthCode::kDegraded, "Job has reached the specified backoff limit"},
        Case{"job-running.yaml", HealthCode::kProgressing, ""},
        Case{"deployment-healthy.yaml", HealthCode::kHealthy, ""},
        Case{"deployment-stale-status.yaml", HealthCode::kProgressing,
             "Waiting for rollout to finish: observed deployment generation less than desired generation"},
        Case{"deployment-old-replicas.yaml", HealthCode::kProgressing,
             "Waiting for rollout to finish: 1 old replicas are pending termination..."},
        Case{"deployment-degraded.yaml", HealthCode::kDegraded, "Deployment \"web\" exceeded its progress deadline"},
        Case{"deployment-paused.yaml", HealthCode::kSuspended, "Deployment is paused"},
        Case{"replicaset-progressing.yaml", HealthCode::kProgressing,
             "Waiting for rollout to finish: 1 out of 2 new replicas are available..."},
        Case{"statefulset-partition-pending.yaml", HealthCode::kProgressing,
             "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated..."},
        Case{"daemonset-rolling.yaml", HealthCode::kProgressing,
             "Waiting for daemon set \"agent\" rollout to finish: 1 out of 2 new pods have been updated..."},
        Case{"service-loadbalancer-pending.yaml", HealthCode::kProgressing, ""},
        Case{"pvc-bound.yaml", HealthCode::kHealthy, ""},
        Case{"configmap-deleting.yaml", HealthCode::kProgressing, "Pending deletion"},
        Case{"job-hook-deleting.yaml", HealthCode::kHealthy, ""}));

TEST(HealthTest, KindsWithoutCheckHaveNoHealth) {
  for (const char* doc : {R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}})",
                          R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"status":{"phase":"Active"}})",
                          R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a"}})"}) {
    EXPECT_FALSE(Assess(base::Json::parse(doc)).has_value()) << doc;
  }
}

TEST(HealthTest, OrderAndNames) {
  EXPECT_TRUE(IsWorse(HealthCode::kDegraded, HealthCode::kMissing));
  EXPECT_TRUE(IsWorse(HealthCode::kUnknown, HealthCode::kDegraded));
  EXPECT_FALSE(IsWorse(HealthCode::kHealthy, HealthCode::kSuspended));
  EXPECT_EQ(ParseHealthCode("Progressing"), HealthCode::kProgressing);
  EXPECT_EQ(ParseHealthCode("progressing"), std::nullopt);
}

TEST(HealthTest, FreshnessFollowsObservedGeneration) {
  EXPECT_TRUE(IsFresh(Load("deployment-healthy.yaml")));
  EXPECT_FALSE(IsFresh(Load("deployment-stale-status.yaml")));
  // A workload whose controller has not written status at all is not fresh.
  EXPECT_FALSE(IsFresh(base::Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":1}})")));
  // Kinds without observedGeneration (ConfigMap) are always fresh.
  EXPECT_TRUE(IsFresh(base::Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}})")));
}

class FakeOverride : public HealthOverride {
 public:
  std::optional<HealthStatus> Assess(const base::Json& obj) override {
    if (base::GetString(obj, "kind") != "ConfigMap") return std::nullopt;
    return HealthStatus{HealthCode::kDegraded, "from script"};
  }
};

TEST(HealthTest, OverrideComesBeforeBuiltIn) {
  FakeOverride o;
  auto cm = base::Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}})");
  EXPECT_EQ(Assess(cm, &o), (HealthStatus{HealthCode::kDegraded, "from script"}));
  EXPECT_EQ(Assess(Load("pvc-bound.yaml"), &o)->code, HealthCode::kHealthy);
}

}  // namespace
}  // namespace capstan::health
