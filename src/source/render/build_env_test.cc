// Copyright 2026 The capstan Authors.

#include "source/render/build_env.h"

#include <gtest/gtest.h>

namespace capstan::source::render {
namespace {

BuildEnv Env() {
  BuildEnv env;
  env.app_name = "guestbook";
  env.app_namespace = "prod";
  env.revision = "0123456789abcdef0123456789abcdef01234567";
  env.kube_version = "1.20.5";
  env.api_versions = {"v1", "apps/v1"};
  return env;
}

TEST(BuildEnvTest, VariablesAreArgoCDs) {
  auto vars = Env().Variables();
  EXPECT_EQ(vars["ARGOCD_APP_NAME"], "guestbook");
  EXPECT_EQ(vars["ARGOCD_APP_NAMESPACE"], "prod");
  EXPECT_EQ(vars["ARGOCD_APP_REVISION_SHORT"], "0123456");
  EXPECT_EQ(vars["ARGOCD_APP_REVISION_SHORT_8"], "01234567");
  EXPECT_EQ(vars["KUBE_API_VERSIONS"], "v1,apps/v1");
}

TEST(BuildEnvTest, EnvsubstFollowsGoOsExpand) {
  BuildEnv env = Env();
  EXPECT_EQ(env.Envsubst("values-$ARGOCD_APP_NAMESPACE.yaml"), "values-prod.yaml");
  EXPECT_EQ(env.Envsubst("${ARGOCD_APP_NAME}-x"), "guestbook-x");
  EXPECT_EQ(env.Envsubst("$UNKNOWN/a"), "/a");       // unknown variables become ""
  EXPECT_EQ(env.Envsubst("cost: $$5"), "cost: $5");  // "$$" is a dollar
  EXPECT_EQ(env.Envsubst("100$"), "100$");           // a trailing dollar stays
  EXPECT_EQ(env.Envsubst("a $ b"), "a $ b");         // a dollar with no name stays
  EXPECT_EQ(env.Envsubst("${}x"), "x");              // bad syntax is eaten
  EXPECT_EQ(env.Envsubst("$1x"), "x");               // a special variable, unknown
  EXPECT_EQ(env.Envsubst("plain"), "plain");
}

}  // namespace
}  // namespace capstan::source::render
