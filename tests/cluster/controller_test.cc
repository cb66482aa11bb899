// Copyright 2026 The capstan Authors.
//
// `capstan controller` on the local control plane: automated sync of a new commit found by the Git
// poll, prune of a file removed from Git, self-heal of a manual change, a failed automated sync that
// is retried by its policy and then not again, a sync requested by the CLI and run by the controller
// while the CLI shows its progress, rollback, and a deletion run by the controller.
//
// Each test runs its own controller whose control-plane namespace is the test's namespace (so the
// controller serves only this test's Application, and other tests' CLI commands, which ask about the
// `capstan` namespace, run their operations themselves). The Application is named after the
// namespace, so its tracking id is unique in the cluster.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "app/application.h"
#include "base/json.h"
#include "cli_test_util.h"
#include "controller_daemon.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;
using source_testing::ConfigMapYaml;
using std::chrono::seconds;

const core::Gvk kConfigMap{"", "v1", "ConfigMap"};

class ControllerTest : public testing::ClusterTest {
 protected:
  void SetUp() override {
    testing::ClusterTest::SetUp();
    repo_.emplace(scratch_.path(), "app");
  }
  void TearDown() override {
    controller_.Stop();
    testing::ClusterTest::TearDown();
  }

  const std::string& name() const { return ns(); }
  std::string Cache() const { return scratch_.path() + "/cache"; }

  // Starts `capstan controller` for this namespace, polling Git every |resync| s.
  void StartController(const std::string& resync = "2") {
    ASSERT_TRUE(cli_testing::StartController(
        controller_, {.ns = ns(), .cache_dir = Cache(), .log = scratch_.path() + "/controller.log", .resync = resync}));
  }
  std::string ControllerLog() const { return source_testing::ReadFile(scratch_.path() + "/controller.log"); }

