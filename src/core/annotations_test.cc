// Copyright 2026 The capstan Authors.
//
// Cases mirror gitops-engine's hook/hook_test.go, syncwaves/waves_test.go, hook/delete_policy_test.go
// and hook/helm/*_test.go.

#include "core/annotations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/json.h"

namespace capstan::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

base::Json Obj(std::initializer_list<std::pair<const std::string, std::string>> annotations) {
  base::Json obj = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "p"}}}};
  for (const auto& [k, v] : annotations) obj["metadata"]["annotations"][k] = v;
  return obj;
}

TEST(OptionListTest, TrimsDropsEmptyAndDuplicates) {
  OptionList l = OptionList::Parse(" Prune=false, ,Replace=true,Prune=false ,");
  EXPECT_THAT(l.items(), ElementsAre("Prune=false", "Replace=true"));
  EXPECT_TRUE(l.Has("Replace=true"));
  EXPECT_FALSE(l.Has("replace=true"));  // case-sensitive
  EXPECT_EQ(l.Value("Prune"), "false");
  EXPECT_EQ(l.Value("Pru"), std::nullopt);
}

TEST(AnnotationsTest, PlainResourceIsSyncPhaseWaveZero) {
  SyncAnnotations a = ParseSyncAnnotations(Obj({}));
  EXPECT_FALSE(a.is_hook);
  EXPECT_THAT(a.phases, ElementsAre(SyncPhase::kSync));
  EXPECT_EQ(a.wave, 0);
  EXPECT_THAT(a.delete_policies, ElementsAre(HookDeletePolicy::kBeforeHookCreation));
  EXPECT_THAT(a.warnings, IsEmpty());
}

TEST(AnnotationsTest, MultiPhaseHookInPhaseOrder) {
  SyncAnnotations a = ParseSyncAnnotations(Obj({{"argocd.argoproj.io/hook", "PostSync, PreSync"}}));
  EXPECT_TRUE(a.is_hook);
  EXPECT_THAT(a.phases, ElementsAre(SyncPhase::kPreSync, SyncPhase::kPostSync));
}

TEST(AnnotationsTest, SkipOnlyWhenAlone) {
  EXPECT_TRUE(ParseSyncAnnotations(Obj({{"argocd.argoproj.io/hook", "Skip"}})).skip);
  // Garbage items are dropped before counting: Skip,Garbage is Skip.
  SyncAnnotations garbage = ParseSyncAnnotations(Obj({{"argocd.argoproj.io/hook", "Skip,Garbage"}}));
  EXPECT_TRUE(garbage.skip);
  EXPECT_FALSE(garbage.is_hook);
  EXPECT_THAT(garbage.phases, IsEmpty());
  ASSERT_EQ(garbage.warnings.size(), 1u);
  EXPECT_THAT(garbage.warnings[0].message, HasSubstr("\"Garbage\""));
  SyncAnnotations presync = ParseSyncAnnotations(Obj({{"argocd.argoproj.io/hook", "Skip,PreSync"}}));
  EXPECT_FALSE(presync.skip);
  EXPECT_TRUE(presync.is_hook);
  EXPECT_THAT(presync.phases, ElementsAre(SyncPhase::kPreSync));
}

TEST(AnnotationsTest, GarbageOrEmptyHookIsIgnoredHookWithWarning) {
  for (const char* v : {"Foo", ""}) {
    SyncAnnotations a = ParseSyncAnnotations(Obj({{"argocd.argoproj.io/hook", v}}));
    EXPECT_TRUE(a.is_hook) << v;
    EXPECT_TRUE(a.ignore) << v;
    EXPECT_THAT(a.phases, IsEmpty());
    ASSERT_FALSE(a.warnings.empty()) << v;
    EXPECT_EQ(a.warnings[0].annotation, "argocd.argoproj.io/hook");
  }
}

