// Copyright 2026 The capstan Authors.
//
// Cases after gitops-engine sync_tasks_test.go and sync_context_test.go (ordering, CRD/namespace
// bubbling, unnamed hooks, prune-wave reversal, PruneLast, selective sync, Skip).

#include "sync/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/task_order.h"

namespace capstan::sync {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

base::Json Make(const std::string& api_version, const std::string& kind, const std::string& name,
                const std::string& ns = "ns", std::map<std::string, std::string> annotations = {}) {
  base::Json o = {{"apiVersion", api_version}, {"kind", kind}, {"metadata", base::Json::object()}};
  if (!name.empty()) o["metadata"]["name"] = name;
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  for (const auto& [k, v] : annotations) o["metadata"]["annotations"][k] = v;
  return o;
}

// "Phase/wave/Kind/name" of each task, the plan as a person reads it.
std::vector<std::string> Describe(const Plan& plan) {
  std::vector<std::string> out;
  for (const Task& t : plan.tasks) {
    out.push_back(std::string(core::ToString(t.phase)) + "/" + std::to_string(t.wave) + "/" + t.key.kind + "/" +
                  t.key.name + (t.is_prune() ? "(prune)" : ""));
  }
  return out;
}

Plan MustPlan(const std::vector<base::Json>& targets, const std::vector<base::Json>& live,
              const PlanOptions& opts = {.revision = "abcdef1234567", .started_at_unix = 1700000000,
                                         .destination_namespace = "ns"}) {
  auto plan = BuildPlan(targets, live, opts);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return plan.ok() ? *plan : Plan{};
}

TEST(PlanTest, OrdersByPhaseWaveKindName) {
  Plan plan = MustPlan(
      {Make("apps/v1", "Deployment", "web"), Make("v1", "Service", "web"), Make("v1", "ConfigMap", "b"),
       Make("v1", "ConfigMap", "a"), Make("v1", "ConfigMap", "early", "ns", {{"argocd.argoproj.io/sync-wave", "-1"}}),
       Make("batch/v1", "Job", "migrate", "ns", {{"argocd.argoproj.io/hook", "PreSync"}}),
       Make("batch/v1", "Job", "smoke", "ns", {{"argocd.argoproj.io/hook", "PostSync"}}),
       Make("example.com/v1", "Widget", "w")},
      {});
  EXPECT_THAT(Describe(plan), ElementsAre("PreSync/0/Job/migrate", "Sync/-1/ConfigMap/early", "Sync/0/ConfigMap/a",
                                          "Sync/0/ConfigMap/b", "Sync/0/Service/web", "Sync/0/Deployment/web",
                                          "Sync/0/Widget/w", "PostSync/0/Job/smoke"));
}

TEST(PlanTest, KindRankIgnoresGroupAndPutsUnknownLast) {
  EXPECT_LT(KindRank("Namespace"), KindRank("ConfigMap"));
  EXPECT_LT(KindRank("CustomResourceDefinition"), KindRank("ClusterRole"));
  EXPECT_EQ(KindRank("Widget"), KindRank("Application"));
  EXPECT_GT(KindRank("Widget"), KindRank("APIService"));
}

TEST(PlanTest, NamespaceBubblesBeforeItsFirstUser) {
  // The Namespace is in a later wave than an object in it: it moves in front and takes its wave.
  Plan plan = MustPlan({Make("v1", "ConfigMap", "cm", "other", {{"argocd.argoproj.io/sync-wave", "-5"}}),
                        Make("v1", "Namespace", "other", "", {{"argocd.argoproj.io/sync-wave", "3"}})},
                       {});
  EXPECT_THAT(Describe(plan), ElementsAre("Sync/-5/Namespace/other", "Sync/-5/ConfigMap/cm"));
}

TEST(PlanTest, CrdBubblesBeforeItsCustomResources) {
  base::Json crd = Make("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com", "",
                        {{"argocd.argoproj.io/sync-wave", "2"}});
  crd["spec"] = {{"group", "example.com"}, {"names", {{"kind", "Widget"}}}};
  Plan plan = MustPlan({Make("example.com/v1", "Widget", "w"), crd}, {});
  EXPECT_THAT(Describe(plan), ElementsAre("Sync/0/CustomResourceDefinition/widgets.example.com", "Sync/0/Widget/w"));
}

TEST(PlanTest, UnnamedHooksGetNamesPerPhase) {
  base::Json hook = Make("v1", "Pod", "", "ns", {{"argocd.argoproj.io/hook", "PreSync,PostSync"}});
  hook["metadata"]["generateName"] = "hook-";
  Plan plan = MustPlan({hook}, {});
  ASSERT_EQ(plan.tasks.size(), 2u);
  EXPECT_EQ(plan.tasks[0].key.name, "hook-abcdef1-presync-1700000000");
  EXPECT_EQ(plan.tasks[1].key.name, "hook-abcdef1-postsync-1700000000");
  EXPECT_EQ(GeneratedHookName("x-", "foobar", core::SyncPhase::kPreSync, 5), "x-foobar-presync-5");
  // Every hook carries the hook finalizer.
  EXPECT_EQ(plan.tasks[0].target->at("metadata").at("finalizers"),
            base::Json::array({"argocd.argoproj.io/hook-finalizer"}));
}

TEST(PlanTest, HookWithoutNameOrGenerateNameIsNamedAfterRevisionAndPhase) {
  // Argo CD's TestAutomaticallyNamingUnnamedHook: no metadata.name, no generateName.
  Plan plan = MustPlan({Make("v1", "Pod", "", "ns", {{"argocd.argoproj.io/hook", "PreSync,PostSync"}})}, {});
  ASSERT_EQ(plan.tasks.size(), 2u);
  EXPECT_EQ(plan.tasks[0].key.name, "abcdef1-presync-1700000000");
  EXPECT_EQ(plan.tasks[1].key.name, "abcdef1-postsync-1700000000");
}

TEST(PlanTest, UnnamedResourceIsRejectedBeforeAnythingRuns) {
  base::Json cm = Make("v1", "ConfigMap", "", "ns");
  cm["metadata"]["generateName"] = "cm-";
  auto plan = BuildPlan({cm, Make("v1", "ConfigMap", "ok")}, {}, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_TRUE(plan.status().IsInvalidArgument());
  EXPECT_THAT(plan.status().message(), HasSubstr("ConfigMap ns/: metadata.name is required"));
}

TEST(PlanTest, LiveObjectsNotInGitArePrunedInReverseWaves) {
  // Live SA+Role (wave 0), RoleBinding (1), Pod (2); none in Git: prune pod → rolebinding → SA/Role
  // (TestSyncPruneOrderWithSyncWaves).
  std::vector<base::Json> live = {
      Make("v1", "ServiceAccount", "sa"), Make("rbac.authorization.k8s.io/v1", "Role", "role"),
      Make("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", "ns", {{"argocd.argoproj.io/sync-wave", "1"}}),
      Make("v1", "Pod", "pod", "ns", {{"argocd.argoproj.io/sync-wave", "2"}})};
  Plan plan = MustPlan({}, live);
  EXPECT_THAT(Describe(plan), ElementsAre("Sync/0/Pod/pod(prune)", "Sync/1/RoleBinding/rb(prune)",
                                          "Sync/2/ServiceAccount/sa(prune)", "Sync/2/Role/role(prune)"));
}

TEST(PlanTest, PruneLastMovesPrunesAfterEverything) {
  std::vector<base::Json> live = {Make("v1", "ConfigMap", "old", "ns", {{"argocd.argoproj.io/sync-options", "PruneLast=true"}}),
                                  Make("v1", "ConfigMap", "gone")};
  Plan plan = MustPlan({Make("v1", "ConfigMap", "keep", "ns", {{"argocd.argoproj.io/sync-wave", "4"}})}, live);
  EXPECT_THAT(Describe(plan), ElementsAre("Sync/0/ConfigMap/gone(prune)", "Sync/4/ConfigMap/keep",
                                          "Sync/5/ConfigMap/old(prune)"));
}

TEST(PlanTest, LiveHooksAndSkipAreNeverPlanned) {
  std::vector<base::Json> live = {Make("v1", "Pod", "old-hook", "ns", {{"argocd.argoproj.io/hook", "PreSync"}}),
                                  Make("v1", "ConfigMap", "skipped", "ns", {{"argocd.argoproj.io/hook", "Skip"}})};
  Plan plan = MustPlan({Make("v1", "ConfigMap", "skipped", "ns", {{"argocd.argoproj.io/hook", "Skip"}}),
                        Make("v1", "Pod", "pod")},
                       live);
  EXPECT_THAT(Describe(plan), ElementsAre("Sync/0/Pod/pod"));
}

TEST(PlanTest, SelectiveSyncRunsNoHooks) {
  PlanOptions opts{.resources = {{.group = "", .kind = "Pod", .namespace_ = "", .name = "pod"}}};
  Plan plan = MustPlan({Make("v1", "Pod", "pod"), Make("v1", "Pod", "hook", "ns", {{"argocd.argoproj.io/hook", "Sync"}}),
                        Make("v1", "ConfigMap", "other")},
                       {}, opts);
  EXPECT_THAT(Describe(plan), ElementsAre("Sync/0/Pod/pod"));
}

TEST(PlanTest, NamedHookBindsItsLiveObjectAndResourcesPairWithLive) {
  std::vector<base::Json> live = {Make("v1", "Pod", "hook", "ns", {{"argocd.argoproj.io/hook", "Sync"}}),
                                  Make("v1", "Pod", "pod")};
  Plan plan = MustPlan({Make("v1", "Pod", "hook", "ns", {{"argocd.argoproj.io/hook", "Sync"}}), Make("v1", "Pod", "pod")},
                       live);
  ASSERT_EQ(plan.tasks.size(), 2u);
  for (const Task& t : plan.tasks) EXPECT_NE(t.live, nullptr) << t.key.name;
  EXPECT_TRUE(plan.tasks[0].is_hook);  // "hook" < "pod"
  EXPECT_EQ(plan.tasks[0].ResultKey(), "/Pod/ns/hook:Sync");
}

TEST(PlanTest, WarningsNameObjectAndAnnotation) {
  Plan plan = MustPlan({Make("v1", "ConfigMap", "a", "ns", {{"argocd.argoproj.io/sync-wave", "3"}}),
                        Make("v1", "ConfigMap", "a", "ns", {{"argocd.argoproj.io/sync-wave", "one"}})},
                       {});
  ASSERT_EQ(plan.warnings.size(), 2u);
  EXPECT_THAT(plan.warnings[0].message, HasSubstr("more than once"));
  EXPECT_THAT(plan.warnings[1].message, HasSubstr("argocd.argoproj.io/sync-wave"));
  EXPECT_EQ(plan.tasks.size(), 1u);
  EXPECT_EQ(plan.tasks[0].wave, 0);  // the last occurrence wins
}

TEST(PlanTest, DeletionOnlyHooksAreLeftOut) {
  Plan plan = MustPlan({Make("v1", "Pod", "pre", "ns", {{"argocd.argoproj.io/hook", "PreDelete"}}),
                        Make("v1", "Pod", "both", "ns", {{"argocd.argoproj.io/hook", "PreSync,PostDelete"}})},
                       {});
  EXPECT_THAT(Describe(plan), ElementsAre("PreSync/0/Pod/both"));
}

}  // namespace
}  // namespace capstan::sync