  // Creates the Application; |sync_policy| is YAML under spec.syncPolicy (indented 4).
  void CreateApp(const std::string& sync_policy) {
    std::string yaml = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + name() +
                       "\n  namespace: " + ns() + "\nspec:\n  source:\n    repoURL: " + repo_->bare() +
                       "\n    targetRevision: main\n    path: .\n  destination:\n    server: "
                       "https://kubernetes.default.svc\n    namespace: " + ns() + "\n";
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
  std::string AppField(const std::string& path) { return base::GetStringAt(App(), path); }
  std::optional<std::string> Data(const std::string& cm) {
    auto c = client().Get(kConfigMap, ns(), cm);
    if (!c.ok()) return std::nullopt;
    return base::GetStringAt(*c, "data/key");
  }
  // Waits (≤ |timeout|) for |pred|, failing with the controller's log.
  void Eventually(const std::function<bool()>& pred, const std::string& what, seconds timeout = seconds(40)) {
    if (!WaitFor(pred, timeout)) {
      ADD_FAILURE() << "timed out waiting for " << what << "\nApplication status: " << App()["status"].dump()
                    << "\ncontroller log:\n" << ControllerLog();
    }
  }
  std::vector<std::string> CliRunFlags() { return {"-N", ns(), "--control-plane-namespace", ns(), "--cache-dir", Cache()}; }

  source_testing::ScratchDir scratch_;
  std::optional<source_testing::RepoFixture> repo_;
  source_testing::Daemon controller_;
};

TEST_F(ControllerTest, AutoSyncsANewCommitAndPrunesARemovedFile) {
  repo_->Write("a.yaml", ConfigMapYaml("a"));
  repo_->Write("b.yaml", ConfigMapYaml("b"));
  const std::string first = repo_->CommitAndPush("a and b");
  StartController();
  CreateApp("    automated:\n      prune: true\n");
  Eventually([&] { return Data("a") && Data("b") && AppField("status/sync/status") == "Synced"; }, "the first sync");
  base::Json app = App();
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/syncResult/revision"), first);
  EXPECT_EQ(app["status"]["operationState"]["operation"]["initiatedBy"], (base::Json{{"automated", true}}));

  // A new commit, found by the Git poll: a changes, b is removed from Git.
  repo_->Write("a.yaml", ConfigMapYaml("a", "2"));
  std::filesystem::remove(repo_->work() + "/b.yaml");
  const std::string second = repo_->CommitAndPush("a changes, b goes");
  Eventually([&] { return Data("a") == "value2" && !Data("b"); }, "the second commit synced and b pruned");
  Eventually([&] { return AppField("status/operationState/syncResult/revision") == second &&
                          AppField("status/operationState/phase") == "Succeeded"; },
             "the second operation recorded");
  app = App();
  ASSERT_EQ(app["status"]["history"].size(), 2u) << app["status"].dump();
  EXPECT_EQ(base::GetString(app["status"]["history"][1], "revision"), second);
  EXPECT_EQ(app["status"]["history"][1]["initiatedBy"], (base::Json{{"automated", true}}));
}

TEST_F(ControllerTest, SelfHealsAManualChangeOnlyWhenAsked) {
  repo_->Write("a.yaml", ConfigMapYaml("a"));
  repo_->Write("b.yaml", ConfigMapYaml("b"));
  repo_->CommitAndPush("a and b");
  StartController();
  CreateApp("    automated:\n      selfHeal: true\n");
  Eventually([&] { return Data("a") && AppField("status/sync/status") == "Synced"; }, "the first sync");

  // A manual change is put back: a selective sync of that resource only, the first attempt at once.
  ASSERT_TRUE(client().Patch(kConfigMap, ns(), "a", kube::PatchType::kMerge, {{"data", {{"key", "manual"}}}}, {}).ok());
  Eventually([&] { return Data("a") == "value"; }, "self-heal of a");
  Eventually([&] { return AppField("status/operationState/phase") == "Succeeded"; }, "the self-heal operation ended");
  base::Json op = App()["status"]["operationState"]["operation"]["sync"];
  EXPECT_EQ(op.value("autoHealAttemptsCount", 0), 1) << op.dump();
  ASSERT_EQ(op.value("resources", base::Json::array()).size(), 1u) << op.dump();
  EXPECT_EQ(base::GetString(op["resources"][0], "name"), "a");
  EXPECT_EQ(App()["status"]["history"].size(), 1u);  // a selective sync adds no history

  // Again: the second attempt comes after its back-off and counts 2.
  ASSERT_TRUE(client().Patch(kConfigMap, ns(), "b", kube::PatchType::kMerge, {{"data", {{"key", "manual"}}}}, {}).ok());
  Eventually([&] { return Data("b") == "value"; }, "self-heal of b");
  Eventually([&] { return App()["status"]["operationState"]["operation"]["sync"].value("autoHealAttemptsCount", 0) == 2; },
             "the second self-heal attempt");

  // Without selfHeal, a manual change stays and the app says OutOfSync.
  ASSERT_TRUE(client().Patch(app::kApplicationGvk, ns(), name(), kube::PatchType::kMerge,
                             {{"spec", {{"syncPolicy", {{"automated", {{"selfHeal", false}}}}}}}}, {}).ok());
  Eventually([&] { return App()["status"]["sync"].value("comparedTo", base::Json())
                              .value("source", base::Json()).is_object(); }, "a comparison");
  ASSERT_TRUE(client().Patch(kConfigMap, ns(), "a", kube::PatchType::kMerge, {{"data", {{"key", "kept"}}}}, {}).ok());
  Eventually([&] { return AppField("status/sync/status") == "OutOfSync"; }, "OutOfSync after a manual change");
  std::this_thread::sleep_for(seconds(4));
  EXPECT_EQ(Data("a"), "kept");
}

TEST_F(ControllerTest, AFailedAutoSyncIsRetriedByItsPolicyThenNotAgain) {
  repo_->Write("a.yaml", ConfigMapYaml("a"));
  repo_->Write("pre.yaml",
               "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pre\n  annotations:\n    argocd.argoproj.io/hook: PreSync\n"
               "    localnode.capstan.dev/exit-code: \"1\"\nspec:\n  restartPolicy: Never\n  containers:\n"
               "  - name: main\n    image: busybox\n");
  const std::string sha = repo_->CommitAndPush("a failing PreSync hook");
  StartController();
  CreateApp("    automated: {}\n    retry:\n      limit: 1\n      backoff:\n        duration: 1s\n");
  Eventually([&] { return AppField("status/operationState/phase") == "Failed"; }, "the failed operation", seconds(60));
  base::Json app = App();
  EXPECT_THAT(base::GetStringAt(app, "status/operationState/message"), HasSubstr("(retried 1 times)."));
  EXPECT_EQ(app["status"]["operationState"].value("retryCount", 0), 1);
  EXPECT_FALSE(Data("a").has_value());  // the PreSync hook failed: nothing of the Sync phase ran
  Eventually([&] {
    for (const base::Json& c : App()["status"].value("conditions", base::Json::array())) {
      if (base::GetString(c, "type") == "SyncError" &&
          base::GetString(c, "message").rfind("Failed last sync attempt to [" + sha + "]: ", 0) == 0) {
        return true;
      }
    }
    return false;
  }, "the SyncError condition");
  // Not tried again for the same commit (the Git poll runs every 2 s).
  const std::string started = AppField("status/operationState/startedAt");
  std::this_thread::sleep_for(seconds(6));
  EXPECT_EQ(AppField("status/operationState/startedAt"), started);
}

TEST_F(ControllerTest, ACliSyncIsRunByTheControllerAndTheCliShowsIt) {
  repo_->Write("a.yaml", ConfigMapYaml("a"));
  repo_->CommitAndPush("a");
  StartController();
  CreateApp("");
  std::vector<std::string> args = {"app", "sync", name()};
  for (const std::string& f : CliRunFlags()) args.push_back(f);
  auto r = cli_testing::Capstan(args);
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stderr_text, HasSubstr("following the operation run elsewhere: the controller runs it"));
  EXPECT_THAT(r.stderr_text, HasSubstr("ConfigMap"));  // the progress view lists the task
  EXPECT_THAT(r.stdout_text, HasSubstr("Succeeded"));
  EXPECT_EQ(Data("a"), "value");
  EXPECT_THAT(ControllerLog(), HasSubstr("operation Succeeded"));
  base::Json app = App();
  EXPECT_EQ(app["status"]["history"].size(), 1u);
}

