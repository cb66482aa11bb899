// Copyright 2026 The capstan Authors.
//
// The deletion state machine (spec §4.2) on the in-memory FakeClient, with a real Git repository made
// by the git CLI and a test thread playing the kubelet (new pods start Running, then end Succeeded, or
// Failed when they carry test.capstan.dev/fail: "true"). The app's resources are created as a sync
// would have left them (rendered, tracking annotation on).

#include "app/deletion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "app/app_test_util.h"
#include "app/conditions.h"
#include "app/delete_finalizers.h"
#include "app/live_state.h"
#include "app/operation_lease.h"
#include "core/annotations.h"
#include "kube/fake_client.h"

namespace capstan::app {
namespace {

using ::testing::HasSubstr;

constexpr char kPreHook[] = R"(apiVersion: v1
kind: Pod
metadata:
  name: pre-hook
  annotations:
    argocd.argoproj.io/hook: PreDelete
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
)";

constexpr char kPostHook[] = R"(apiVersion: v1
kind: Pod
metadata:
  name: post-hook
  annotations:
    argocd.argoproj.io/hook: PostDelete
    argocd.argoproj.io/hook-delete-policy: HookSucceeded
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
)";

std::string ConfigMap(const std::string& name, const std::string& annotations = "") {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n" +
         (annotations.empty() ? "" : "  annotations:\n" + annotations) + "data:\n  k: v\n";
}

class DeletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write("cm0.yaml", ConfigMap("cm0"));
    Write("cm1.yaml", ConfigMap("cm1", "    argocd.argoproj.io/sync-wave: \"1\"\n"));
    Write("cm2.yaml", ConfigMap("cm2", "    helm.sh/hook-weight: \"2\"\n"));
    Write("kept.yaml", ConfigMap("kept", "    argocd.argoproj.io/sync-options: Delete=false\n"));
    Write("helm-kept.yaml", ConfigMap("helm-kept", "    helm.sh/resource-policy: keep\n"));
    // Hook Pods succeed unless annotated test.capstan.dev/fail: "true".
    kubelet_.emplace(fake_, [](const base::Json& pod) {
      return std::string(core::AnnotationOf(pod, "test.capstan.dev/fail") == "true" ? "Failed" : "Succeeded");
    });
  }

  void Write(const std::string& name, const std::string& text) { repo_.Write(name, text); }
  void Commit() { repo_.Commit(); }

  // Commits the repository, creates the Application with |finalizers| and the app's non-hook objects
  // (as a sync leaves them), brings the hook finalizers in line (as a refresh does) and deletes the
  // Application.
  void CreateSyncedAppAndDelete(std::vector<std::string> finalizers, bool delete_app = true) {
    Commit();
    base::Json app = repo_.AppJson();
    app["metadata"]["finalizers"] = finalizers;
    if (finalizers.empty()) app["metadata"].erase("finalizers");
    ASSERT_TRUE(fake_.Create(app, {}).ok());
    auto rendered = source::RenderApplication(App(), Options().render);
    ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
    ASSERT_TRUE(NormalizeNamespaces(fake_, rendered->objects, "ns").ok());
    for (const base::Json& o : rendered->objects) {
      if (core::ParseSyncAnnotations(o).DeletionHookOnly()) continue;
      ASSERT_TRUE(fake_.Create(o, {}).ok());
    }
    ASSERT_TRUE(SyncDeletionHookFinalizers(fake_, App(), rendered->objects).ok());
    if (delete_app) {
      ASSERT_TRUE(fake_.Delete(kApplicationGvk, "ns", "app", {}).ok());
    }
    fake_.ClearRequests();
  }

  DeletionOptions Options() {
    DeletionOptions o;
    o.holder = "test-deleter";
    o.render.cache_dir = repo_.dir() + "/cache";
    o.progress = [this](std::string_view line) { lines_.emplace_back(line); };
    return o;
  }
  base::Status RunToEnd() {
    DeletionRunner runner(fake_, Options());
    return runner.Run({"ns", "app"}, std::chrono::steady_clock::now() + std::chrono::seconds(30));
  }

  base::Json App() { return *fake_.Get(kApplicationGvk, "ns", "app"); }
  bool Exists(const std::string& kind, const std::string& name) {
    return fake_.Get({"", "v1", kind}, "ns", name).ok();
  }
  // The index of the first request starting with |prefix| (requests().size() when none).
  size_t IndexOf(const std::string& prefix) {
    auto r = fake_.requests();
    return std::find_if(r.begin(), r.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }) - r.begin();
  }
  int Count(const std::string& prefix) {
    auto r = fake_.requests();
    return static_cast<int>(std::count_if(r.begin(), r.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }));
  }

  kube::FakeClient fake_{"ns"};
  testing_util::TempGitRepo repo_;
  std::vector<std::string> lines_;
  std::optional<testing_util::FakeKubelet> kubelet_;  // last: stops first
};

