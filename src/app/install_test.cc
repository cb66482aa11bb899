// Copyright 2026 The capstan Authors.

#include "app/install.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/fake_client.h"

namespace capstan::app {
namespace {

using ::testing::ElementsAre;

TEST(InstallTest, CreatesThenLeavesAlone) {
  kube::FakeClient fake;
  auto first = Install(fake, {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_THAT(*first, ElementsAre("customresourcedefinition.apiextensions.k8s.io/applications.argoproj.io created",
                                  "customresourcedefinition.apiextensions.k8s.io/appprojects.argoproj.io created",
                                  "namespace/capstan created", "appproject.argoproj.io/default created"));
  auto second = Install(fake, {});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_THAT(*second, ElementsAre("customresourcedefinition.apiextensions.k8s.io/applications.argoproj.io unchanged",
                                   "customresourcedefinition.apiextensions.k8s.io/appprojects.argoproj.io unchanged",
                                   "namespace/capstan unchanged", "appproject.argoproj.io/default unchanged"));
  EXPECT_TRUE(fake.Resolve({"argoproj.io", "v1alpha1", "Application"}).ok());
}

TEST(InstallTest, ReusesArgoCdsCrds) {
  kube::FakeClient fake;
  base::Json argo = InstallManifests({})[0];
  argo["metadata"]["labels"] = {{"app.kubernetes.io/part-of", "argocd"}};
  ASSERT_TRUE(fake.Create(argo, {}).ok());
  auto lines = Install(fake, {});
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  EXPECT_EQ((*lines)[0], "customresourcedefinition.apiextensions.k8s.io/applications.argoproj.io unchanged (Argo CD's)");
}

}  // namespace
}  // namespace capstan::app