TEST(AnnotationsTest, DeletionHooks) {
  SyncAnnotations pre = ParseSyncAnnotations(Obj({{"argocd.argoproj.io/hook", "PreDelete"}}));
  EXPECT_TRUE(pre.pre_delete);
  EXPECT_TRUE(pre.ignore);
  EXPECT_TRUE(pre.DeletionHookOnly());
  EXPECT_THAT(pre.warnings, IsEmpty());
  SyncAnnotations both = ParseSyncAnnotations(Obj({{"argocd.argoproj.io/hook", "PreSync,PostDelete"}}));
  EXPECT_TRUE(both.post_delete);
  EXPECT_FALSE(both.DeletionHookOnly());
  EXPECT_THAT(both.phases, ElementsAre(SyncPhase::kPreSync));
  SyncAnnotations helm = ParseSyncAnnotations(Obj({{"helm.sh/hook", "pre-delete"}}));
  EXPECT_TRUE(helm.pre_delete);
  EXPECT_TRUE(helm.DeletionHookOnly());
}

TEST(AnnotationsTest, HelmHooksMapOnlyWithoutValidArgoType) {
  SyncAnnotations helm = ParseSyncAnnotations(Obj({{"helm.sh/hook", "pre-install,pre-upgrade"}}));
  EXPECT_TRUE(helm.is_hook);
  EXPECT_THAT(helm.phases, ElementsAre(SyncPhase::kPreSync));  // collapses into one task
  SyncAnnotations post = ParseSyncAnnotations(Obj({{"helm.sh/hook", "post-upgrade"}}));
  EXPECT_THAT(post.phases, ElementsAre(SyncPhase::kPostSync));
  // One valid Argo value disables the Helm mapping.
  SyncAnnotations dual =
      ParseSyncAnnotations(Obj({{"argocd.argoproj.io/hook", "Sync"}, {"helm.sh/hook", "pre-install"}}));
  EXPECT_THAT(dual.phases, ElementsAre(SyncPhase::kSync));
  // crd-install is not a hook.
  SyncAnnotations crd = ParseSyncAnnotations(Obj({{"helm.sh/hook", "crd-install"}}));
  EXPECT_FALSE(crd.is_hook);
  EXPECT_THAT(crd.phases, ElementsAre(SyncPhase::kSync));
  // Unsupported Helm hooks make an ignored hook, with a warning.
  SyncAnnotations test = ParseSyncAnnotations(Obj({{"helm.sh/hook", "test"}}));
  EXPECT_TRUE(test.ignore);
  ASSERT_FALSE(test.warnings.empty());
  EXPECT_EQ(test.warnings[0].annotation, "helm.sh/hook");
}

TEST(AnnotationsTest, DeletePoliciesCombineArgoAndHelm) {
  SyncAnnotations a = ParseSyncAnnotations(Obj({{"argocd.argoproj.io/hook-delete-policy", "HookSucceeded"},
                                                {"helm.sh/hook-delete-policy", "hook-failed"}}));
  EXPECT_THAT(a.delete_policies, ElementsAre(HookDeletePolicy::kHookSucceeded, HookDeletePolicy::kHookFailed));
  SyncAnnotations garbage = ParseSyncAnnotations(Obj({{"argocd.argoproj.io/hook-delete-policy", "Sometimes"}}));
  EXPECT_THAT(garbage.delete_policies, ElementsAre(HookDeletePolicy::kBeforeHookCreation));
  EXPECT_EQ(garbage.warnings.size(), 1u);
}

