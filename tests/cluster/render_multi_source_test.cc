// Copyright 2026 The capstan Authors.
//
// Multi-source Applications (spec.sources) synced on the local control plane: the objects of every
// source together, a `ref` source whose file feeds a Helm source's valueFiles ("$values/..."), a
// ref-only source rendering nothing, and a ref used but never defined failing before anything is
// applied.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/json.h"
#include "base/subprocess.h"
#include "cli_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;

class MultiSourceTest : public testing::ClusterTest {
 protected:
  // A new Git repository |name| in the scratch dir holding |files|; returns its path.
  std::string Repo(const std::string& name, const std::map<std::string, std::string>& files) {
    std::string repo = scratch_.path() + "/" + name;
    EXPECT_EQ(cli_testing::Run({"git", "init", "-q", "-b", "main", repo}).exit_code, 0);
    for (const auto& [path, text] : files) source_testing::WriteFile(repo + "/" + path, text);
    EXPECT_EQ(cli_testing::Run({"git", "-C", repo, "add", "-A"}).exit_code, 0);
    EXPECT_EQ(cli_testing::Run({"git", "-C", repo, "commit", "-q", "-m", "c"}).exit_code, 0);
    return repo;
  }
  static std::string Head(const std::string& repo) {
    auto r = cli_testing::Run({"git", "-C", repo, "rev-parse", "HEAD"});
    return r.stdout_text.substr(0, 40);
  }
  // Syncs an Application whose spec.sources is |sources| (YAML list items, indented 2).
  base::SubprocessResult Sync(const std::string& sources) {
    std::string app = scratch_.path() + "/app.yaml";
    source_testing::WriteFile(app, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: multi\n"
                                   "  namespace: " + ns() + "\nspec:\n  project: default\n  sources:\n" + sources +
                                       "  destination:\n    server: https://kubernetes.default.svc\n    namespace: " +
                                       ns() + "\n");
    return cli_testing::Capstan({"sync", "-f", app, "-o", "json", "--cache-dir", scratch_.path() + "/cache"});
  }
  base::Result<base::Json> ConfigMap(const std::string& name) { return client().Get({"", "v1", "ConfigMap"}, ns(), name); }

  static std::string Cm(const std::string& name, const std::string& value) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  k: " + value + "\n";
  }

  source_testing::ScratchDir scratch_;
};

TEST_F(MultiSourceTest, ObjectsOfEverySourceAreSyncedAtTheirOwnCommits) {
  std::string a = Repo("a", {{"app/cm.yaml", Cm("from-a", "a")}});
  std::string b = Repo("b", {{"extra/cm.yaml", Cm("from-b", "b")}});
  auto r = Sync("  - repoURL: " + a + "\n    path: app\n  - repoURL: " + b + "\n    path: extra\n");
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  auto app = base::ParseJson(r.stdout_text);
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(base::GetStringAt(*app, "status/operationState/phase"), "Succeeded");
  // One string names both commits, in source order.
  EXPECT_EQ(base::GetStringAt(*app, "status/operationState/syncResult/revision"), Head(a) + "," + Head(b));
  // Argo CD's multi-source fields, for tools that read them.
  base::Json both = base::Json::array({Head(a), Head(b)});
  EXPECT_EQ((*app)["status"]["operationState"]["syncResult"].value("revisions", base::Json()), both);
  EXPECT_EQ((*app)["status"]["sync"].value("revisions", base::Json()), both);
  EXPECT_EQ((*app)["status"]["history"][0].value("revisions", base::Json()), both);
  auto cm_a = ConfigMap("from-a");
  auto cm_b = ConfigMap("from-b");
  ASSERT_TRUE(cm_a.ok());
  ASSERT_TRUE(cm_b.ok());
  EXPECT_EQ(base::GetString((*cm_b)["metadata"]["annotations"], "argocd.argoproj.io/tracking-id"),
            ns() + "_multi:/ConfigMap:" + ns() + "/from-b");
}

TEST_F(MultiSourceTest, RefSourceValuesFileFeedsTheHelmSourceAndRendersNothingItself) {
  std::string chart = Repo("chart", {{"chart/Chart.yaml", "apiVersion: v2\nname: greeter\nversion: 0.1.0\n"},
                                     {"chart/values.yaml", "greeting: hello\n"},
                                     {"chart/templates/cm.yaml",
                                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-greeting\n"
                                      "data:\n  greeting: {{ .Values.greeting | quote }}\n"}});
  // The values repository also holds a manifest: a ref-only source must not render it.
  std::string values = Repo("values", {{"envs/prod.yaml", "greeting: bonjour\n"}, {"stray.yaml", Cm("stray", "x")}});
  auto r = Sync("  - repoURL: " + chart + "\n    path: chart\n    helm:\n      valueFiles:\n      - $values/envs/prod.yaml\n"
                "  - repoURL: " + values + "\n    ref: values\n");
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  auto cm = ConfigMap("multi-greeting");  // release name = the app's name
  ASSERT_TRUE(cm.ok()) << cm.status().ToString();
  EXPECT_EQ(base::GetStringAt(*cm, "data/greeting"), "bonjour");
  EXPECT_FALSE(ConfigMap("stray").ok());
}

TEST_F(MultiSourceTest, UndefinedRefFailsBeforeAnythingIsApplied) {
  std::string chart = Repo("chart", {{"chart/Chart.yaml", "apiVersion: v2\nname: greeter\nversion: 0.1.0\n"},
                                     {"chart/templates/cm.yaml",
                                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\ndata:\n  k: v\n"}});
  std::string other = Repo("other", {{"cm.yaml", Cm("other", "x")}});
  auto r = Sync("  - repoURL: " + other + "\n    path: .\n"
                "  - repoURL: " + chart + "\n    path: chart\n    helm:\n      valueFiles:\n      - $nope/prod.yaml\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stdout_text + r.stderr_text, HasSubstr("spec.sources[1]"));
  EXPECT_THAT(r.stdout_text + r.stderr_text, HasSubstr("$nope"));
  EXPECT_FALSE(ConfigMap("other").ok());
  EXPECT_FALSE(ConfigMap("greeting").ok());
}

// A relative --cache-dir (as users type it) renders a Helm chart: checkout paths are made absolute
// before the renderers compare them with the app directory.
TEST_F(MultiSourceTest, HelmRendersWithARelativeCacheDir) {
  std::string chart = Repo("chart", {{"chart/Chart.yaml", "apiVersion: v2\nname: greeter\nversion: 0.1.0\n"},
                                     {"chart/values.yaml", "greeting: hello\n"},
                                     {"chart/templates/cm.yaml",
                                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\n"
                                      "data:\n  greeting: {{ .Values.greeting | quote }}\n"}});
  std::string app = scratch_.path() + "/app.yaml";
  source_testing::WriteFile(app, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: rel\n"
                                 "spec:\n  source:\n    repoURL: " + chart + "\n    path: chart\n"
                                 "  destination:\n    server: https://kubernetes.default.svc\n    namespace: " + ns() + "\n");
  base::SubprocessOptions opts{.argv = {std::string(CAPSTAN_BINARY_DIR) + "/capstan", "app", "manifests", "-f", app,
                                        "--cache-dir", "relative-cache"}};
  opts.working_dir = scratch_.path();
  opts.timeout = std::chrono::seconds(60);
  auto r = base::RunSubprocess(opts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 0) << r->stderr_text;
  EXPECT_THAT(r->stdout_text, HasSubstr("greeting: hello"));
}

}  // namespace
}  // namespace capstan
