// Copyright 2026 The capstan Authors.
//
// Hook logs against the local control plane (DESIGN §6, §8.5): a PreSync Job hook deleted by its
// HookSucceeded policy and a PostSync Pod hook leave their logs behind; `capstan app logs` prints
// them, filters by hook, picks an older operation; a failed hook deleted by HookFailed keeps its log.
// The node agent serves each container's log from the pod annotation localnode.capstan.dev/log.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/subprocess.h"
#include "cli_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HookLogsCliTest : public testing::ClusterTest {
 protected:
  static base::SubprocessResult Run(std::vector<std::string> argv) { return cli_testing::Run(std::move(argv)); }
  static base::SubprocessResult Capstan(std::vector<std::string> args) { return cli_testing::Capstan(std::move(args)); }

  void SetUp() override {
    testing::ClusterTest::SetUp();
    repo_ = scratch_.path() + "/repo";
    ASSERT_EQ(Run({"git", "init", "-q", "-b", "main", repo_}).exit_code, 0);
    app_file_ = scratch_.path() + "/app.yaml";
    source_testing::WriteFile(app_file_, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n"
                                         "  namespace: " + ns() + "\nspec:\n  source:\n    repoURL: " + repo_ +
                                         "\n    path: .\n  destination:\n    server: https://kubernetes.default.svc\n"
                                         "    namespace: " + ns() + "\n");
  }

  void Commit(const std::string& file, const std::string& yaml) {
    source_testing::WriteFile(repo_ + "/" + file, yaml);
    ASSERT_EQ(Run({"git", "-C", repo_, "add", "-A"}).exit_code, 0);
    ASSERT_EQ(Run({"git", "-C", repo_, "commit", "-q", "-m", file}).exit_code, 0);
  }

  base::SubprocessResult Sync() {
    return Capstan({"sync", "-f", app_file_, "--cache-dir", scratch_.path() + "/cache", "--timeout", "120"});
  }
  base::SubprocessResult Logs(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"app", "logs", "app", "-N", ns()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Capstan(std::move(args));
  }
  bool Gone(const core::Gvk& gvk, const std::string& name) {
    return WaitFor([&] { return client().Get(gvk, ns(), name).status().IsNotFound(); }, std::chrono::seconds(20));
  }

  source_testing::ScratchDir scratch_;
  std::string repo_;
  std::string app_file_;
};

std::string JobHook(const std::string& log_line) {
  return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
         "    argocd.argoproj.io/hook: PreSync\n    argocd.argoproj.io/hook-delete-policy: HookSucceeded\n"
         "spec:\n  backoffLimit: 0\n  template:\n    metadata:\n      annotations:\n"
         "        localnode.capstan.dev/run-seconds: \"0.2\"\n        localnode.capstan.dev/log: \"" + log_line + "\\n\"\n"
         "    spec:\n      restartPolicy: Never\n      containers:\n      - name: main\n        image: migrate\n";
}

std::string PodHook(const std::string& name, const std::string& phase, const std::string& policy,
                    const std::string& log_line, int exit_code) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  annotations:\n    argocd.argoproj.io/hook: " +
         phase + "\n" + (policy.empty() ? "" : "    argocd.argoproj.io/hook-delete-policy: " + policy + "\n") +
         "    localnode.capstan.dev/run-seconds: \"0.2\"\n    localnode.capstan.dev/exit-code: \"" +
         std::to_string(exit_code) + "\"\n    localnode.capstan.dev/log: \"" + log_line +
         "\\n\"\nspec:\n  restartPolicy: Never\n  containers:\n  - name: main\n    image: notify\n";
}

const std::string kConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  k: v\n";

