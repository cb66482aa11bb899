// Copyright 2026 The capstan Authors.
//
// Crash safety of `capstan controller` (Controller issue, item 6), against the real local control
// plane. For each crash point the controller reaches (base/crash_point.h: CAPSTAN_CRASH_AT=<name>[:<n>]
// makes the process _exit(86) the n-th time it reaches <name>), a test starts the controller with the
// variable, lets it work until it dies there, starts a new controller without it, and checks what a
// user would:
//
//  - Sync: an automated Application of the 4-wave app with PreSync, Sync and PostSync hook Pods
//    (crash_test_util.h). The operation ends Succeeded with one history entry (the sync ran once),
//    each hook Pod was created exactly once (one ADDED watch event), no object keeps the hook
//    finalizer, no operation Lease is left, every ConfigMap is there. Points: the controller's own
//    (`controller:refreshed`, `controller:auto-sync-requested`), and the runner's (`write:*`,
//    `written:*`, `hook-created:<n>`; the Retry cases as in crash_test.cc: a ConfigMap for a namespace
//    created only after the crash, so the first attempts fail their dry run).
//  - Deletion: the app with PreDelete and PostDelete hook Pods, synced, then `capstan app delete`
//    while the controller runs (the CLI only deletes the Application). Points: `deletion:*`. The
//    Application ends gone, its ConfigMaps deleted, each hook created once, the PreDelete hook gone
//    with the resources and the PostDelete hook kept (default delete policy), no Lease left.
//
// After each case the controller is stopped and its Lease `capstan-controller` must be gone.
//
// The restarted controller runs on the same host as the dead one, so it takes the dead process's
// Leases over at once (lease_holder.h); on another host it would wait for them to expire (15 s).
//
// Thread safety: GoogleTest fixtures; the watch thread only appends under a mutex.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "base/crash_point.h"
#include "base/json.h"
#include "cli_test_util.h"
#include "controller_daemon.h"
#include "crash_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using crash_testing::AddedCounter;
using crash_testing::Finally;
using crash_testing::HookPod;
using crash_testing::kApplicationGvk;
using crash_testing::kConfigMapGvk;
using crash_testing::kLeaseGvk;
using crash_testing::kNamespaceGvk;
using crash_testing::kPodGvk;
using crash_testing::ParamName;
using crash_testing::PointName;
using crash_testing::Tail;
using crash_testing::WaveConfigMap;
using source_testing::GitCmd;
using source_testing::ReadFile;
using source_testing::WriteFile;
using ::testing::HasSubstr;
using std::chrono::seconds;

class ControllerCrashFixture : public testing::ClusterTest {
 protected:
  void SetUp() override {
    testing::ClusterTest::SetUp();
    cli_testing::EnsureInstalled();
  }
  void TearDown() override {
    controller_.Stop();
    if (!extra_ns_.empty()) (void)client().Delete(kNamespaceGvk, "", extra_ns_, {});
    testing::ClusterTest::TearDown();
  }

  // The Application is named after the namespace: its tracking id is unique in the cluster.
  const std::string& name() const { return ns(); }

  // Commits |write|'s files into a new Git repository.
  void MakeRepo(const std::function<void(const std::string& dir)>& write) {
    repo_ = scratch_ / "repo";
    write(repo_);
    GitCmd(repo_, {"init", "-q"});
    GitCmd(repo_, {"add", "-A"});
    GitCmd(repo_, {"commit", "-q", "-m", "controller crash test fixture"});
  }

