// Copyright 2026 The capstan Authors.
//
// Sync windows (AppProject spec.syncWindows, issue 8 item 2) on the local control plane, as a user
// meets them:
//  - an automated app whose project has a deny window open now: the controller requests nothing
//    (nothing applied, `Sync prevented by sync window` in its log, `capstan app get` says
//    `SyncWindow: Sync Denied`), and when the window closes it syncs the app by itself — with the Git
//    poll far away, so only the window's end brings it back (Argo CD's argo-cd#21692 leaves it
//    unsynced);
//  - `capstan app sync` refused by a deny window with Argo CD's `cannot sync: blocked by sync window`,
//    then let through once the window has `manualSync: true`.
// The test's namespace is the control-plane namespace, so the AppProject lives there.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <optional>
#include <thread>

#include "app/application.h"
#include "base/json.h"
#include "base/subprocess.h"
#include "cli_test_util.h"
#include "controller_daemon.h"
#include "source_test_util.h"
#include "sync/operation_state.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using source_testing::ConfigMapYaml;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

const core::Gvk kConfigMap{"", "v1", "ConfigMap"};
const core::Gvk kProject{"argoproj.io", "v1alpha1", "AppProject"};

class SyncWindowTest : public testing::ClusterTest {
 protected:
  void SetUp() override {
    testing::ClusterTest::SetUp();
    cli_testing::EnsureInstalled();  // the AppProject CRD, before a test creates a project
    repo_.emplace(scratch_.path(), "app");
    repo_->Write("a.yaml", ConfigMapYaml("a"));
    repo_->CommitAndPush("a");
  }
  void TearDown() override {
    controller_.Stop();
    (void)client().Delete(kProject, ns(), "windows", {});
    testing::ClusterTest::TearDown();
  }

  const std::string& name() const { return ns(); }
  std::string Cache() const { return scratch_.path() + "/cache"; }

  // The AppProject "windows" in the test's namespace: anything allowed, these sync windows.
  void CreateProject(const base::Json& windows) {
    base::Json obj = {{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "AppProject"},
                      {"metadata", {{"name", "windows"}, {"namespace", ns()}}},
                      {"spec",
                       {{"sourceRepos", {"*"}},
                        {"destinations", {{{"server", "*"}, {"namespace", "*"}}}},
                        {"clusterResourceWhitelist", {{{"group", "*"}, {"kind", "*"}}}},
                        {"syncWindows", windows}}}};
    auto created = client().Create(obj, {});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }

  void StartController(const std::string& resync) {
    ASSERT_TRUE(cli_testing::StartController(
        controller_, {.ns = ns(), .cache_dir = Cache(), .log = scratch_.path() + "/controller.log", .resync = resync}));
  }
  std::string ControllerLog() const { return source_testing::ReadFile(scratch_.path() + "/controller.log"); }

  void CreateApp(const std::string& sync_policy) {
    std::string yaml = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + name() +
                       "\n  namespace: " + ns() +
                       "\nspec:\n  project: windows\n  source:\n    repoURL: " + repo_->bare() +
                       "\n    targetRevision: main\n    path: .\n  destination:\n    server: "
                       "https://kubernetes.default.svc\n    namespace: " +
                       ns() + "\n";
    if (!sync_policy.empty()) yaml += "  syncPolicy:\n" + sync_policy;
    source_testing::WriteFile(scratch_.path() + "/app.yaml", yaml);
    auto r = cli_testing::Capstan({"app", "create", "-f", scratch_.path() + "/app.yaml", "--control-plane-namespace",
                                   ns(), "--cache-dir", Cache()});
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  }

  base::Json App() {
    auto a = client().Get(app::kApplicationGvk, ns(), name());
    return a.ok() ? *a : base::Json();
  }
  bool HasConfigMap() { return client().Get(kConfigMap, ns(), "a").ok(); }
  base::SubprocessResult Cli(std::vector<std::string> args) {
    args.insert(args.end(), {"-N", ns(), "--control-plane-namespace", ns(), "--cache-dir", Cache()});
    return cli_testing::Capstan(args);
  }

  source_testing::ScratchDir scratch_;
  std::optional<source_testing::RepoFixture> repo_;
  source_testing::Daemon controller_;
};

