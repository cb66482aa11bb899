// Copyright 2026 The capstan Authors.
//
// dependsOn between Applications (app/depends_on.h) with `capstan controller` on the local control
// plane: three automated apps from one repository, c depending on b and b on a, sync in that order —
// first when they are created, and again after one commit that changes all three (the case Argo CD
// gets wrong: b must not go on a's verdict about the previous commit). a holds a Deployment, so it
// is Healthy only some time after its sync. The order is what a user would watch: each app's sync at
// the new commit starts only after the app it depends on was seen Synced and Healthy at that commit
// (the three apps are read in dependency order every 100 ms). And a cycle is refused: both apps get
// the DependencyError condition naming it, and neither syncs. `capstan app get` shows what an app
// waits for.
//
// The test's namespace is the controller's control-plane namespace (as in controller_test.cc).
//
// Thread safety: GoogleTest fixtures.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/application.h"
#include "base/json.h"
#include "cli_test_util.h"
#include "controller_daemon.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;
using std::chrono::seconds;

std::string Deployment(const std::string& image) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n"
         "    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n"
         "      containers:\n      - name: main\n        image: " + image + "\n";
}

class DependsOnTest : public testing::ClusterTest {
 protected:
  void SetUp() override {
    testing::ClusterTest::SetUp();
    repo_.emplace(scratch_.path(), "apps");
    cli_testing::EnsureInstalled();
  }
  void TearDown() override {
    controller_.Stop();
    testing::ClusterTest::TearDown();
  }

  // The app "<ns>-<suffix>": path <suffix>/ of the repository into the test namespace.
  std::string Name(const std::string& suffix) const { return ns() + "-" + suffix; }

  void StartController() {
    ASSERT_TRUE(cli_testing::StartController(
        controller_, {.ns = ns(), .cache_dir = scratch_.path() + "/cache", .log = scratch_.path() + "/controller.log"}));
  }

