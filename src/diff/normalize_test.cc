// Copyright 2026 The capstan Authors.

#include "diff/normalize.h"

#include <gtest/gtest.h>

namespace capstan::diff {
namespace {

base::Json Obj(const std::string& api_version, const std::string& kind) {
  return {{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", "x"}, {"namespace", "ns"}}}};
}

TEST(NormalizeTest, DropsServerMetadata) {
  base::Json o = Obj("v1", "ConfigMap");
  for (const char* k : {"creationTimestamp", "resourceVersion", "uid", "generation", "selfLink"}) o["metadata"][k] = "v";
  o["metadata"]["managedFields"] = base::Json::array({{{"manager", "m"}}});
  Normalize(o);
  EXPECT_EQ(o, Obj("v1", "ConfigMap"));
}

TEST(NormalizeTest, EmptyLabelsAndAnnotationsAreNone) {
  base::Json o = Obj("v1", "ConfigMap");
  o["metadata"]["labels"] = base::Json::object();
  o["metadata"]["annotations"] = nullptr;
  Normalize(o);
  EXPECT_EQ(o, Obj("v1", "ConfigMap"));
}

TEST(NormalizeTest, SecretStringDataBecomesBase64DataAndNullIsEmpty) {
  base::Json o = Obj("v1", "Secret");
  o["stringData"] = {{"password", "hunter2"}};
  o["data"] = {{"token", nullptr}, {"password", "b2xk"}};
  Normalize(o);
  EXPECT_FALSE(o.contains("stringData"));
  EXPECT_EQ(o["data"]["password"], "aHVudGVyMg==");  // stringData wins, as the server does
  EXPECT_EQ(o["data"]["token"], "");
}

TEST(NormalizeTest, RoleWithEmptyRulesIsRoleWithoutRules) {
  for (const char* kind : {"Role", "ClusterRole"}) {
    base::Json o = Obj("rbac.authorization.k8s.io/v1", kind);
    o["rules"] = base::Json::array();
    Normalize(o);
    EXPECT_EQ(o, Obj("rbac.authorization.k8s.io/v1", kind)) << kind;
  }
  base::Json with_rules = Obj("rbac.authorization.k8s.io/v1", "Role");
  with_rules["rules"] = base::Json::array({{{"verbs", {"get"}}}});
  base::Json copy = with_rules;
  Normalize(copy);
  EXPECT_EQ(copy, with_rules);
}

TEST(NormalizeTest, EndpointsDefaultProtocolAndSortedSubsets) {
  base::Json a = Obj("v1", "Endpoints");
  a["subsets"] = base::Json::parse(R"([
    {"addresses":[{"ip":"10.0.0.2"},{"ip":"10.0.0.1"}],"ports":[{"port":80}]},
    {"addresses":[{"ip":"10.0.0.0"}],"ports":[{"port":81,"protocol":"UDP"}]}])");
  base::Json b = Obj("v1", "Endpoints");
  b["subsets"] = base::Json::parse(R"([
    {"addresses":[{"ip":"10.0.0.0"}],"ports":[{"port":81,"protocol":"UDP"}]},
    {"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"port":80,"protocol":"TCP"}]}])");
  Normalize(a);
  Normalize(b);
  EXPECT_EQ(a, b);
}

TEST(NormalizeTest, TrackingAnnotationCopiedToLiveThatHasOnlyTheLabel) {
  base::Json target = Obj("v1", "ConfigMap");
  target["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"] = "app:/ConfigMap:ns/x";
  base::Json live = Obj("v1", "ConfigMap");
  live["metadata"]["labels"]["app.kubernetes.io/instance"] = "app";
  NormalizeTracking(target, live);
  EXPECT_EQ(live["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"], "app:/ConfigMap:ns/x");
  EXPECT_FALSE(live["metadata"]["labels"].contains("app.kubernetes.io/instance"));  // target has no label
}

TEST(NormalizeTest, TrackingLabelKeptWhenTargetHasIt) {
  base::Json target = Obj("v1", "ConfigMap");
  target["metadata"]["labels"]["app.kubernetes.io/instance"] = "app";
  base::Json live = target;
  NormalizeTracking(target, live);
  EXPECT_EQ(live["metadata"]["labels"]["app.kubernetes.io/instance"], "app");
}

}  // namespace
}  // namespace capstan::diff
