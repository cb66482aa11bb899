// Copyright 2026 The capstan Authors.
//
// A Helm chart in Git synced with `capstan sync -f app.yaml`: the chart of
// src/source/render/testdata/helm/guestbook is committed to a local repository and rendered with
// valueFiles and parameters; its CRD (from crds/), Deployment, Service and ConfigMap exist with the
// names, labels and image the chart gives them; the `helm.sh/hook: pre-install` Job ran as a PreSync
// hook, the `post-upgrade` one as PostSync; the `test` hook Pod is a hook with no phase, never applied
// (spec §1.7).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "base/json.h"
#include "cli_test_util.h"
#include "kube_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

namespace fs = std::filesystem;

class RenderHelmTest : public testing::ClusterTest {
 protected:
  std::string Repo() { return scratch_.path() + "/repo"; }

  source_testing::ScratchDir scratch_;
};

// The hook results of |app|'s last operation: "<phase> <kind>/<name>" each.
std::vector<std::string> HookResults(const base::Json& app) {
  std::vector<std::string> out;
  const base::Json results = app.value("status", base::Json::object())
                                 .value("operationState", base::Json::object())
                                 .value("syncResult", base::Json::object())
                                 .value("resources", base::Json::array());
  for (const base::Json& r : results) {
    if (base::GetString(r, "hookType").empty()) continue;
    out.push_back(base::GetString(r, "hookType") + " " + base::GetString(r, "kind") + "/" + base::GetString(r, "name"));
  }
  return out;
}

TEST_F(RenderHelmTest, ChartFromGitIsSyncedWithItsCrdAndHooks) {
  ASSERT_EQ(cli_testing::Run({"git", "init", "-q", "-b", "main", Repo()}).exit_code, 0);
  fs::create_directories(Repo() + "/charts");
  fs::copy(fs::path(CAPSTAN_SOURCE_DIR) / "src/source/render/testdata/helm/guestbook", Repo() + "/charts/guestbook",
           fs::copy_options::recursive);
  ASSERT_EQ(cli_testing::Run({"git", "-C", Repo(), "add", "-A"}).exit_code, 0);
  ASSERT_EQ(cli_testing::Run({"git", "-C", Repo(), "commit", "-q", "-m", "chart"}).exit_code, 0);

  std::string app = scratch_.path() + "/app.yaml";
  source_testing::WriteFile(app, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: gb\n  namespace: " +
                                     ns() + "\nspec:\n  source:\n    repoURL: " + Repo() +
                                     "\n    path: charts/guestbook\n    helm:\n      valueFiles: [values-prod.yaml]\n"
                                     "      parameters:\n      - name: image.tag\n        value: \"1.21\"\n"
                                     "  destination:\n    server: https://kubernetes.default.svc\n    namespace: " +
                                     ns() + "\n");
  auto r = cli_testing::Capstan({"sync", "-f", app, "-o", "json", "--cache-dir", scratch_.path() + "/cache"});
  ASSERT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  auto synced = base::ParseJson(r.stdout_text);
  ASSERT_TRUE(synced.ok()) << r.stdout_text;
  EXPECT_EQ(base::GetStringAt(*synced, "status/operationState/phase"), "Succeeded");
  EXPECT_EQ(base::GetStringAt(*synced, "status/sync/status"), "Synced");

  // crds/ is applied (--include-crds), cluster-scoped.
  auto crd = client().Get(testing::kCrd, "", "widgets.example.com");
  EXPECT_TRUE(crd.ok()) << crd.status().ToString();

  // Release name = the app's name, namespace = the destination's, values-prod.yaml + the parameter.
  auto deploy = client().Get(testing::kDeployment, ns(), "gb-web");
  ASSERT_TRUE(deploy.ok()) << deploy.status().ToString();
  EXPECT_EQ((*deploy)["spec"]["replicas"], 3);
  EXPECT_EQ((*deploy)["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.21");
  EXPECT_EQ((*deploy)["metadata"]["labels"]["app.kubernetes.io/instance"], "gb");
  EXPECT_EQ((*deploy)["metadata"]["labels"]["app.kubernetes.io/name"], "guestbook");
  auto svc = client().Get(testing::kService, ns(), "gb-web");
  ASSERT_TRUE(svc.ok()) << svc.status().ToString();
  EXPECT_EQ((*svc)["spec"]["ports"][0]["port"], 8080);
  auto cm = client().Get(testing::kConfigMap, ns(), "gb-config");
  ASSERT_TRUE(cm.ok()) << cm.status().ToString();
  EXPECT_EQ(base::GetStringAt(*cm, "data/releaseNamespace"), ns());
  EXPECT_EQ(base::GetStringAt(*cm, "data/kubeVersion").rfind("v1.20.", 0), 0u) << (*cm)["data"].dump();

  // Helm hooks as Argo CD maps them: pre-install -> PreSync, post-upgrade -> PostSync, test -> none.
  EXPECT_THAT(HookResults(*synced), ::testing::UnorderedElementsAre("PreSync Job/gb-migrate", "PostSync Job/gb-notify"))
      << (*synced)["status"].dump();
  EXPECT_TRUE(client().Get(core::Gvk{"", "v1", "Pod"}, ns(), "gb-test-connection").status().IsNotFound());
  // The migrate Job (before-hook-creation) is kept after it ran; notify (hook-succeeded) is deleted.
  const core::Gvk job{"batch", "v1", "Job"};
  auto migrate = client().Get(job, ns(), "gb-migrate");
  ASSERT_TRUE(migrate.ok()) << migrate.status().ToString();
  EXPECT_GE((*migrate)["status"].value("succeeded", 0), 1);
  EXPECT_TRUE(WaitFor([&] { return client().Get(job, ns(), "gb-notify").status().IsNotFound(); },
                      std::chrono::seconds(30)));
}

}  // namespace
}  // namespace capstan
