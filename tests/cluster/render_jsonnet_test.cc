// Copyright 2026 The capstan Authors.
//
// A Jsonnet directory app in Git synced with `capstan sync -f app.yaml`: the repository of
// src/source/render/testdata/jsonnet (apps/guestbook importing vendor/lib/k.libsonnet through
// `libs`) is committed to a local repository and synced with the ext vars and TLAs of its app.yaml;
// the ConfigMap and the Deployment exist with the values they give (the ext var envsubst'd with the
// destination namespace, the code TLA evaluated). A program that fails makes the sync fail with
// libjsonnet's message, and nothing is applied.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "base/json.h"
#include "base/yaml.h"
#include "cli_test_util.h"
#include "kube_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kFixture = fs::path(CAPSTAN_SOURCE_DIR) / "src/source/render/testdata/jsonnet";

class RenderJsonnetTest : public testing::ClusterTest {
 protected:
  std::string Repo() { return scratch_.path() + "/repo"; }

  void CommitFixture() {
    ASSERT_EQ(cli_testing::Run({"git", "init", "-q", "-b", "main", Repo()}).exit_code, 0);
    fs::copy(kFixture / "apps", Repo() + "/apps", fs::copy_options::recursive);
    fs::copy(kFixture / "vendor", Repo() + "/vendor", fs::copy_options::recursive);
    Commit("guestbook");
  }
  void Commit(const std::string& message) {
    ASSERT_EQ(cli_testing::Run({"git", "-C", Repo(), "add", "-A"}).exit_code, 0);
    ASSERT_EQ(cli_testing::Run({"git", "-C", Repo(), "commit", "-q", "-m", message}).exit_code, 0);
  }
  // The fixture's app.yaml pointed at the local repository and this test's namespace.
  std::string WriteApp() {
    auto app = base::ParseYaml(source_testing::ReadFile((kFixture / "app.yaml").string()), "app.yaml");
    EXPECT_TRUE(app.ok()) << app.status().ToString();
    (*app)["metadata"]["namespace"] = ns();
    (*app)["spec"]["source"]["repoURL"] = Repo();
    (*app)["spec"]["destination"]["namespace"] = ns();
    std::string path = scratch_.path() + "/app.yaml";
    source_testing::WriteFile(path, app->dump(2));
    return path;
  }
  base::SubprocessResult Sync(const std::string& app) {
    return cli_testing::Capstan({"sync", "-f", app, "-o", "json", "--cache-dir", scratch_.path() + "/cache"});
  }

  source_testing::ScratchDir scratch_;
};

TEST_F(RenderJsonnetTest, JsonnetAppWithLibsExtVarsAndTlasIsSynced) {
  CommitFixture();
  auto r = Sync(WriteApp());
  ASSERT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  auto synced = base::ParseJson(r.stdout_text);
  ASSERT_TRUE(synced.ok()) << r.stdout_text;
  EXPECT_EQ(base::GetStringAt(*synced, "status/operationState/phase"), "Succeeded");
  EXPECT_EQ(base::GetStringAt(*synced, "status/sync/status"), "Synced");

  // extVars: environment = "staging-${ARGOCD_APP_NAMESPACE}" (string), labels = {team: 'payments'}
  // (code); tlas: tier = "frontend" (string), replicas = "1 + 2" (code).
  auto cm = client().Get(testing::kConfigMap, ns(), "guestbook-ui-config");
  ASSERT_TRUE(cm.ok()) << cm.status().ToString();
  EXPECT_EQ(base::GetStringAt(*cm, "data/ENVIRONMENT"), "staging-" + ns());
  EXPECT_EQ(base::GetStringAt(*cm, "data/TIER"), "frontend");
  EXPECT_EQ((*cm)["metadata"]["labels"]["team"], "payments");
  EXPECT_EQ((*cm)["metadata"]["labels"]["tier"], "frontend");

  auto deploy = client().Get(testing::kDeployment, ns(), "guestbook-ui");
  ASSERT_TRUE(deploy.ok()) << deploy.status().ToString();
  EXPECT_EQ((*deploy)["spec"]["replicas"], 3);
  EXPECT_EQ((*deploy)["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.25");
  EXPECT_EQ((*deploy)["metadata"]["labels"]["app.kubernetes.io/name"], "guestbook-ui");
  EXPECT_EQ((*deploy)["spec"]["template"]["metadata"]["labels"]["tier"], "frontend");
  // The tracking annotation names the app, as for any rendered object.
  const base::Json annotations = (*deploy)["metadata"].value("annotations", base::Json::object());
  EXPECT_THAT(annotations.value("argocd.argoproj.io/tracking-id", ""), HasSubstr("guestbook"))
      << (*deploy)["metadata"].dump();
}

TEST_F(RenderJsonnetTest, FailingProgramFailsTheSyncWithLibjsonnetsMessage) {
  CommitFixture();
  source_testing::WriteFile(Repo() + "/apps/guestbook/app.jsonnet",
                            "function(replicas, tier='backend')\n  error 'no guestbook for tier ' + tier\n");
  Commit("broken");
  auto r = Sync(WriteApp());
  EXPECT_NE(r.exit_code, 0) << r.stdout_text;
  EXPECT_THAT(r.stdout_text + r.stderr_text,
              HasSubstr("failed to evaluate jsonnet \"app.jsonnet\": RUNTIME ERROR: no guestbook for tier frontend"));
  EXPECT_THAT(r.stdout_text + r.stderr_text, HasSubstr("apps/guestbook/app.jsonnet:2:"));
  EXPECT_TRUE(client().Get(testing::kConfigMap, ns(), "guestbook-ui-config").status().IsNotFound());
}

}  // namespace
}  // namespace capstan
