// Copyright 2026 The capstan Authors.
//
// A failed PostSync hook leaves a SyncError condition on the Application (DESIGN §6): the app's
// resources are Synced and Healthy, but the operation failed after them, and `app get` says so. The
// next successful sync clears it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/json.h"
#include "cli_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;

class PostSyncConditionTest : public testing::ClusterTest {
 protected:
  std::string Repo() { return scratch_.path() + "/repo"; }
  void Commit(const std::string& exit_code) {
    source_testing::WriteFile(Repo() + "/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  k: v\n");
    source_testing::WriteFile(Repo() + "/post.yaml",
                              "apiVersion: v1\nkind: Pod\nmetadata:\n  name: notify\n  annotations:\n"
                              "    argocd.argoproj.io/hook: PostSync\n"
                              "    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation\n"
                              "    localnode.capstan.dev/exit-code: \"" + exit_code + "\"\n"
                              "spec:\n  restartPolicy: Never\n  containers:\n  - name: main\n    image: curl\n");
    ASSERT_EQ(cli_testing::Run({"git", "-C", Repo(), "add", "-A"}).exit_code, 0);
    ASSERT_EQ(cli_testing::Run({"git", "-C", Repo(), "commit", "-q", "-m", "exit " + exit_code}).exit_code, 0);
  }
  base::Json Sync() {
    auto r = cli_testing::Capstan({"sync", "-f", app_, "-o", "json", "--cache-dir", scratch_.path() + "/cache"});
    last_exit_ = r.exit_code;
    auto j = base::ParseJson(r.stdout_text);
    EXPECT_TRUE(j.ok()) << r.stdout_text << r.stderr_text;
    return j.ok() ? *j : base::Json();
  }
  static std::vector<base::Json> Conditions(const base::Json& app, const std::string& type) {
    std::vector<base::Json> out;
    const base::Json conds = app.value("status", base::Json::object()).value("conditions", base::Json::array());
    for (const base::Json& c : conds) {
      if (base::GetString(c, "type") == type) out.push_back(c);
    }
    return out;
  }

  source_testing::ScratchDir scratch_;
  std::string app_;
  int last_exit_ = -1;
};

TEST_F(PostSyncConditionTest, FailedPostSyncLeavesSyncErrorUntilASuccessfulSync) {
  ASSERT_EQ(cli_testing::Run({"git", "init", "-q", "-b", "main", Repo()}).exit_code, 0);
  Commit("1");
  app_ = scratch_.path() + "/app.yaml";
  source_testing::WriteFile(app_, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: " +
                                      ns() + "\nspec:\n  source:\n    repoURL: " + Repo() +
                                      "\n    path: .\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: " +
                                      ns() + "\n");

  base::Json failed = Sync();
  EXPECT_EQ(last_exit_, 1);
  EXPECT_EQ(base::GetStringAt(failed, "status/operationState/phase"), "Failed");
  EXPECT_EQ(base::GetStringAt(failed, "status/sync/status"), "Synced");  // the resources are fine
  auto errors = Conditions(failed, "SyncError");
  ASSERT_EQ(errors.size(), 1u) << failed["status"].dump();
  EXPECT_THAT(base::GetString(errors[0], "message"), HasSubstr("PostSync hook /Pod/notify failed"));
  EXPECT_FALSE(base::GetString(errors[0], "lastTransitionTime").empty());

  // A refresh keeps it (refresh owns only ComparisonError).
  auto got = cli_testing::Capstan({"app", "get", "app", "-N", ns(), "--refresh", "-o", "json",
                                   "--cache-dir", scratch_.path() + "/cache"});
  ASSERT_EQ(got.exit_code, 0) << got.stderr_text;
  auto refreshed = base::ParseJson(got.stdout_text);
  ASSERT_TRUE(refreshed.ok());
  EXPECT_EQ(Conditions(*refreshed, "SyncError").size(), 1u);

  // Fixed in Git: the next sync succeeds and the condition goes.
  Commit("0");
  base::Json fixed = Sync();
  EXPECT_EQ(last_exit_, 0);
  EXPECT_EQ(base::GetStringAt(fixed, "status/operationState/phase"), "Succeeded");
  EXPECT_TRUE(Conditions(fixed, "SyncError").empty()) << fixed["status"].dump();
}

}  // namespace
}  // namespace capstan