TEST_F(DeletionTest, CascadeRunsHooksAndDeletesWavesHighestFirst) {
  Write("pre.yaml", kPreHook);
  Write("post.yaml", kPostHook);
  CreateSyncedAppAndDelete({std::string(kResourcesFinalizer)});
  ASSERT_TRUE(HasFinalizer(App(), kPreDeleteFinalizer));

  base::Status s = RunToEnd();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(fake_.Get(kApplicationGvk, "ns", "app").status().code(), base::StatusCode::kNotFound);
  // The PreDelete hook ran before anything was deleted; waves went 2, 1, 0; the PostDelete hook after.
  size_t pre = IndexOf("CREATE Pod ns/pre-hook");
  size_t cm2 = IndexOf("DELETE ConfigMap ns/cm2"), cm1 = IndexOf("DELETE ConfigMap ns/cm1");
  size_t cm0 = IndexOf("DELETE ConfigMap ns/cm0"), post = IndexOf("CREATE Pod ns/post-hook");
  EXPECT_LT(pre, cm2);
  EXPECT_LT(cm2, cm1);
  EXPECT_LT(cm1, cm0);
  EXPECT_LT(cm0, post);
  EXPECT_LT(post, fake_.requests().size());
  EXPECT_EQ(Count("DELETE ConfigMap ns/cm0 propagation=Foreground"), 1);
  // Delete=false and resource-policy keep survive; the PreDelete hook (tracked) went with the
  // resources; the PostDelete hook, HookSucceeded, was cleaned up.
  EXPECT_TRUE(Exists("ConfigMap", "kept"));
  EXPECT_TRUE(Exists("ConfigMap", "helm-kept"));
  EXPECT_FALSE(Exists("Pod", "pre-hook"));
  EXPECT_FALSE(Exists("Pod", "post-hook"));
  EXPECT_EQ(Count("CREATE Pod ns/pre-hook"), 1);
  EXPECT_EQ(Count("CREATE Pod ns/post-hook"), 1);
  // No Lease left behind.
  EXPECT_FALSE(fake_.Get({"coordination.k8s.io", "v1", "Lease"}, "ns", "capstan-op-app").ok());
  EXPECT_THAT(lines_, ::testing::Contains(HasSubstr("wave 2 deleted: ConfigMap ns/cm2")));
}

TEST_F(DeletionTest, NonCascadingDeleteKeepsResourcesButRunsPostDeleteHook) {
  Write("post.yaml", kPostHook);
  CreateSyncedAppAndDelete({});
  ASSERT_TRUE(HasFinalizer(App(), kPostDeleteFinalizer));
  ASSERT_TRUE(RunToEnd().ok());
  EXPECT_EQ(fake_.Get(kApplicationGvk, "ns", "app").status().code(), base::StatusCode::kNotFound);
  EXPECT_TRUE(Exists("ConfigMap", "cm0"));
  EXPECT_TRUE(Exists("ConfigMap", "cm2"));
  EXPECT_EQ(Count("CREATE Pod ns/post-hook"), 1);
  EXPECT_EQ(Count("DELETE ConfigMap"), 0);
}

TEST_F(DeletionTest, BackgroundFinalizerDeletesInBackground) {
  CreateSyncedAppAndDelete({std::string(kResourcesFinalizerBackground)});
  ASSERT_TRUE(RunToEnd().ok());
  EXPECT_EQ(Count("DELETE ConfigMap ns/cm0 propagation=Background"), 1);
  EXPECT_FALSE(Exists("ConfigMap", "cm0"));
}

TEST_F(DeletionTest, FailedPreDeleteHookIsDeletionErrorUntilFixedInGit) {
  std::string failing = kPreHook;
  failing.replace(failing.find("    argocd.argoproj.io/hook: PreDelete\n"), 0, "    test.capstan.dev/fail: \"true\"\n");
  Write("pre.yaml", failing);
  CreateSyncedAppAndDelete({std::string(kResourcesFinalizer)});
  DeletionRunner runner(fake_, Options());
  std::string waiting;
  for (int i = 0; i < 200 && waiting.find("failed") == std::string::npos; ++i) {
    auto pass = runner.RunPass({"ns", "app"});
    ASSERT_TRUE(pass.ok()) << pass.status().ToString();
    waiting = pass->waiting;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(waiting, "PreDelete hook(s) failed: ns/pre-hook");
  base::Json conditions = App()["status"]["conditions"];
  ASSERT_EQ(conditions.size(), 1u) << conditions.dump();
  EXPECT_EQ(conditions[0]["type"], kDeletionError);
  EXPECT_EQ(conditions[0]["message"], "PreDelete hook(s) failed: ns/pre-hook");
  // Nothing was deleted; the failed hook was.
  EXPECT_EQ(Count("DELETE ConfigMap"), 0);
  EXPECT_FALSE(Exists("Pod", "pre-hook"));
  // The next pass creates it again; the condition stays while the step is retried.
  auto again = runner.RunPass({"ns", "app"});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->progressed);
  EXPECT_EQ(App()["status"]["conditions"].size(), 1u);

  Write("pre.yaml", kPreHook);
  Commit();
  ASSERT_TRUE(RunToEnd().ok());
  EXPECT_EQ(fake_.Get(kApplicationGvk, "ns", "app").status().code(), base::StatusCode::kNotFound);
  EXPECT_FALSE(Exists("ConfigMap", "cm0"));
  EXPECT_THAT(lines_, ::testing::Contains("error: PreDelete hook(s) failed: ns/pre-hook"));
}