TEST(AnnotationsTest, WaveFallsBackToHelmWeightThenZero) {
  EXPECT_EQ(ParseSyncAnnotations(Obj({{"argocd.argoproj.io/sync-wave", "-3"}})).wave, -3);
  EXPECT_EQ(ParseSyncAnnotations(Obj({{"argocd.argoproj.io/sync-wave", "+7"}})).wave, 7);
  EXPECT_EQ(ParseSyncAnnotations(Obj({{"helm.sh/hook-weight", "5"}})).wave, 5);
  SyncAnnotations bad =
      ParseSyncAnnotations(Obj({{"argocd.argoproj.io/sync-wave", "5x"}, {"helm.sh/hook-weight", "2"}}));
  EXPECT_EQ(bad.wave, 2);
  ASSERT_EQ(bad.warnings.size(), 1u);
  EXPECT_THAT(bad.warnings[0].message, HasSubstr("\"5x\" is not an integer; wave 2 from helm.sh/hook-weight"));
  EXPECT_EQ(ParseSyncAnnotations(Obj({{"argocd.argoproj.io/sync-wave", " 1"}})).wave, 0);  // Atoi: no spaces
}

TEST(AnnotationsTest, SyncOptionsKnownUnknownAndAppLevel) {
  SyncAnnotations a = ParseSyncAnnotations(
      Obj({{"argocd.argoproj.io/sync-options", "Prune=false,CreateNamespace=true,Prnue=false"}}));
  EXPECT_TRUE(a.sync_options.Has("Prune=false"));
  ASSERT_EQ(a.warnings.size(), 2u);
  EXPECT_THAT(a.warnings[0].message, HasSubstr("only in the Application"));
  EXPECT_THAT(a.warnings[1].message, HasSubstr("unknown sync option \"Prnue=false\""));
}

TEST(ParseGoIntTest, MatchesStrconvAtoi) {
  EXPECT_EQ(ParseGoInt("0"), 0);
  EXPECT_EQ(ParseGoInt("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseGoInt("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseGoInt("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseGoInt(""), std::nullopt);
  EXPECT_EQ(ParseGoInt("-"), std::nullopt);
  EXPECT_EQ(ParseGoInt("1.0"), std::nullopt);
  EXPECT_EQ(ParseGoInt("0x10"), std::nullopt);
}

TEST(SyncTypesTest, RoundTripNames) {
  EXPECT_EQ(ToString(ResultCode::kPruneSkipped), "PruneSkipped");
  EXPECT_EQ(ParseOperationPhase("Terminating"), OperationPhase::kTerminating);
  EXPECT_EQ(ParseHookType("presync"), std::nullopt);
  EXPECT_TRUE(IsCompleted(OperationPhase::kError));
  EXPECT_FALSE(IsCompleted(OperationPhase::kRunning));
}

}  // namespace
}  // namespace capstan::core

namespace capstan::core {
namespace {

TEST(SelfTrackedInstanceTest, TheIdMustNameTheObjectItself) {
  base::Json deploy = base::Json::parse(
      R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "ns"}})");
  EXPECT_EQ(SelfTrackedInstance(deploy, "guestbook:apps/Deployment:ns/web"), "guestbook");
  // A ReplicaSet carrying its Deployment's copied id is not managed.
  base::Json rs = base::Json::parse(
      R"({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-5d8f", "namespace": "ns"}})");
  EXPECT_EQ(SelfTrackedInstance(rs, "guestbook:apps/Deployment:ns/web"), "");
  // Cluster-scoped objects carry the destination namespace in their id.
  base::Json role = base::Json::parse(
      R"({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}})");
  EXPECT_EQ(SelfTrackedInstance(role, "ns_app:rbac.authorization.k8s.io/ClusterRole:dest/r"), "ns_app");
  // A hook made from a generateName target: no name in the id.
  base::Json hook = base::Json::parse(
      R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "3a6b1c6-presync-17", "namespace": "ns"}})");
  EXPECT_EQ(SelfTrackedInstance(hook, "app:/Pod:ns/"), "app");
  EXPECT_EQ(SelfTrackedInstance(hook, "app:/Pod:other/"), "");
  EXPECT_EQ(SelfTrackedInstance(deploy, "no-colons"), "");
}

}  // namespace
}  // namespace capstan::core