  base::Json AppJson(const base::Json& sync_policy) const {
    base::Json app = {{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "Application"},
                      {"metadata", {{"name", name()}, {"namespace", ns()}}},
                      {"spec",
                       {{"project", "default"},
                        {"source", {{"repoURL", repo_}, {"path", "."}, {"targetRevision", "HEAD"}}},
                        {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", ns()}}}}}};
    if (!sync_policy.is_null()) app["spec"]["syncPolicy"] = sync_policy;
    return app;
  }

  // Starts `capstan controller` for this namespace (Git poll every 2 s) with CAPSTAN_CRASH_AT=|crash_at|
  // ("" = none); its output goes to controller-<n>.log.
  void StartController(const std::string& crash_at) {
    log_ = scratch_ / ("controller-" + std::to_string(++starts_) + ".log");
    ASSERT_TRUE(cli_testing::StartController(
        controller_, {.ns = ns(), .cache_dir = scratch_ / "cache", .log = log_, .env = {{"CAPSTAN_CRASH_AT", crash_at}}}));
  }

  // Waits for the controller started with |point| to die there.
  void ExpectCrashAt(const std::string& point) {
    std::optional<int> exit = controller_.WaitExit(seconds(90));
    if (!exit) controller_.Stop();
    ASSERT_EQ(exit, std::optional<int>(base::kCrashExitCode))
        << "CAPSTAN_CRASH_AT=" << point << " did not crash the controller (point never reached?); its log:\n"
        << Tail(ReadFile(log_), 6000);
    EXPECT_THAT(ReadFile(log_), HasSubstr("exiting abruptly at " + PointName(point)));
  }

  base::Json App() {
    auto a = client().Get(kApplicationGvk, ns(), name());
    return a.ok() ? *a : base::Json();
  }

  // Stops the controller: its leader and member Leases go with it.
  void ExpectControllerLeaseReleased() {
    controller_.Stop();
    EXPECT_TRUE(client().Get(kLeaseGvk, ns(), "capstan-controller").status().IsNotFound())
        << "the controller Lease is left after it stopped";
    kube::ListOptions members;
    members.label_selector = "capstan.dev/controller-member=true";
    auto left = client().List(kLeaseGvk, ns(), members);
    ASSERT_TRUE(left.ok()) << left.status().ToString();
    EXPECT_TRUE(left->items.empty()) << "a member Lease is left after the controller stopped: " << left->items[0].dump();
  }

  // Both controllers' logs, for a failure.
  std::string Logs() {
    std::string out;
    for (int i = 1; i <= starts_; ++i) {
      out += "--- controller-" + std::to_string(i) + ".log:\n" +
             Tail(ReadFile(scratch_ / ("controller-" + std::to_string(i) + ".log")), 5000) + "\n";
    }
    return out;
  }

  source_testing::ScratchDir scratch_;
  source_testing::Daemon controller_;
  std::string repo_;
  std::string log_;
  std::string extra_ns_;
  int starts_ = 0;
};

struct SyncCrashCase {
  std::string point;        // CAPSTAN_CRASH_AT
  bool retry = false;       // the failing-first-attempts variant (see crash_test.cc)
  int64_t retry_count = 0;  // the final operationState.retryCount
};

std::ostream& operator<<(std::ostream& os, const SyncCrashCase& c) { return os << c.point; }

class ControllerSyncCrashTest : public ControllerCrashFixture, public ::testing::WithParamInterface<SyncCrashCase> {};

TEST_P(ControllerSyncCrashTest, TheNextControllerCompletesTheSync) {
  const SyncCrashCase& c = GetParam();
  if (c.retry) extra_ns_ = ns() + "-x";
  MakeRepo([&](const std::string& dir) { crash_testing::WriteFourWaveApp(dir, extra_ns_); });
  AddedCounter pods(client(), ns(), kPodGvk);
  Finally diagnostics([&] {
    if (HasFailure()) std::cout << "[controller_crash_test] " << c.point << ": Pod ADDED " << pods.Describe() << "\n" << Logs();
  });

  StartController(c.point);
  ASSERT_FALSE(HasFailure());
  base::Json policy = {{"automated", base::Json::object()}};
  if (c.retry) policy["retry"] = {{"limit", 2}, {"backoff", {{"duration", "1s"}}}};
  auto created = client().Create(AppJson(policy), {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ExpectCrashAt(c.point);
  ASSERT_FALSE(HasFatalFailure());
  const std::string phase_after_crash = base::GetStringAt(App(), "status/operationState/phase");
  if (c.retry) {
    base::Json extra = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", extra_ns_}}}};
    auto made = client().Create(extra, {});
    ASSERT_TRUE(made.ok()) << "creating " << extra_ns_ << ": " << made.status().ToString();
  }

  StartController("");
  ASSERT_FALSE(HasFailure());
  const bool ended = WaitFor([&] {
    base::Json app = App();
    return !app.contains("operation") && base::GetStringAt(app, "status/operationState/phase") == "Succeeded";
  }, seconds(90));
  base::Json app = App();
  ASSERT_TRUE(ended) << "the operation did not succeed after the restart (phase after the crash: '" << phase_after_crash
                     << "'); status: " << Tail(app["status"].dump(), 3000);
  for (const std::string& problem : crash_testing::SyncEndProblems(client(), app, ns(), pods, extra_ns_)) {
    ADD_FAILURE() << problem;
  }
  const base::Json& status = app["status"];
  EXPECT_EQ(status["operationState"].value("retryCount", int64_t{0}), c.retry_count);
  EXPECT_EQ(status.value("history", base::Json::array()).size(), 1u) << "the sync ran more than once: " << status.dump();
  EXPECT_EQ(status["operationState"]["operation"]["initiatedBy"], (base::Json{{"automated", true}}));
  ExpectControllerLeaseReleased();
  std::cout << "[controller_crash_test] " << c.point << ": phase after the crash '" << phase_after_crash
            << "'; Pod ADDED " << pods.Describe() << "\n";
}

INSTANTIATE_TEST_SUITE_P(
    Sync, ControllerSyncCrashTest,
    ::testing::Values(SyncCrashCase{"controller:refreshed"}, SyncCrashCase{"controller:auto-sync-requested"},
                      SyncCrashCase{"write:start"}, SyncCrashCase{"written:start"}, SyncCrashCase{"write:step:1"},
                      SyncCrashCase{"written:step:1"}, SyncCrashCase{"write:step:4"}, SyncCrashCase{"written:step:4"},
                      SyncCrashCase{"write:step:7"},
                      SyncCrashCase{"write:final"}, SyncCrashCase{"written:final"}, SyncCrashCase{"hook-created:1"},
                      SyncCrashCase{"hook-created:2"}, SyncCrashCase{"hook-created:3"},
                      SyncCrashCase{"write:retry:1", true}, SyncCrashCase{"written:retry:1", true, 1},
                      SyncCrashCase{"write:retry:2", true, 1}),
    [](const ::testing::TestParamInfo<SyncCrashCase>& info) { return ParamName(info.param.point); });

class ControllerDeletionCrashTest : public ControllerCrashFixture, public ::testing::WithParamInterface<std::string> {};

TEST_P(ControllerDeletionCrashTest, TheNextControllerCompletesTheDeletion) {
  const std::string point = GetParam();
  MakeRepo([](const std::string& dir) {
    WriteFile(dir + "/cm-w0.yaml", WaveConfigMap("cm-w0", 0));
    WriteFile(dir + "/cm-w1.yaml", WaveConfigMap("cm-w1", 1));
    WriteFile(dir + "/pre-hook.yaml", HookPod("pre-hook", "PreDelete", 0, "0.5"));
    WriteFile(dir + "/post-hook.yaml", HookPod("post-hook", "PostDelete", 0, "0.5"));
  });
  WriteFile(scratch_ / "app.yaml", AppJson(base::Json()).dump(2));  // JSON is YAML
  const std::vector<std::string> where = {"--control-plane-namespace", ns(), "--cache-dir", scratch_ / "cache"};
  std::vector<std::string> sync = {"sync", "-f", scratch_ / "app.yaml"};
  sync.insert(sync.end(), where.begin(), where.end());
  auto synced = cli_testing::Capstan(sync);  // no controller yet: the CLI runs it
  ASSERT_EQ(synced.exit_code, 0) << synced.stderr_text;
  AddedCounter pods(client(), ns(), kPodGvk);
  Finally diagnostics([&] {
    if (HasFailure()) std::cout << "[controller_crash_test] " << point << ": Pod ADDED " << pods.Describe() << "\n" << Logs();
  });

  StartController(point);
  ASSERT_FALSE(HasFailure());
  std::vector<std::string> del = {"app", "delete", name(), "-N", ns()};
  del.insert(del.end(), where.begin(), where.end());
  auto deleted = cli_testing::Capstan(del);  // the controller runs the deletion
  ASSERT_EQ(deleted.exit_code, 0) << deleted.stderr_text;
  ExpectCrashAt(point);
  ASSERT_FALSE(HasFatalFailure());

  StartController("");
  ASSERT_FALSE(HasFailure());
  EXPECT_TRUE(WaitFor([&] { return client().Get(kApplicationGvk, ns(), name()).status().IsNotFound(); }, seconds(90)))
      << "the Application is still there: " << Tail(App().dump(), 3000);
  for (const char* cm : {"cm-w0", "cm-w1"}) {
    EXPECT_TRUE(client().Get(kConfigMapGvk, ns(), cm).status().IsNotFound()) << "ConfigMap " << cm << " not deleted";
  }
  EXPECT_TRUE(client().Get(kLeaseGvk, ns(), "capstan-op-" + name()).status().IsNotFound())
      << "the operation Lease was left behind";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the watch may lag
  EXPECT_EQ(pods.Added("pre-hook"), 1) << pods.Describe();
  EXPECT_EQ(pods.Added("post-hook"), 1) << pods.Describe();
  EXPECT_FALSE(client().Get(kPodGvk, ns(), "pre-hook").ok()) << "the PreDelete hook outlived the app's resources";
  EXPECT_TRUE(client().Get(kPodGvk, ns(), "post-hook").ok()) << "the PostDelete hook (default policy) was deleted";
  ExpectControllerLeaseReleased();
}

INSTANTIATE_TEST_SUITE_P(Deletion, ControllerDeletionCrashTest,
                         ::testing::ValuesIn(crash_testing::kDeletionCrashPoints),
                         [](const ::testing::TestParamInfo<std::string>& info) { return ParamName(info.param); });

}  // namespace
}  // namespace capstan