TEST_F(SyncWindowTest, AnAutoSyncHeldByADenyWindowRunsWhenTheWindowCloses) {
  // A deny window that opened at the start of this minute (UTC) and closes 35 s from now.
  const std::time_t now = std::time(nullptr);
  std::tm tick{};
  gmtime_r(&now, &tick);
  const std::time_t opened = now - tick.tm_sec;
  const std::time_t closes = now + 35;
  const std::string schedule = std::to_string(tick.tm_min) + " " + std::to_string(tick.tm_hour) + " " +
                               std::to_string(tick.tm_mday) + " " + std::to_string(tick.tm_mon + 1) + " *";
  CreateProject({{{"kind", "deny"},
                  {"schedule", schedule},
                  {"duration", std::to_string(closes - opened) + "s"},
                  {"applications", {name()}}}});
  // The Git poll every 10 minutes: only the window's end can bring the app back in time.
  StartController("600");
  CreateApp("    automated: {}\n");

  // While the window is open: compared (OutOfSync), nothing applied, the reason in the log and app get.
  ASSERT_TRUE(WaitFor([&] { return base::GetStringAt(App(), "status/sync/status") == "OutOfSync"; }, seconds(20)))
      << App()["status"].dump() << "\n"
      << ControllerLog();
  ASSERT_TRUE(
      WaitFor([&] { return ControllerLog().find("Sync prevented by sync window") != std::string::npos; }, seconds(10)))
      << ControllerLog();
  auto get = Cli({"app", "get", name()});
  EXPECT_EQ(get.exit_code, 0) << get.stderr_text;
  EXPECT_THAT(get.stdout_text, HasSubstr("SyncWindow:         Sync Denied\n"));
  EXPECT_THAT(get.stdout_text, HasSubstr("Assigned Windows:   deny:" + schedule + ":"));
  ASSERT_LT(std::time(nullptr), closes - 3) << "the controller took too long to start";
  EXPECT_FALSE(HasConfigMap());
  EXPECT_FALSE(App().contains("operation"));
  EXPECT_FALSE(App()["status"].contains("operationState"));

  // The window closes: the controller syncs the app without anyone asking.
  ASSERT_TRUE(WaitFor([&] { return HasConfigMap() && base::GetStringAt(App(), "status/sync/status") == "Synced"; },
                      seconds(closes - std::time(nullptr) + 25)))
      << App()["status"].dump() << "\n"
      << ControllerLog();
  base::Json app = App();
  EXPECT_EQ(app["status"]["operationState"]["operation"]["initiatedBy"], (base::Json{{"automated", true}}));
  auto started = sync::ParseTime(base::GetStringAt(app, "status/operationState/startedAt"), "startedAt");
  ASSERT_TRUE(started.ok());
  EXPECT_GE(*started, closes);
  EXPECT_LE(*started, closes + 5) << "the sync should start when the window closes";
  get = Cli({"app", "get", name()});
  EXPECT_THAT(get.stdout_text, HasSubstr("SyncWindow:         Sync Allowed\n"));
}

TEST_F(SyncWindowTest, AManualSyncIsRefusedByADenyWindowUnlessItAllowsManualSyncs) {
  CreateProject({{{"kind", "deny"}, {"schedule", "* * * * *"}, {"duration", "1h"}, {"namespaces", {ns()}}}});
  CreateApp("");
  auto r = Cli({"app", "sync", name()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("error: cannot sync: blocked by sync window"));
  EXPECT_FALSE(HasConfigMap());
  EXPECT_FALSE(App().contains("operation"));
  auto get = Cli({"app", "get", name()});
  EXPECT_THAT(get.stdout_text, HasSubstr("SyncWindow:         Sync Denied\n"));
  EXPECT_THAT(get.stdout_text, HasSubstr("Assigned Windows:   deny:* * * * *:1h\n"));

  // `sync -f` is refused the same way.
  auto f = cli_testing::Capstan(
      {"sync", "-f", scratch_.path() + "/app.yaml", "--control-plane-namespace", ns(), "--cache-dir", Cache()});
  EXPECT_NE(f.exit_code, 0);
  EXPECT_THAT(f.stderr_text, HasSubstr("cannot sync: blocked by sync window"));
  EXPECT_FALSE(HasConfigMap());

  // manualSync: true lets a manual sync through.
  ASSERT_TRUE(client()
                  .Patch(kProject, ns(), "windows", kube::PatchType::kMerge,
                         {{"spec",
                           {{"syncWindows",
                             {{{"kind", "deny"},
                               {"schedule", "* * * * *"},
                               {"duration", "1h"},
                               {"namespaces", {ns()}},
                               {"manualSync", true}}}}}}},
                         {})
                  .ok());
  get = Cli({"app", "get", name()});
  EXPECT_THAT(get.stdout_text, HasSubstr("SyncWindow:         Manual Allowed\n"));
  r = Cli({"app", "sync", name()});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_TRUE(HasConfigMap());
  EXPECT_EQ(base::GetStringAt(App(), "status/operationState/phase"), "Succeeded");
}

}  // namespace
}  // namespace capstan