TEST_F(ControllerTest, RollbackSyncsAHistoryEntryAndIsRefusedWithAutoSync) {
  repo_->Write("a.yaml", ConfigMapYaml("a"));
  const std::string first = repo_->CommitAndPush("one");
  StartController();
  CreateApp("");
  std::vector<std::string> sync = {"app", "sync", name()};
  for (const std::string& f : CliRunFlags()) sync.push_back(f);
  ASSERT_EQ(cli_testing::Capstan(sync).exit_code, 0);
  repo_->Write("a.yaml", ConfigMapYaml("a", "2"));
  repo_->CommitAndPush("two");
  ASSERT_EQ(cli_testing::Capstan(sync).exit_code, 0);
  ASSERT_EQ(Data("a"), "value2");

  std::vector<std::string> rollback = {"app", "rollback", name(), "0"};
  for (const std::string& f : CliRunFlags()) rollback.push_back(f);
  auto r = cli_testing::Capstan(rollback);
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(Data("a"), "value");
  base::Json app = App();
  ASSERT_EQ(app["status"]["history"].size(), 3u) << app["status"].dump();
  EXPECT_EQ(base::GetString(app["status"]["history"][2], "revision"), first);
  EXPECT_EQ(AppField("status/sync/status"), "OutOfSync");  // Git says value2

  ASSERT_TRUE(client().Patch(app::kApplicationGvk, ns(), name(), kube::PatchType::kMerge,
                             {{"spec", {{"syncPolicy", {{"automated", base::Json::object()}}}}}}, {}).ok());
  r = cli_testing::Capstan(rollback);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("rollback cannot be initiated when auto-sync is enabled"));
}

TEST_F(ControllerTest, TheControllerRunsADeletion) {
  repo_->Write("a.yaml", ConfigMapYaml("a"));
  repo_->CommitAndPush("a");
  StartController();
  CreateApp("    automated: {}\n");
  Eventually([&] { return Data("a").has_value(); }, "the auto-sync");
  Eventually([&] { return AppField("status/operationState/phase") == "Succeeded"; }, "the operation ended");
  std::vector<std::string> del = {"app", "delete", name(), "--wait"};
  for (const std::string& f : CliRunFlags()) del.push_back(f);
  auto r = cli_testing::Capstan(del);
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_TRUE(client().Get(app::kApplicationGvk, ns(), name()).status().IsNotFound());
  Eventually([&] { return !Data("a").has_value(); }, "the cascade");
  EXPECT_THAT(ControllerLog(), HasSubstr("deleted"));
}

TEST_F(ControllerTest, AppGetRefreshAsksTheController) {
  repo_->Write("a.yaml", ConfigMapYaml("a"));
  const std::string first = repo_->CommitAndPush("one");
  StartController("600");  // no Git poll during the test: only a request makes it look again
  CreateApp("");           // `app create` leaves the first comparison to the controller
  Eventually([&] { return AppField("status/sync/revision") == first; }, "the controller's first comparison");
  repo_->Write("a.yaml", ConfigMapYaml("a", "2"));
  const std::string second = repo_->CommitAndPush("two");

  std::vector<std::string> get = {"app", "get", name(), "--refresh", "-o", "json"};
  for (const std::string& f : CliRunFlags()) get.push_back(f);
  auto r = cli_testing::Capstan(get);
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  auto app = base::ParseJson(r.stdout_text, "stdout");
  ASSERT_TRUE(app.ok()) << r.stdout_text;
  EXPECT_EQ(base::GetStringAt(*app, "status/sync/revision"), second);
  EXPECT_EQ(base::GetStringAt(*app, "status/sync/status"), "OutOfSync");
  EXPECT_FALSE(App()["metadata"].value("annotations", base::Json::object()).contains("argocd.argoproj.io/refresh"));
  // Both comparisons were the controller's.
  const std::string log = ControllerLog();
  size_t refreshed = 0;
  for (size_t at = log.find(": refreshed ("); at != std::string::npos; at = log.find(": refreshed (", at + 1)) ++refreshed;
  EXPECT_EQ(refreshed, 2u) << log;
}

// A controller that cannot start (here: its control-plane namespace does not exist) says why and
// exits 1 at once, rather than waiting for a signal.
TEST_F(ControllerTest, AControllerThatCannotStartSaysWhyAndExits) {
  const std::string missing = ns() + "-missing";
  auto r = cli_testing::Capstan({"controller", "-n", missing, "--metrics-address", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("namespaces \"" + missing + "\" not found"));
}

}  // namespace
}  // namespace capstan
