// Copyright 2026 The capstan Authors.
//
// `capstan sync -f` as a user runs it, against the local control plane, on what goes wrong: bad
// manifests, unknown kinds, a foreign destination, a second request while one runs, an unreachable
// API server. Each must end with a clear message naming the object and field and with nothing
// applied. (Argo CD's own scenarios are in tests/compat.)

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/subprocess.h"
#include "cli_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;

class SyncCliTest : public testing::ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    static bool installed = false;
    if (!installed) {
      ASSERT_EQ(Capstan({"install"}).exit_code, 0);
      installed = true;
    }
    repo_ = scratch_.path() + "/repo";
    ASSERT_EQ(Run({"git", "init", "-q", "-b", "main", repo_}).exit_code, 0);
  }

  static base::SubprocessResult Run(std::vector<std::string> argv) { return cli_testing::Run(std::move(argv)); }
  static base::SubprocessResult Capstan(std::vector<std::string> args) { return cli_testing::Capstan(std::move(args)); }

  // Commits |files| (name → content) as the repository's whole content.
  void Commit(const std::map<std::string, std::string>& files) {
    Run({"git", "-C", repo_, "rm", "-rq", "--ignore-unmatch", "."});
    for (const auto& [name, text] : files) source_testing::WriteFile(repo_ + "/" + name, text);
    Run({"git", "-C", repo_, "add", "-A"});
    ASSERT_EQ(Run({"git", "-C", repo_, "commit", "-q", "--allow-empty", "-m", "c"}).exit_code, 0);
  }

  std::string AppFile(const std::string& server = "https://kubernetes.default.svc") {
    std::string path = scratch_.path() + "/app.yaml";
    source_testing::WriteFile(path, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n"
                                    "  namespace: " + ns() + "\nspec:\n  project: default\n  source:\n    repoURL: " +
                                        repo_ + "\n    path: .\n    targetRevision: HEAD\n  destination:\n    server: " +
                                        server + "\n    namespace: " + ns() + "\n");
    return path;
  }

  base::SubprocessResult Sync(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"sync", "-f", AppFile(), "-o", "json", "--cache-dir", scratch_.path() + "/cache"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Capstan(std::move(args));
  }

  bool ConfigMapExists(const std::string& name) { return client().Get({"", "v1", "ConfigMap"}, ns(), name).ok(); }

  static std::string Cm(const std::string& name, const std::string& annotations = "") {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n" +
           (annotations.empty() ? "" : "  annotations:\n" + annotations) + "data:\n  k: v\n";
  }

  source_testing::ScratchDir scratch_;
  std::string repo_;
};

TEST_F(SyncCliTest, MalformedYamlNamesFileAndLineAndAppliesNothing) {
  Commit({{"good.yaml", Cm("good")}, {"bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata: [x\n"}});
  auto r = Sync();
  EXPECT_EQ(r.exit_code, 1);
  base::Json app = base::Json::parse(r.stdout_text);
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/phase"), "Error");
  EXPECT_THAT(base::GetStringAt(app, "status/operationState/message"), HasSubstr("bad.yaml"));
  EXPECT_THAT(base::GetStringAt(app, "status/operationState/message"), HasSubstr("line 6"));
  EXPECT_FALSE(ConfigMapExists("good"));
}

TEST_F(SyncCliTest, UnknownKindFailsTheDryRunNamingItAndAppliesNothing) {
  // A group no test defines (the Helm chart test's CRD serves example.com/Widget, cluster-wide).
  Commit({{"cm.yaml", Cm("good")},
          {"gizmo.yaml", "apiVersion: never-served.capstan.test/v1\nkind: Gizmo\nmetadata:\n  name: g\n"}});
  auto r = Sync();
  EXPECT_EQ(r.exit_code, 1);
  base::Json app = base::Json::parse(r.stdout_text);
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/phase"), "Failed");
  const base::Json& results = app["status"]["operationState"]["syncResult"]["resources"];
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0]["kind"], "Gizmo");
  EXPECT_EQ(results[0]["status"], "SyncFailed");
  EXPECT_THAT(results[0]["message"].get<std::string>(), HasSubstr("never-served.capstan.test/Gizmo"));
  EXPECT_FALSE(ConfigMapExists("good"));
}

TEST_F(SyncCliTest, BadAnnotationValueIsIgnoredAsArgoCdDoesAndReported) {
  Commit({{"cm.yaml", Cm("cm", "    argocd.argoproj.io/sync-wave: \"soon\"\n")}});
  auto r = Sync();
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stderr_text, HasSubstr("warning: ConfigMap " + ns() + "/cm: annotation argocd.argoproj.io/sync-wave"));
  EXPECT_TRUE(ConfigMapExists("cm"));
}

TEST_F(SyncCliTest, ForeignDestinationIsRefusedByName) {
  Commit({{"cm.yaml", Cm("cm")}});
  std::string file = AppFile("https://prod.example.com:6443");
  auto r = Capstan({"sync", "-f", file, "-o", "json", "--cache-dir", scratch_.path() + "/cache"});
  EXPECT_EQ(r.exit_code, 1);
  base::Json app = base::Json::parse(r.stdout_text);
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/phase"), "Error");
  EXPECT_THAT(base::GetStringAt(app, "status/operationState/message"), HasSubstr("https://prod.example.com:6443"));
  EXPECT_FALSE(ConfigMapExists("cm"));
}

TEST_F(SyncCliTest, SecondSyncRequestWhileOneRunsIsRefused) {
  Commit({{"hook.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\n  annotations:\n"
                        "    argocd.argoproj.io/hook: PreSync\n    localnode.capstan.dev/run-seconds: \"30\"\n"
                        "spec:\n  restartPolicy: Never\n  containers:\n  - name: main\n    image: x\n"}});
  auto first = Sync({"--timeout", "2"});
  EXPECT_EQ(first.exit_code, 1);
  EXPECT_THAT(first.stderr_text, HasSubstr("timed out"));
  auto second = Capstan({"app", "sync", "app", "-N", ns(), "--cache-dir", scratch_.path() + "/cache"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.stderr_text, HasSubstr("another operation is already in progress"));
  auto stop = Capstan({"app", "terminate-op", "app", "-N", ns(), "-o", "json"});
  EXPECT_EQ(stop.exit_code, 0) << stop.stderr_text;
  EXPECT_EQ(base::GetStringAt(base::Json::parse(stop.stdout_text), "status/operationState/phase"), "Failed");
}

TEST_F(SyncCliTest, UnreachableApiServerIsAClearError) {
  std::string kubeconfig = scratch_.path() + "/dead.kubeconfig";
  source_testing::WriteFile(kubeconfig,
                            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:9\n"
                            "contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\n"
                            "users:\n- name: u\n  user:\n    token: t\n");
  auto r = Run({std::string(CAPSTAN_BINARY_DIR) + "/capstan", "--kubeconfig", kubeconfig, "sync", "-f", AppFile()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("127.0.0.1:9"));
}

}  // namespace
}  // namespace capstan
