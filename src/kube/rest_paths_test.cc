// Copyright 2026 The capstan Authors.

#include "kube/rest_paths.h"

#include <gtest/gtest.h>

namespace capstan::kube {
namespace {

ApiResource Res(std::string group, std::string version, std::string kind, std::string plural, bool namespaced) {
  ApiResource r;
  r.gvk = {std::move(group), std::move(version), std::move(kind)};
  r.resource = std::move(plural);
  r.namespaced = namespaced;
  return r;
}

TEST(RestPathsTest, CoreAndGroupPaths) {
  ApiResource pods = Res("", "v1", "Pod", "pods", true);
  ApiResource deps = Res("apps", "v1", "Deployment", "deployments", true);
  ApiResource nss = Res("", "v1", "Namespace", "namespaces", false);
  EXPECT_EQ(ResourcePath(pods, "ns1"), "/api/v1/namespaces/ns1/pods");
  EXPECT_EQ(ResourcePath(pods, ""), "/api/v1/pods");
  EXPECT_EQ(ResourcePath(pods, "ns1", "p", "log"), "/api/v1/namespaces/ns1/pods/p/log");
  EXPECT_EQ(ResourcePath(deps, "x", "web", "status"), "/apis/apps/v1/namespaces/x/deployments/web/status");
  EXPECT_EQ(ResourcePath(nss, "ignored", "prod"), "/api/v1/namespaces/prod");
  EXPECT_EQ(ResourcePath(nss, "ignored", "", "status"), "/api/v1/namespaces");  // no name, no subresource
}

TEST(RestPathsTest, EscapesPathSegmentsAndQueries) {
  EXPECT_EQ(UrlEscape("a-b.c_d~e"), "a-b.c_d~e");
  EXPECT_EQ(UrlEscape("a b/c?d&e=f%"), "a%20b%2Fc%3Fd%26e%3Df%25");
  ApiResource roles = Res("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false);
  EXPECT_EQ(ResourcePath(roles, "", "system:controller:x"),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Acontroller%3Ax");
  Query q;
  q.Add("labelSelector", "app in (a,b),tier!=db").AddIfSet("continue", "").Add("limit", "5");
  EXPECT_EQ(q.str(), "?labelSelector=app%20in%20%28a%2Cb%29%2Ctier%21%3Ddb&limit=5");
  EXPECT_EQ(Query().str(), "");
}

TEST(RestPathsTest, DescribeObject) {
  EXPECT_EQ(DescribeObject({"apps", "v1", "Deployment"}, "ns", "web"), "apps/Deployment ns/web");
  EXPECT_EQ(DescribeObject({"", "v1", "ConfigMap"}, "ns", "cfg"), "ConfigMap ns/cfg");
  EXPECT_EQ(DescribeObject({"", "v1", "Namespace"}, "", "prod"), "Namespace prod");
  EXPECT_EQ(DescribeKind({"apps", "v1", "Deployment"}), "apps/Deployment");
  EXPECT_EQ(DescribeKind({"", "v1", "Pod"}), "Pod");
}

}  // namespace
}  // namespace capstan::kube
