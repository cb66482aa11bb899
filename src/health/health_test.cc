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

INSTANTIATE_TEST_SUITE_P(
    NetworkAndStorage, FixtureTest,
    ::testing::Values(Case{"ingress-pending.yaml", HealthCode::kProgressing, ""},
                      Case{"ingress-extensions-healthy.yaml", HealthCode::kHealthy, ""},
                      Case{"service-loadbalancer-ready.yaml", HealthCode::kHealthy, ""},
                      Case{"service-clusterip.yaml", HealthCode::kHealthy, ""},
                      Case{"pvc-pending.yaml", HealthCode::kProgressing, ""},
                      Case{"pvc-lost.yaml", HealthCode::kDegraded, ""},
                      Case{"pvc-no-status.yaml", HealthCode::kUnknown, ""}));

INSTANTIATE_TEST_SUITE_P(
    Autoscaling, FixtureTest,
    ::testing::Values(
        Case{"hpa-v1-no-annotation.yaml", HealthCode::kProgressing, "Waiting to Autoscale"},
        Case{"hpa-v1-empty-conditions.yaml", HealthCode::kProgressing, "Waiting to Autoscale"},
        Case{"hpa-v1-healthy.yaml", HealthCode::kHealthy, "the HPA controller was able to get the target's current scale"},
        Case{"hpa-v1-degraded.yaml", HealthCode::kDegraded, "deployments/scale.apps \"web\" not found"},
        Case{"hpa-v2-degraded.yaml", HealthCode::kDegraded,
             "the HPA was unable to compute the replica count: missing request for cpu"},
        Case{"hpa-v2beta2-healthy.yaml", HealthCode::kHealthy,
             "the desired replica count is less than the minimum replica count"},
        Case{"hpa-v2-progressing.yaml", HealthCode::kProgressing, "Waiting to Autoscale"},
        Case{"hpa-unsupported-version.yaml", HealthCode::kUnknown,
             "unsupported HPA GVK: autoscaling/v3, Kind=HorizontalPodAutoscaler"}));

INSTANTIATE_TEST_SUITE_P(
    ApiServiceAndWorkflow, FixtureTest,
    ::testing::Values(
        Case{"apiservice-available.yaml", HealthCode::kHealthy, "Passed: all checks passed"},
        Case{"apiservice-unavailable.yaml", HealthCode::kProgressing,
             "MissingEndpoints: endpoints for service/metrics-server in \"kube-system\" have no addresses"},
        Case{"apiservice-no-status.yaml", HealthCode::kProgressing, "Waiting to be processed"},
        Case{"workflow-no-status.yaml", HealthCode::kProgressing, ""},
        Case{"workflow-running.yaml", HealthCode::kProgressing, ""},
        Case{"workflow-succeeded.yaml", HealthCode::kHealthy, ""},
        Case{"workflow-failed.yaml", HealthCode::kDegraded, "child 'build-123' failed"},
        Case{"workflow-error.yaml", HealthCode::kDegraded, "invalid spec"},
        Case{"workflow-odd-phase.yaml", HealthCode::kUnknown, "odd"}));

// The kinds Argo CD checks with built-in Lua scripts (resource_customizations), ported to C++.
INSTANTIATE_TEST_SUITE_P(
    BuiltInLuaPorts, FixtureTest,
    ::testing::Values(
        Case{"cronjob-suspended.yaml", HealthCode::kHealthy, "CronJob is Suspended"},
        Case{"cronjob-no-status.yaml", HealthCode::kProgressing, "Waiting for CronJob"},
        Case{"cronjob-never-scheduled.yaml", HealthCode::kHealthy, "CronJob has not been scheduled yet"},
        Case{"cronjob-never-succeeded.yaml", HealthCode::kHealthy,
             "The CronJob never completed successfully. It may not be healthy"},
        Case{"cronjob-active.yaml", HealthCode::kHealthy,
             "The job is running. Its last execution may not have been successful"},
        Case{"cronjob-degraded.yaml", HealthCode::kDegraded, "CronJob has not completed its last execution successfully"},
        Case{"cronjob-healthy.yaml", HealthCode::kHealthy, "CronJob has completed its last execution successfully"},
        Case{"pdb-no-status.yaml", HealthCode::kProgressing, "Waiting for status"},
        Case{"pdb-sufficient.yaml", HealthCode::kHealthy, "PodDisruptionBudget has SufficientPods"},
        Case{"pdb-insufficient.yaml", HealthCode::kHealthy, "PodDisruptionBudget has InsufficientPods"},
        Case{"pdb-sync-failed.yaml", HealthCode::kDegraded, "PodDisruptionBudget has SyncFailed"},
        Case{"crd-healthy.yaml", HealthCode::kHealthy, "CRD is healthy"},
        Case{"crd-no-conditions.yaml", HealthCode::kProgressing, "Status conditions not found"},
        Case{"crd-names-not-accepted.yaml", HealthCode::kDegraded,
             "CRD names have not been accepted: \"WidgetList\" is already in use"},
        Case{"crd-not-established.yaml", HealthCode::kDegraded, "CRD is not established"},
        Case{"crd-terminating-condition.yaml", HealthCode::kProgressing,
             "CRD is terminating: CustomResource deletion is in progress"},
        Case{"crd-non-structural.yaml", HealthCode::kDegraded,
             "Schema violations found: spec.versions[0].schema.openAPIV3Schema.type: Required value: must not be empty "
             "at the root"}));

TEST(HealthTest, HpaV1UnreadableConditionsAnnotationIsUnknown) {
  std::optional<HealthStatus> h = Assess(Load("hpa-v1-bad-annotation.yaml"));
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->code, HealthCode::kUnknown);
  EXPECT_EQ(h->message.rfind("failed to convert conditions annotation to typed: ", 0), 0u) << h->message;
}

TEST(HealthTest, BuiltInLuaPortsFailLikeTheScriptOnMissingFields) {
  auto pdb = base::Json::parse(
      R"({"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"a"},"status":{"conditions":[{"type":"DisruptionAllowed","status":"True"}]}})");
  EXPECT_EQ(Assess(pdb)->code, HealthCode::kUnknown);
  auto crd = base::Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"a"}})");
  EXPECT_EQ(Assess(crd)->code, HealthCode::kUnknown);
}

TEST(HealthTest, KindsWithoutCheckHaveNoHealth) {
  for (const char* doc : {R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}})",
                          R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"status":{"phase":"Active"}})",
                          R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a"}})",
                          // A CR with a Ready condition still has no health: no generic fallback (§5.2).
                          R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a"},"status":{"conditions":[{"type":"Ready","status":"False"}]}})",
                          // argoproj.io Application: no health since Argo CD v1.8.
                          R"({"apiVersion":"argoproj.io/v1alpha1","kind":"Application","metadata":{"name":"a"},"status":{"health":{"status":"Degraded"}}})"}) {
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