TEST_F(DeletionTest, RestartedRunnerCreatesEachHookOnce) {
  Write("pre.yaml", kPreHook);
  CreateSyncedAppAndDelete({std::string(kResourcesFinalizer)});
  {
    // The first runner creates the hook and stops (as if killed after "deletion:hook-created").
    DeletionRunner first(fake_, Options());
    auto pass = first.RunPass({"ns", "app"});
    ASSERT_TRUE(pass.ok());
    EXPECT_TRUE(pass->progressed);
  }
  ASSERT_EQ(Count("CREATE Pod ns/pre-hook"), 1);
  ASSERT_TRUE(RunToEnd().ok());
  EXPECT_EQ(Count("CREATE Pod ns/pre-hook"), 1);
}

TEST_F(DeletionTest, WaitsForRunningOperationAndForeignLease) {
  CreateSyncedAppAndDelete({std::string(kResourcesFinalizer)});
  ASSERT_TRUE(fake_.Patch(kApplicationGvk, "ns", "app", kube::PatchType::kMerge,
                          {{"status", {{"operationState", {{"phase", "Running"}}}}}}, {})
                  .ok());
  DeletionRunner runner(fake_, Options());
  auto pass = runner.RunPass({"ns", "app"});
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->waiting, "waiting for the running operation");
  EXPECT_EQ(Count("DELETE ConfigMap"), 0);

  ASSERT_TRUE(fake_.Patch(kApplicationGvk, "ns", "app", kube::PatchType::kMerge,
                          {{"status", {{"operationState", {{"phase", "Terminated"}}}}}}, {})
                  .ok());
  OperationLease other(fake_, "ns", "app", "someone-else");
  ASSERT_TRUE(other.Acquire().ok());
  pass = runner.RunPass({"ns", "app"});
  ASSERT_TRUE(pass.ok());
  EXPECT_THAT(pass->waiting, HasSubstr("someone-else"));
  EXPECT_EQ(Count("DELETE ConfigMap"), 0);
  ASSERT_TRUE(other.Release().ok());
  ASSERT_TRUE(RunToEnd().ok());
}

TEST_F(DeletionTest, ConfirmWaitsForDeletionApproval) {
  Write("cm0.yaml", ConfigMap("cm0", "    argocd.argoproj.io/sync-options: Delete=confirm\n"));
  CreateSyncedAppAndDelete({std::string(kResourcesFinalizer)});
  DeletionRunner runner(fake_, Options());
  auto pass = runner.RunPass({"ns", "app"});
  ASSERT_TRUE(pass.ok());
  EXPECT_THAT(pass->waiting, HasSubstr("waiting for deletion approval"));
  EXPECT_THAT(pass->waiting, HasSubstr("ConfigMap ns/cm0"));
  EXPECT_EQ(Count("DELETE ConfigMap"), 0);
  std::string ts = base::GetStringAt(App(), "metadata/deletionTimestamp");
  ASSERT_TRUE(fake_.Patch(kApplicationGvk, "ns", "app", kube::PatchType::kMerge,
                          {{"metadata", {{"annotations", {{"argocd.argoproj.io/deletion-approved", ts}}}}}}, {})
                  .ok());
  ASSERT_TRUE(RunToEnd().ok());
  EXPECT_FALSE(Exists("ConfigMap", "cm0"));
}

TEST_F(DeletionTest, NotDeletingIsLeftAlone) {
  CreateSyncedAppAndDelete({std::string(kResourcesFinalizer)}, /*delete_app=*/false);
  DeletionRunner runner(fake_, Options());
  auto pass = runner.RunPass({"ns", "app"});
  ASSERT_TRUE(pass.ok());
  EXPECT_THAT(pass->waiting, HasSubstr("not being deleted"));
  EXPECT_EQ(Count("DELETE"), 0);
}

}  // namespace
}  // namespace capstan::app