TEST_F(HookLogsCliTest, LogsOutliveTheHooksAndEachOperationKeepsItsOwn) {
  Commit("cm.yaml", kConfigMap);
  Commit("notify.yaml", PodHook("notify", "PostSync", "", "notify: posted to the sink NOTIFY-5123", 0));
  Commit("migrate.yaml", JobHook("migrating schema v41 MIGRATE-FIRST-7781"));
  auto sync = Sync();
  ASSERT_EQ(sync.exit_code, 0) << sync.stdout_text << sync.stderr_text;
  EXPECT_TRUE(Gone({"batch", "v1", "Job"}, "migrate")) << "HookSucceeded should have deleted the Job";

  auto all = Logs();
  ASSERT_EQ(all.exit_code, 0) << all.stderr_text;
  EXPECT_THAT(all.stdout_text, HasSubstr("operation 1 · started "));
  EXPECT_THAT(all.stdout_text, HasSubstr("==> PreSync batch/Job migrate · pod migrate-"));
  EXPECT_THAT(all.stdout_text, HasSubstr(" · container main · Succeeded <==\nmigrating schema v41 MIGRATE-FIRST-7781\n"));
  EXPECT_THAT(all.stdout_text, HasSubstr("==> PostSync Pod notify · container main · Succeeded <==\n"
                                         "notify: posted to the sink NOTIFY-5123\n"));

  auto one = Logs({"--hook", "notify"});
  ASSERT_EQ(one.exit_code, 0) << one.stderr_text;
  EXPECT_THAT(one.stdout_text, HasSubstr("NOTIFY-5123"));
  EXPECT_THAT(one.stdout_text, Not(HasSubstr("MIGRATE-FIRST-7781")));

  auto none = Logs({"--hook", "nope"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.stderr_text, HasSubstr("no logs of a hook named nope"));
  EXPECT_THAT(none.stderr_text, HasSubstr("migrate, notify"));

  // A second operation, whose migration logs something else: the last operation is the default,
  // the first stays reachable by number.
  Commit("migrate.yaml", JobHook("migrating schema v42 MIGRATE-SECOND-9902"));
  sync = Sync();
  ASSERT_EQ(sync.exit_code, 0) << sync.stdout_text << sync.stderr_text;
  auto last = Logs();
  ASSERT_EQ(last.exit_code, 0) << last.stderr_text;
  EXPECT_THAT(last.stdout_text, HasSubstr("operation 2 · "));
  EXPECT_THAT(last.stdout_text, HasSubstr("MIGRATE-SECOND-9902"));
  EXPECT_THAT(last.stdout_text, Not(HasSubstr("MIGRATE-FIRST-7781")));
  auto first = Logs({"--operation", "1"});
  ASSERT_EQ(first.exit_code, 0) << first.stderr_text;
  EXPECT_THAT(first.stdout_text, HasSubstr("MIGRATE-FIRST-7781"));
  EXPECT_THAT(first.stdout_text, HasSubstr("NOTIFY-5123"));
  EXPECT_THAT(first.stdout_text, Not(HasSubstr("MIGRATE-SECOND-9902")));

  auto missing = Logs({"--operation", "7"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.stderr_text, HasSubstr("has no hook logs of operation 7 (kept: 1, 2)"));

  // Kept outside .status, owned by the Application.
  auto cm = client().Get({"", "v1", "ConfigMap"}, ns(), "capstan-hooklogs-app");
  ASSERT_TRUE(cm.ok()) << cm.status().ToString();
  EXPECT_EQ(base::GetStringAt((*cm)["metadata"]["ownerReferences"][0], "kind"), "Application");
  auto app = client().Get({"argoproj.io", "v1alpha1", "Application"}, ns(), "app");
  ASSERT_TRUE(app.ok());
  EXPECT_THAT(app->dump(), Not(HasSubstr("MIGRATE-FIRST-7781")));
}

TEST_F(HookLogsCliTest, AFailedHookDeletedByHookFailedKeepsItsLog) {
  Commit("cm.yaml", kConfigMap);
  Commit("check.yaml", PodHook("check", "Sync", "HookFailed", "check: table users is missing CHECK-FAIL-4410", 3));
  auto sync = Sync();
  EXPECT_NE(sync.exit_code, 0) << sync.stdout_text << sync.stderr_text;
  EXPECT_TRUE(Gone({"", "v1", "Pod"}, "check")) << "HookFailed should have deleted the Pod";

  auto logs = Logs();
  ASSERT_EQ(logs.exit_code, 0) << logs.stderr_text;
  EXPECT_THAT(logs.stdout_text, HasSubstr("==> Sync Pod check · container main · Failed <==\n"
                                          "check: table users is missing CHECK-FAIL-4410\n"));
}

TEST_F(HookLogsCliTest, AnAppWithoutHookLogsIsAnError) {
  Commit("cm.yaml", kConfigMap);
  auto sync = Sync();
  ASSERT_EQ(sync.exit_code, 0) << sync.stdout_text << sync.stderr_text;
  auto logs = Logs();
  EXPECT_EQ(logs.exit_code, 1);
  EXPECT_THAT(logs.stderr_text, HasSubstr("Application " + ns() + "/app has no hook logs"));
  auto no_app = Capstan({"app", "logs", "nosuch", "-N", ns()});
  EXPECT_EQ(no_app.exit_code, 1);
  EXPECT_THAT(no_app.stderr_text, HasSubstr("nosuch"));
}

}  // namespace
}  // namespace capstan