  void CreateApp(const std::string& suffix, const std::string& depends_on) {
    base::Json app = {{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "Application"},
                      {"metadata", {{"name", Name(suffix)}, {"namespace", ns()}}},
                      {"spec",
                       {{"project", "default"},
                        {"source", {{"repoURL", repo_->bare()}, {"path", suffix}, {"targetRevision", "main"}}},
                        {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", ns()}}},
                        {"syncPolicy", {{"automated", base::Json::object()}}}}}};
    if (!depends_on.empty()) app["metadata"]["annotations"]["capstan.dev/depends-on"] = depends_on;
    auto created = client().Create(app, {});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }

  base::Json App(const std::string& suffix) {
    auto a = client().Get(app::kApplicationGvk, ns(), Name(suffix));
    return a.ok() ? *a : base::Json();
  }
  std::string Log() const { return source_testing::ReadFile(scratch_.path() + "/controller.log"); }

  // Reads a, b and c (in that order) every 100 ms until all three synced |revision| and are Synced and
  // Healthy at it, and checks that b's and c's syncs were first seen only after the app each depends
  // on was seen ready.
  void ExpectSyncedInOrder(const std::string& revision) {
    std::map<std::string, int> started, ready;  // suffix → the first round it was seen so
    const std::vector<std::string> order = {"a", "b", "c"};
    auto deadline = std::chrono::steady_clock::now() + seconds(90);
    for (int round = 0; ready.size() < order.size(); ++round) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "not all synced at " << revision << " within 90 s; a: " << App("a")["status"].dump()
                      << "\nb: " << App("b")["status"].dump() << "\nc: " << App("c")["status"].dump()
                      << "\ncontroller log:\n" << Log();
        return;
      }
      for (const std::string& s : order) {
        base::Json app = App(s);
        if (!started.count(s) && base::GetStringAt(app, "status/operationState/operation/sync/revision") == revision) {
          started[s] = round;
        }
        if (!ready.count(s) && started.count(s) && !app.contains("operation") &&
            base::GetStringAt(app, "status/operationState/phase") == "Succeeded" &&
            base::GetStringAt(app, "status/sync/revision") == revision &&
            base::GetStringAt(app, "status/sync/status") == "Synced" &&
            base::GetStringAt(app, "status/health/status") == "Healthy") {
          ready[s] = round;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GE(started["b"], ready["a"]) << "b's sync started before a was Synced and Healthy at " << revision;
    EXPECT_GE(started["c"], ready["b"]) << "c's sync started before b was Synced and Healthy at " << revision;
    std::cout << "[depends_on_test] " << revision.substr(0, 7) << ": a started in round " << started["a"]
              << ", ready " << ready["a"] << "; b started " << started["b"] << ", ready " << ready["b"]
              << "; c started " << started["c"] << ", ready " << ready["c"] << "\n";
  }

  source_testing::ScratchDir scratch_;
  std::optional<source_testing::RepoFixture> repo_;
  source_testing::Daemon controller_;
};

TEST_F(DependsOnTest, ThreeAppsSyncInOrderAndAgainAfterOneCommit) {
  repo_->Write("a/web.yaml", Deployment("web:1"));
  repo_->Write("b/b.yaml", source_testing::ConfigMapYaml("b"));
  repo_->Write("c/c.yaml", source_testing::ConfigMapYaml("c"));
  const std::string first = repo_->CommitAndPush("a, b and c");
  StartController();
  ASSERT_FALSE(HasFailure());
  CreateApp("c", Name("b"));
  CreateApp("b", Name("a"));
  CreateApp("a", "");
  ExpectSyncedInOrder(first);
  // b was created before a existed: it waited, with the DependencyWaiting condition (logged).
  EXPECT_THAT(Log(), HasSubstr("Application " + ns() + "/" + Name("b") + ": waiting for " + Name("a") + " ("));

  // `capstan app get` says what c depends on.
  auto got = cli_testing::Capstan({"app", "get", Name("c"), "-N", ns()});
  EXPECT_EQ(got.exit_code, 0) << got.stderr_text;
  EXPECT_THAT(got.stdout_text, HasSubstr("Depends On:"));
  EXPECT_THAT(got.stdout_text, HasSubstr(Name("b") + " (ready)"));

  // One commit changes all three: b must wait for a at the new commit, not go on a's old verdict.
  repo_->Write("a/web.yaml", Deployment("web:2"));
  repo_->Write("b/b.yaml", source_testing::ConfigMapYaml("b", "2"));
  repo_->Write("c/c.yaml", source_testing::ConfigMapYaml("c", "2"));
  const std::string second = repo_->CommitAndPush("a, b and c change");
  ExpectSyncedInOrder(second);
}

TEST_F(DependsOnTest, ACycleIsRefusedWithACondition) {
  repo_->Write("x/x.yaml", source_testing::ConfigMapYaml("x"));
  repo_->Write("y/y.yaml", source_testing::ConfigMapYaml("y"));
  repo_->CommitAndPush("x and y");
  StartController();
  ASSERT_FALSE(HasFailure());
  CreateApp("x", Name("y"));
  CreateApp("y", Name("x"));
  const std::string want = "dependency cycle: " + ns() + "/" + Name("x") + " -> " + ns() + "/" + Name("y") + " -> " +
                           ns() + "/" + Name("x");
  EXPECT_TRUE(WaitFor([&] {
    const base::Json status = App("x").value("status", base::Json::object());
    for (const base::Json& c : status.value("conditions", base::Json::array())) {
      if (base::GetString(c, "type") == "DependencyError" && base::GetString(c, "message") == want) return true;
    }
    return false;
  }, seconds(30))) << "x's status: " << App("x")["status"].dump() << "\ncontroller log:\n" << Log();
  std::this_thread::sleep_for(seconds(3));
  for (const char* s : {"x", "y"}) {
    base::Json app = App(s);
    EXPECT_FALSE(app.contains("operation")) << s;
    EXPECT_EQ(base::GetStringAt(app, "status/operationState/phase"), "") << s << " synced despite the cycle";
  }
  auto got = cli_testing::Capstan({"app", "get", Name("y"), "-N", ns()});
  EXPECT_THAT(got.stdout_text, HasSubstr("dependency cycle: "));
}

}  // namespace
}  // namespace capstan
