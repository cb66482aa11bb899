// Copyright 2026 The capstan Authors.
//
// A Kustomize overlay in Git synced with `capstan sync -f app.yaml`: the tree of
// src/source/render/testdata/kustomize (base, overlays/prod, components/debug) is committed to a
// local repository and the Application points at overlays/prod with spec.source.kustomize options
// (namePrefix replacing the overlay's, an image override, commonLabels, replicas, a component and a
// commonAnnotation with the build environment substituted). The objects exist in the destination
// namespace with the names, labels, selector, image and data Argo CD would give them.

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

class RenderKustomizeTest : public testing::ClusterTest {
 protected:
  std::string Repo() { return scratch_.path() + "/repo"; }

  source_testing::ScratchDir scratch_;
};

TEST_F(RenderKustomizeTest, OverlayFromGitIsSyncedWithTheApplicationsOptions) {
  ASSERT_EQ(cli_testing::Run({"git", "init", "-q", "-b", "main", Repo()}).exit_code, 0);
  fs::copy(fs::path(CAPSTAN_SOURCE_DIR) / "src/source/render/testdata/kustomize", Repo(), fs::copy_options::recursive);
  ASSERT_EQ(cli_testing::Run({"git", "-C", Repo(), "add", "-A"}).exit_code, 0);
  ASSERT_EQ(cli_testing::Run({"git", "-C", Repo(), "commit", "-q", "-m", "kustomize"}).exit_code, 0);

  std::string app = scratch_.path() + "/app.yaml";
  source_testing::WriteFile(app, R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: )" + ns() + R"(
spec:
  source:
    repoURL: )" + Repo() + R"(
    path: overlays/prod
    kustomize:
      namePrefix: capstan-
      images:
      - nginx=registry.example.com/nginx:1.25
      commonLabels:
        team: payments
      commonAnnotations:
        rendered-for: ${ARGOCD_APP_NAME}
      commonAnnotationsEnvsubst: true
      replicas:
      - name: web
        count: 3
      components:
      - ../../components/debug
  destination:
    server: https://kubernetes.default.svc
    namespace: )" + ns() + "\n");
  auto r = cli_testing::Capstan({"sync", "-f", app, "-o", "json", "--cache-dir", scratch_.path() + "/cache"});
  ASSERT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  auto synced = base::ParseJson(r.stdout_text);
  ASSERT_TRUE(synced.ok()) << r.stdout_text;
  EXPECT_EQ(base::GetStringAt(*synced, "status/operationState/phase"), "Succeeded");
  EXPECT_EQ(base::GetStringAt(*synced, "status/sync/status"), "Synced");

  // The Application's namePrefix replaced the overlay's prod-; the objects are in the destination
  // namespace (the kustomization sets none).
  EXPECT_TRUE(client().Get(testing::kDeployment, ns(), "prod-web").status().IsNotFound());
  auto deploy = client().Get(testing::kDeployment, ns(), "capstan-web");
  ASSERT_TRUE(deploy.ok()) << deploy.status().ToString();
  EXPECT_EQ((*deploy)["spec"]["replicas"], 3);
  EXPECT_EQ((*deploy)["spec"]["template"]["spec"]["containers"][0]["image"], "registry.example.com/nginx:1.25");
  EXPECT_EQ((*deploy)["metadata"]["labels"]["team"], "payments");
  EXPECT_EQ((*deploy)["spec"]["selector"]["matchLabels"], (base::Json{{"app", "web"}, {"team", "payments"}}));
  EXPECT_EQ((*deploy)["metadata"]["annotations"]["rendered-for"], "shop");
  EXPECT_EQ((*deploy)["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"],
            "capstan-web-config");

  auto svc = client().Get(testing::kService, ns(), "capstan-web");
  ASSERT_TRUE(svc.ok()) << svc.status().ToString();
  EXPECT_EQ((*svc)["spec"]["selector"], (base::Json{{"app", "web"}, {"team", "payments"}}));
  EXPECT_EQ((*svc)["metadata"]["labels"]["team"], "payments");

  // The overlay's patch and the component's both reached the ConfigMap.
  auto cm = client().Get(testing::kConfigMap, ns(), "capstan-web-config");
  ASSERT_TRUE(cm.ok()) << cm.status().ToString();
  EXPECT_EQ(base::GetStringAt(*cm, "data/greeting"), "hello from prod");
  EXPECT_EQ(base::GetStringAt(*cm, "data/debug"), "true");
  EXPECT_EQ((*cm)["metadata"]["labels"]["team"], "payments");
}

}  // namespace
}  // namespace capstan
