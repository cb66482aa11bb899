// Copyright 2026 The capstan Authors.
//
// The engine against the in-memory FakeClient, scenario by scenario, after Argo CD's e2e hook and
// wave tests (spec/argo-e2e-contract.md §A) and gitops-engine's sync_context_test.go. The test plays
// the kubelet: it moves hook pods to Succeeded or Failed between steps.

#include "sync/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/fake_client.h"

namespace capstan::sync {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr int64_t kStart = 1700000000;

base::Json Obj(const std::string& api_version, const std::string& kind, const std::string& name,
               std::map<std::string, std::string> annotations = {}) {
  base::Json o = {{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", name}, {"namespace", "ns"}}}};
  for (const auto& [k, v] : annotations) o["metadata"]["annotations"][k] = v;
  if (kind == "Pod") o["spec"] = {{"restartPolicy", "Never"}, {"containers", {{{"name", "main"}, {"image", "busybox"}}}}};
  if (kind == "Deployment") {
    o["spec"] = {{"replicas", 1},
                 {"selector", {{"matchLabels", {{"app", name}}}}},
                 {"template", {{"metadata", {{"labels", {{"app", name}}}}},
                               {"spec", {{"containers", {{{"name", "main"}, {"image", "nginx"}}}}}}}}};
  }
  return o;
}

base::Json Hook(const std::string& name, const std::string& type, std::map<std::string, std::string> more = {}) {
  more["argocd.argoproj.io/hook"] = type;
  return Obj("v1", "Pod", name, more);
}

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : engine_(fake_) {
    state_.started_at_unix = kStart;
    state_.revision = "abcdef1234567890";
    in_.plan = {.revision = state_.revision, .started_at_unix = kStart, .destination_namespace = "ns"};
  }

  // The app's live objects: everything of the kinds these tests use, in namespace ns.
  std::vector<base::Json> Live() {
    std::vector<base::Json> out;
    for (core::Gvk gvk : {core::Gvk{"", "v1", "ConfigMap"}, core::Gvk{"", "v1", "Pod"},
                          core::Gvk{"apps", "v1", "Deployment"}, core::Gvk{"batch", "v1", "Job"}}) {
      auto list = fake_.List(gvk, "ns", {});
      EXPECT_TRUE(list.ok()) << list.status().ToString();
      if (list.ok()) out.insert(out.end(), list->items.begin(), list->items.end());
    }
    return out;
  }

  // One engine step, then the "kubelet" starts every new pod (phase Running), as a real node would.
  void Step() {
    in_.live = Live();
    state_ = engine_.Step(in_, state_);
    auto pods = fake_.List({"", "v1", "Pod"}, "ns", {});
    ASSERT_TRUE(pods.ok());
    for (const base::Json& p : pods->items) {
      std::string phase = base::GetStringAt(p, "status/phase");
      if (phase.empty() || phase == "Pending") SetPodPhase(base::GetStringAt(p, "metadata/name"), "Running");
    }
  }

  // Steps until the operation completes (or |max| steps), moving hook pods as |pod_phase| says.
  void RunToEnd(const std::map<std::string, std::string>& pod_phase = {}, int max = 20) {
    for (int i = 0; i < max && !core::IsCompleted(state_.phase); ++i) {
      Step();
      for (const auto& [pod, phase] : pod_phase) SetPodPhase(pod, phase);
    }
  }

  void SetPodPhase(const std::string& name, const std::string& phase) {
    auto live = fake_.Get({"", "v1", "Pod"}, "ns", name);
    if (!live.ok() || base::GetStringAt(*live, "status/phase") == phase) return;
    base::Json status = {{"phase", phase}};
    if (phase == "Failed") {
      status["containerStatuses"] = {{{"name", "main"}, {"state", {{"terminated", {{"exitCode", 1}}}}}}};
    }
    auto patched = fake_.Patch({"", "v1", "Pod"}, "ns", name, kube::PatchType::kMerge, {{"status", status}},
                               {.subresource = "status"});
    ASSERT_TRUE(patched.ok()) << patched.status().ToString();
  }

  bool Exists(const std::string& kind, const std::string& name) {
    core::Gvk gvk = kind == "Deployment" ? core::Gvk{"apps", "v1", kind} : core::Gvk{"", "v1", kind};
    return fake_.Get(gvk, "ns", name).ok();
  }

  const ResourceResult* Result(const std::string& name) {
    for (const ResourceResult& r : state_.results) {
      if (r.name == name) return &r;
    }
    return nullptr;
  }

  std::vector<std::string> Writes() {
    std::vector<std::string> out;
    for (const std::string& r : fake_.requests()) {
      if (r.rfind("GET", 0) != 0 && r.rfind("LIST", 0) != 0) out.push_back(r);
    }
    return out;
  }

  kube::FakeClient fake_{"ns"};
  Engine engine_;
  StepInput in_;
  OperationState state_;
};

TEST_F(EngineTest, OneWaveWithoutHooksSucceedsInOneStepAfterDryRun) {
  in_.targets = {Obj("v1", "ConfigMap", "cm"), Obj("apps/v1", "Deployment", "web")};
  Step();
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_EQ(state_.message, "successfully synced (all tasks run)");
  ASSERT_EQ(state_.results.size(), 2u);
  EXPECT_EQ(Result("cm")->message, "configmap/cm created");
  EXPECT_EQ(Result("web")->message, "deployment.apps/web created");
  EXPECT_EQ(Result("web")->hook_phase, core::OperationPhase::kRunning);  // never waited for (§3.2)
  EXPECT_EQ(Writes(), (std::vector<std::string>{"APPLY ConfigMap ns/cm dryRun", "APPLY apps/Deployment ns/web dryRun",
                                                 "APPLY ConfigMap ns/cm", "APPLY apps/Deployment ns/web"}));
}

TEST_F(EngineTest, ALargeWaveIsAppliedConcurrentlyAndEveryResultIsRecorded) {
  // 500 objects, 32 at a time: each task records its result from its own thread.
  for (int i = 0; i < 500; ++i) in_.targets.push_back(Obj("v1", "ConfigMap", "cm-" + std::to_string(i)));
  Step();
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  ASSERT_EQ(state_.results.size(), 500u);
  for (int i = 0; i < 500; ++i) {
    const ResourceResult* r = Result("cm-" + std::to_string(i));
    ASSERT_NE(r, nullptr) << i;
    EXPECT_EQ(r->message, "configmap/cm-" + std::to_string(i) + " created");
  }
  EXPECT_EQ(Writes().size(), 1000u);  // one dry-run and one apply each
}

TEST_F(EngineTest, DryRunFailureWritesNothing) {
  in_.targets = {Obj("v1", "ConfigMap", "cm"), Obj("apps/v1", "Deployment", "web")};
  fake_.InjectError("APPLY", "apps/Deployment ns/web",
                    base::Status::InvalidArgument("Deployment.apps \"web\" is invalid: spec.template: Required value"));
  Step();
  EXPECT_EQ(state_.phase, core::OperationPhase::kFailed);
  EXPECT_EQ(state_.message, "one or more objects failed to apply (dry run)");
  ASSERT_NE(Result("web"), nullptr);
  EXPECT_THAT(Result("web")->message, HasSubstr("is invalid"));
  EXPECT_FALSE(Exists("ConfigMap", "cm"));
}

TEST_F(EngineTest, PreSyncHookRunsFirstAndLosesItsFinalizer) {
  in_.targets = {Hook("hook", "PreSync"), Obj("v1", "Pod", "pod")};
  Step();
  EXPECT_EQ(state_.phase, core::OperationPhase::kRunning);
  EXPECT_EQ(state_.message, "waiting for completion of hook /Pod/hook");
  EXPECT_FALSE(Exists("Pod", "pod"));
  auto hook = fake_.Get({"", "v1", "Pod"}, "ns", "hook");
  ASSERT_TRUE(hook.ok());
  EXPECT_THAT(hook->at("metadata").at("finalizers"), Contains("argocd.argoproj.io/hook-finalizer"));

  RunToEnd({{"hook", "Succeeded"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  ASSERT_EQ(state_.results.size(), 2u);
  const ResourceResult* h = Result("hook");
  EXPECT_EQ(h->message, "pod/hook created");
  EXPECT_EQ(h->hook_phase, core::OperationPhase::kSucceeded);
  EXPECT_EQ(h->hook_type, core::HookType::kPreSync);
  EXPECT_EQ(h->sync_phase, core::SyncPhase::kPreSync);
  hook = fake_.Get({"", "v1", "Pod"}, "ns", "hook");
  ASSERT_TRUE(hook.ok());
  EXPECT_FALSE(hook->at("metadata").contains("finalizers") &&
               !hook->at("metadata").at("finalizers").empty());
}

TEST_F(EngineTest, FailingPreSyncHookStopsTheSync) {
  in_.targets = {Hook("hook", "PreSync"), Obj("v1", "Pod", "pod")};
  RunToEnd({{"hook", "Failed"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kFailed);
  EXPECT_EQ(state_.message, "one or more synchronization tasks completed unsuccessfully");
  ASSERT_EQ(state_.results.size(), 1u);
  EXPECT_EQ(Result("hook")->message, "container \"main\" failed with exit code 1");
  EXPECT_FALSE(Exists("Pod", "pod"));
  auto hook = fake_.Get({"", "v1", "Pod"}, "ns", "hook");
  ASSERT_TRUE(hook.ok());
  EXPECT_TRUE(!hook->at("metadata").contains("finalizers") || hook->at("metadata").at("finalizers").empty());
}

TEST_F(EngineTest, SyncFailHookRunsWhenPostSyncFails) {
  in_.targets = {Hook("post", "PostSync"), Hook("on-fail", "SyncFail"), Obj("v1", "ConfigMap", "cm")};
  RunToEnd({{"post", "Failed"}, {"on-fail", "Succeeded"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kFailed);
  EXPECT_EQ(state_.message, "one or more synchronization tasks completed unsuccessfully");
  EXPECT_EQ(Result("post")->hook_phase, core::OperationPhase::kFailed);
  ASSERT_NE(Result("on-fail"), nullptr);
  EXPECT_EQ(Result("on-fail")->sync_phase, core::SyncPhase::kSyncFail);
  EXPECT_EQ(Result("on-fail")->hook_phase, core::OperationPhase::kSucceeded);
}

TEST_F(EngineTest, HookSucceededPolicyDeletesOnSuccessOnly) {
  in_.targets = {Hook("hook", "Sync", {{"argocd.argoproj.io/hook-delete-policy", "HookSucceeded"}})};
  RunToEnd({{"hook", "Succeeded"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_FALSE(Exists("Pod", "hook"));
}

TEST_F(EngineTest, HookFailedPolicyKeepsSucceededHook) {
  in_.targets = {Hook("hook", "Sync", {{"argocd.argoproj.io/hook-delete-policy", "HookFailed"}})};
  RunToEnd({{"hook", "Succeeded"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_TRUE(Exists("Pod", "hook"));
}

// §3.7: delete policies follow the operation's outcome, not the hook's phase.
TEST_F(EngineTest, HookSucceededHookOfAnEarlierPhaseStaysUntilTheWholeOperationSucceeds) {
  in_.targets = {Hook("pre", "PreSync", {{"argocd.argoproj.io/hook-delete-policy", "HookSucceeded"}}),
                 Hook("post", "PostSync")};
  Step();  // dry-run, then PreSync: pre created
  SetPodPhase("pre", "Succeeded");
  Step();  // PreSync done → PostSync: post created
  ASSERT_EQ(state_.phase, core::OperationPhase::kRunning);
  EXPECT_TRUE(Exists("Pod", "pre")) << "deleted while the operation still runs";
  RunToEnd({{"post", "Succeeded"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_FALSE(Exists("Pod", "pre"));
  EXPECT_TRUE(Exists("Pod", "post"));  // BeforeHookCreation: kept until the next sync
}

TEST_F(EngineTest, HookFailedDeletesEvenSucceededHooksWhenTheOperationFails) {
  in_.targets = {Hook("pre", "PreSync", {{"argocd.argoproj.io/hook-delete-policy", "HookFailed"}}),
                 Hook("sync", "Sync", {{"argocd.argoproj.io/hook-delete-policy", "HookSucceeded"}})};
  RunToEnd({{"pre", "Succeeded"}, {"sync", "Failed"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kFailed);
  EXPECT_FALSE(Exists("Pod", "pre")) << "HookFailed: deleted because the operation failed";
  EXPECT_TRUE(Exists("Pod", "sync")) << "HookSucceeded: kept because the operation failed";
  for (const char* name : {"sync"}) {
    auto live = fake_.Get({"", "v1", "Pod"}, "ns", name);
    ASSERT_TRUE(live.ok());
    EXPECT_THAT(live->at("metadata").value("finalizers", base::Json::array()),
                Not(Contains("argocd.argoproj.io/hook-finalizer")));
  }
}

TEST_F(EngineTest, BeforeHookCreationRecreatesTheHookOnTheNextSync) {
  in_.targets = {Hook("hook", "Sync")};
  RunToEnd({{"hook", "Succeeded"}});
  ASSERT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  std::string first_uid = base::GetStringAt(*fake_.Get({"", "v1", "Pod"}, "ns", "hook"), "metadata/uid");

  state_ = OperationState{.started_at_unix = kStart + 60, .revision = "abcdef1234567890"};
  in_.plan.started_at_unix = kStart + 60;
  RunToEnd({{"hook", "Succeeded"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  std::string second_uid = base::GetStringAt(*fake_.Get({"", "v1", "Pod"}, "ns", "hook"), "metadata/uid");
  EXPECT_NE(first_uid, second_uid);
}

TEST_F(EngineTest, UnnamedHookGetsAGeneratedName) {
  base::Json hook = Hook("", "PreSync");
  hook["metadata"].erase("name");
  hook["metadata"]["generateName"] = "migrate-";
  in_.targets = {hook};
  RunToEnd({{"migrate-abcdef1-presync-1700000000", "Succeeded"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_NE(Result("migrate-abcdef1-presync-1700000000"), nullptr);
}

TEST_F(EngineTest, SkipIsNeverApplied) {
  in_.targets = {Obj("v1", "ConfigMap", "skipped", {{"argocd.argoproj.io/hook", "Skip"}}), Obj("v1", "Pod", "pod")};
  RunToEnd();
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_EQ(state_.results.size(), 1u);
  EXPECT_FALSE(Exists("ConfigMap", "skipped"));
}

TEST_F(EngineTest, PruneRequiresThePruneFlag) {
  ASSERT_TRUE(fake_.Create(Obj("v1", "ConfigMap", "old"), {}).ok());
  in_.targets = {Obj("v1", "ConfigMap", "cm")};
  RunToEnd();
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_EQ(Result("old")->status, core::ResultCode::kPruneSkipped);
  EXPECT_EQ(Result("old")->message, "ignored (requires pruning)");
  EXPECT_TRUE(Exists("ConfigMap", "old"));

  state_ = OperationState{.started_at_unix = kStart, .revision = "abcdef1234567890"};
  in_.sync.prune = true;
  RunToEnd();
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_EQ(Result("old")->message, "pruned");
  EXPECT_FALSE(Exists("ConfigMap", "old"));
}

TEST_F(EngineTest, NextWaveWaitsForFreshHealth) {
  in_.targets = {Obj("apps/v1", "Deployment", "web"),
                 Obj("v1", "ConfigMap", "after", {{"argocd.argoproj.io/sync-wave", "1"}})};
  Step();
  EXPECT_EQ(state_.phase, core::OperationPhase::kRunning);
  EXPECT_EQ(state_.message, "waiting for healthy state of apps/Deployment/web");
  // A status that has not observed the current generation is not trusted, even if it says ready.
  auto patch = [&](int64_t observed) {
    base::Json status = {{"observedGeneration", observed}, {"replicas", 1}, {"updatedReplicas", 1},
                         {"readyReplicas", 1}, {"availableReplicas", 1}};
    ASSERT_TRUE(fake_.Patch({"apps", "v1", "Deployment"}, "ns", "web", kube::PatchType::kMerge, {{"status", status}},
                            {.subresource = "status"}).ok());
  };
  patch(0);
  Step();
  EXPECT_EQ(state_.phase, core::OperationPhase::kRunning);
  EXPECT_FALSE(Exists("ConfigMap", "after"));
  patch(1);
  Step();
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_TRUE(Exists("ConfigMap", "after"));
}

TEST_F(EngineTest, ResumesFromPersistedStateWithoutRecreatingHooks) {
  in_.targets = {Hook("hook", "PreSync"), Obj("v1", "ConfigMap", "cm")};
  Step();
  ASSERT_EQ(state_.phase, core::OperationPhase::kRunning);
  // The process dies; a new engine picks the state up from its JSON form.
  auto restored = OperationStateFromJson(ToJson(state_));
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  Engine other(fake_);
  fake_.ClearRequests();
  SetPodPhase("hook", "Succeeded");
  in_.live = Live();
  state_ = other.Step(in_, *restored);
  RunToEnd();
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_THAT(Writes(), Not(Contains(HasSubstr("Pod ns/hook dryRun"))));
  EXPECT_THAT(Writes(), Not(Contains("APPLY Pod ns/hook")));
}

TEST_F(EngineTest, AdoptsOwnHookCreatedBeforeACrash) {
  in_.targets = {Hook("hook", "PreSync"), Obj("v1", "ConfigMap", "cm")};
  Step();
  // The hook exists, but the state recording it was lost.
  state_ = OperationState{.started_at_unix = kStart, .revision = "abcdef1234567890"};
  fake_.ClearRequests();
  Step();
  EXPECT_THAT(Writes(), Not(Contains(HasSubstr("DELETE Pod ns/hook"))));
  EXPECT_EQ(state_.message, "waiting for completion of hook /Pod/hook");
}

TEST_F(EngineTest, TerminateFailsRunningHooksAndFreesThem) {
  in_.targets = {Hook("hook", "PreSync")};
  Step();
  ASSERT_EQ(state_.phase, core::OperationPhase::kRunning);
  state_.phase = core::OperationPhase::kTerminating;
  Step();
  EXPECT_EQ(state_.phase, core::OperationPhase::kFailed);
  EXPECT_EQ(state_.message, "Operation terminated");
  EXPECT_EQ(Result("hook")->hook_phase, core::OperationPhase::kFailed);
  EXPECT_EQ(Result("hook")->message, "Terminated");
  EXPECT_FALSE(Exists("Pod", "hook"));
}

// The hook-log capture point: each finished hook is handed over once, while it still exists.
TEST_F(EngineTest, HookFinishedSeesEachHookOnceBeforeItsDeletePolicyRuns) {
  in_.targets = {Hook("pre", "PreSync", {{"argocd.argoproj.io/hook-delete-policy", "HookSucceeded"}}),
                 Hook("post", "PostSync", {{"argocd.argoproj.io/hook-delete-policy", "HookSucceeded"}})};
  std::vector<std::string> seen;
  in_.hook_finished = [&](const FinishedHook& h) {
    ASSERT_NE(h.live, nullptr);
    seen.push_back(std::string(core::ToString(h.phase)) + " " + h.key.name + " " +
                   std::string(core::ToString(h.hook_phase)) + " exists=" + (Exists("Pod", h.key.name) ? "yes" : "no"));
  };
  RunToEnd({{"pre", "Succeeded"}, {"post", "Succeeded"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kSucceeded);
  EXPECT_FALSE(Exists("Pod", "pre"));
  EXPECT_FALSE(Exists("Pod", "post"));
  EXPECT_EQ(seen, (std::vector<std::string>{"PreSync pre Succeeded exists=yes", "PostSync post Succeeded exists=yes"}));
}

TEST_F(EngineTest, HookFinishedSeesFailedAndTerminatedHooksBeforeTheyAreDeleted) {
  in_.targets = {Hook("sync", "Sync", {{"argocd.argoproj.io/hook-delete-policy", "HookFailed"}})};
  std::vector<std::string> seen;
  in_.hook_finished = [&](const FinishedHook& h) {
    seen.push_back(h.key.name + " " + std::string(core::ToString(h.hook_phase)) + " exists=" +
                   (Exists("Pod", h.key.name) ? "yes" : "no"));
  };
  RunToEnd({{"sync", "Failed"}});
  EXPECT_EQ(state_.phase, core::OperationPhase::kFailed);
  EXPECT_FALSE(Exists("Pod", "sync"));
  EXPECT_EQ(seen, (std::vector<std::string>{"sync Failed exists=yes"}));

  seen.clear();
  state_ = OperationState{.started_at_unix = kStart + 60, .revision = "abcdef1234567890"};
  in_.plan.started_at_unix = kStart + 60;
  in_.targets = {Hook("pre", "PreSync")};
  Step();
  state_.phase = core::OperationPhase::kTerminating;
  Step();
  EXPECT_FALSE(Exists("Pod", "pre"));
  EXPECT_EQ(seen, (std::vector<std::string>{"pre Failed exists=yes"}));
}

TEST_F(EngineTest, UnknownKindIsInvalidUnlessSkipped) {
  in_.targets = {Obj("example.com/v1", "Widget", "w")};
  Step();
  EXPECT_EQ(state_.phase, core::OperationPhase::kFailed);
  EXPECT_THAT(state_.message, HasSubstr("one or more synchronization tasks are not valid"));
}

TEST_F(EngineTest, WaitingMessageCountsTheRest) {
  Task a, b;
  a.key = {"", "Pod", "ns", "a"};
  a.is_hook = true;
  b.key = {"apps", "Deployment", "ns", "b"};
  EXPECT_EQ(WaitingMessage({&b, &a}, false), "waiting for completion of hook /Pod/a and 1 more resources");
  EXPECT_EQ(WaitingMessage({&b}, false), "waiting for healthy state of apps/Deployment/b");
  EXPECT_EQ(WaitingMessage({&a, &a}, true), "waiting for deletion of hook /Pod/a and 1 more hooks");
}

}  // namespace
}  // namespace capstan::sync
