// Copyright 2026 The capstan Authors.
//
// The operation runner end to end on the in-memory FakeClient, with a real Git repository made by
// the git CLI in a scratch directory and a test thread playing the kubelet (new pods start Running,
// and run-to-completion pods then end as the test says). What the cluster tests prove against the
// real control plane, these prove fast: the persisted operation state, the Lease, termination,
// retry and history.

#include "app/operation_runner.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/operation_lease.h"
#include "base/subprocess.h"
#include "kube/fake_client.h"

namespace capstan::app {
namespace {

namespace fs = std::filesystem;

constexpr char kHookPod[] = R"(apiVersion: v1
kind: Pod
metadata:
  name: hook
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
)";

constexpr char kConfigMap[] = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  k: v
)";

class OperationRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan-runner-XXXXXX";
    dir_ = mkdtemp(tmpl);
    Git({"init", "-q", "-b", "main", dir_ + "/repo"});
    Write("hook.yaml", kHookPod);
    Write("cm.yaml", kConfigMap);
    Commit();
    base::Json app = {{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "Application"},
                      {"metadata", {{"name", "app"}, {"namespace", "ns"}}},
                      {"spec",
                       {{"project", "default"},
                        {"source", {{"repoURL", dir_ + "/repo"}, {"path", "."}, {"targetRevision", "HEAD"}}},
                        {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", "ns"}}}}}};
    ASSERT_TRUE(fake_.Create(app, {}).ok());
    kubelet_ = std::jthread([this](std::stop_token stop) { PlayKubelet(stop); });
  }

  void TearDown() override {
    kubelet_.request_stop();
    kubelet_.join();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void Git(std::vector<std::string> args) {
    args.insert(args.begin(), "git");
    auto r = base::RunSubprocess({.argv = args,
                                  .env = {{"GIT_AUTHOR_NAME", "t"}, {"GIT_AUTHOR_EMAIL", "t@example.com"},
                                          {"GIT_COMMITTER_NAME", "t"}, {"GIT_COMMITTER_EMAIL", "t@example.com"}}});
    ASSERT_TRUE(r.ok() && r->exit_code == 0) << (r.ok() ? r->stderr_text : r.status().ToString());
  }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ + "/repo/" + name) << text; }
  void Commit() {
    Git({"-C", dir_ + "/repo", "add", "-A"});
    Git({"-C", dir_ + "/repo", "commit", "-q", "-m", "change"});
  }

  // New pods become Running; run-to-completion pods then end with |hook_phase_|.
  void PlayKubelet(std::stop_token stop) {
    while (!stop.stop_requested()) {
      auto pods = fake_.List({"", "v1", "Pod"}, "ns", {});
      if (pods.ok()) {
        for (const base::Json& p : pods->items) {
          std::string phase = base::GetStringAt(p, "status/phase");
          std::string next = phase == "Pending" ? "Running" : phase == "Running" ? hook_phase_.load() : "";
          if (next.empty() || next == phase || base::GetStringAt(p, "spec/restartPolicy") != "Never") continue;
          base::Json status = {{"phase", next}};
          if (next == "Failed") {
            status["containerStatuses"] = {{{"name", "main"}, {"state", {{"terminated", {{"exitCode", 1}}}}}}};
          }
          (void)fake_.Patch({"", "v1", "Pod"}, "ns", base::GetStringAt(p, "metadata/name"), kube::PatchType::kMerge,
                            {{"status", status}}, {.subresource = "status"});
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  RunnerOptions Options() {
    RunnerOptions o;
    o.holder = "test-runner";
    o.render.cache_dir = dir_ + "/cache";
    o.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    return o;
  }

  base::Json App() { return *fake_.Get(kApplicationGvk, "ns", "app"); }

  kube::FakeClient fake_{"ns"};
  std::string dir_;
  std::atomic<const char*> hook_phase_{"Succeeded"};
  std::jthread kubelet_;
  const AppRef ref_{"ns", "app"};
};

TEST_F(OperationRunnerTest, SyncRunsHookThenResourcesAndPersistsArgoCdStatus) {
  ASSERT_TRUE(RequestOperation(fake_, ref_, Operation{}).ok());
  OperationRunner runner(fake_, Options());
  auto app = runner.Run(ref_);
  ASSERT_TRUE(app.ok()) << app.status().ToString();

  base::Json stored = App();
  const base::Json& os = stored["status"]["operationState"];
  EXPECT_EQ(os["phase"], "Succeeded") << os.dump(1);
  EXPECT_EQ(os["message"], "successfully synced (all tasks run)");
  ASSERT_EQ(os["syncResult"]["resources"].size(), 2u);
  EXPECT_EQ(os["syncResult"]["resources"][0]["name"], "hook");
  EXPECT_EQ(os["syncResult"]["resources"][0]["hookPhase"], "Succeeded");
  EXPECT_EQ(os["syncResult"]["resources"][1]["message"], "configmap/cm created");
  EXPECT_EQ(os["syncResult"]["revision"].get<std::string>().size(), 40u);
  EXPECT_TRUE(os.contains("finishedAt"));
  EXPECT_FALSE(stored.contains("operation"));  // cleared with the final state
  EXPECT_EQ(stored["status"]["sync"]["status"], "Synced");
  ASSERT_EQ(stored["status"]["history"].size(), 1u);
  EXPECT_EQ(stored["status"]["history"][0]["id"], 0);
  EXPECT_FALSE(fake_.Get({"coordination.k8s.io", "v1", "Lease"}, "ns", "capstan-op-app").ok());
  // The hook ran once, stamped with the operation.
  auto hook = fake_.Get({"", "v1", "Pod"}, "ns", "hook");
  ASSERT_TRUE(hook.ok());
  EXPECT_EQ((*hook)["metadata"]["annotations"].value("capstan.dev/operation", ""), os["startedAt"]);
}

TEST_F(OperationRunnerTest, TerminateRequestFromAnotherProcessEndsTheOperation) {
  hook_phase_ = "Running";  // the hook never finishes
  ASSERT_TRUE(RequestOperation(fake_, ref_, Operation{}).ok());
  std::jthread terminator([this] {
    for (int i = 0; i < 200; ++i) {
      if (fake_.Get({"", "v1", "Pod"}, "ns", "hook").ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(RequestTermination(fake_, ref_).ok());
  });
  OperationRunner runner(fake_, Options());
  auto app = runner.Run(ref_);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  base::Json stored = App();
  const base::Json& os = stored["status"]["operationState"];
  EXPECT_EQ(os["phase"], "Failed");
  EXPECT_EQ(os["message"], "Operation terminated") << os.dump(1);
  EXPECT_EQ(os["syncResult"]["resources"][0]["message"], "Terminated");
  EXPECT_FALSE(fake_.Get({"coordination.k8s.io", "v1", "Lease"}, "ns", "capstan-op-app").ok());
  EXPECT_EQ(RequestTermination(fake_, ref_).message(), "Unable to terminate operation. No operation is in progress");
}

TEST_F(OperationRunnerTest, FailedOperationIsRetriedThenReportsTheRetries) {
  hook_phase_ = "Failed";
  Operation op;
  op.retry.limit = 1;
  op.retry.backoff_seconds = 1;
  ASSERT_TRUE(RequestOperation(fake_, ref_, op).ok());
  OperationRunner runner(fake_, Options());
  auto app = runner.Run(ref_);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  base::Json stored = App();
  const base::Json& os = stored["status"]["operationState"];
  EXPECT_EQ(os["phase"], "Failed");
  EXPECT_EQ(os["retryCount"], 1);
  EXPECT_EQ(os["message"], "one or more synchronization tasks completed unsuccessfully (retried 1 times).");
  // The retry ran the hook again (a new stamp), it did not adopt the failed one.
  auto hook = fake_.Get({"", "v1", "Pod"}, "ns", "hook");
  ASSERT_TRUE(hook.ok());
  EXPECT_EQ((*hook)["metadata"]["annotations"].value("capstan.dev/operation", ""),
            os["startedAt"].get<std::string>() + "#1");
  EXPECT_FALSE(App().contains("status") && App()["status"].contains("history"));
}

TEST_F(OperationRunnerTest, AnotherRunnersLeaseIsFollowedNotTaken) {
  OperationLease other(fake_, "ns", "app", "someone-else");
  ASSERT_TRUE(other.Acquire().ok());
  ASSERT_TRUE(RequestOperation(fake_, ref_, Operation{}).ok());
  RunnerOptions o = Options();
  o.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  OperationRunner runner(fake_, o);
  auto app = runner.Run(ref_);
  EXPECT_EQ(app.status().code(), base::StatusCode::kTimeout);
  EXPECT_FALSE(fake_.Get({"", "v1", "Pod"}, "ns", "hook").ok()) << "the follower must not run the operation";
  EXPECT_TRUE(App().contains("operation"));
}

TEST_F(OperationRunnerTest, SecondRequestWhileRunningIsRefused) {
  base::Json app = App();
  app["status"]["operationState"] = {{"phase", "Running"}, {"startedAt", "2026-11-27T00:00:00Z"}};
  ASSERT_TRUE(fake_.Update(app, {}).ok());
  base::Status s = RequestOperation(fake_, ref_, Operation{});
  EXPECT_EQ(s.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "Application ns/app: another operation is already in progress");
}

}  // namespace
}  // namespace capstan::app
