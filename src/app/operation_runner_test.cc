// Copyright 2026 The capstan Authors.
//
// The operation runner end to end on the in-memory FakeClient, with a real Git repository made by
// the git CLI in a scratch directory and a test thread playing the kubelet (new pods start Running,
// and run-to-completion pods then end as the test says). What the cluster tests prove against the
// real control plane, these prove fast: the persisted operation state, the Lease, termination,
// retry and history.

#include "app/operation_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

#include "app/app_test_util.h"
#include "app/operation_lease.h"
#include "kube/fake_client.h"

namespace capstan::app {
namespace {

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
    repo_.Write("hook.yaml", kHookPod);
    repo_.Write("cm.yaml", kConfigMap);
    repo_.Commit();
    ASSERT_TRUE(fake_.Create(repo_.AppJson(), {}).ok());
    kubelet_.emplace(fake_, [this](const base::Json&) { return std::string(hook_phase_.load()); });
  }

  RunnerOptions Options() {
    RunnerOptions o;
    o.holder = "test-runner";
    o.render.cache_dir = repo_.dir() + "/cache";
    o.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    return o;
  }

  base::Json App() { return *fake_.Get(kApplicationGvk, "ns", "app"); }

  kube::FakeClient fake_{"ns"};
  testing_util::TempGitRepo repo_;
  std::atomic<const char*> hook_phase_{"Succeeded"};  // what Running hook Pods become
  std::optional<testing_util::FakeKubelet> kubelet_;   // last: stops first
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
