// Copyright 2026 The capstan Authors.

#include "kube/discovery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace capstan::kube {
namespace {

using base::Json;
using ::testing::HasSubstr;

Json AppsV1() {
  return Json::parse(R"({
    "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "apps/v1",
    "resources": [
      {"name": "deployments", "singularName": "", "namespaced": true, "kind": "Deployment",
       "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]},
      {"name": "deployments/scale", "namespaced": true, "group": "autoscaling", "version": "v1",
       "kind": "Scale", "verbs": ["get", "patch", "update"]},
      {"name": "deployments/status", "namespaced": true, "kind": "Deployment", "verbs": ["get"]}
    ]})");
}

Json CoreV1() {
  return Json::parse(R"({
    "kind": "APIResourceList", "groupVersion": "v1",
    "resources": [
      {"name": "namespaces", "namespaced": false, "kind": "Namespace", "verbs": ["get"]},
      {"name": "pods", "namespaced": true, "kind": "Pod", "verbs": ["get"]},
      {"name": "pods/log", "namespaced": true, "kind": "Pod", "verbs": ["get"]}
    ]})");
}

// A server whose answers the test changes.
struct FakeServer {
  std::map<std::string, Json> lists;
  std::map<std::string, int> fetches;
  base::Result<Json> Fetch(const std::string& gv) {
    ++fetches[gv];
    auto it = lists.find(gv);
    if (it == lists.end()) return base::Status::NotFound("the server could not find the requested resource");
    return it->second;
  }
};

TEST(DiscoveryTest, ResolvesAndCachesPerGroupVersion) {
  FakeServer srv;
  srv.lists["apps/v1"] = AppsV1();
  srv.lists["v1"] = CoreV1();
  Discovery d([&](const std::string& gv) { return srv.Fetch(gv); });
  auto dep = d.Resolve({"apps", "v1", "Deployment"});
  ASSERT_TRUE(dep.ok()) << dep.status().ToString();
  EXPECT_EQ(dep->resource, "deployments");
  EXPECT_TRUE(dep->namespaced);
  EXPECT_THAT(dep->verbs, ::testing::Contains("patch"));
  auto ns = d.Resolve({"", "v1", "Namespace"});
  ASSERT_TRUE(ns.ok());
  EXPECT_EQ(ns->resource, "namespaces");
  EXPECT_FALSE(ns->namespaced);
  auto pod = d.Resolve({"", "v1", "Pod"});
  ASSERT_TRUE(pod.ok());
  EXPECT_EQ(pod->resource, "pods");  // not "pods/log"
  ASSERT_TRUE(d.Resolve({"apps", "v1", "Deployment"}).ok());
  EXPECT_EQ(srv.fetches["apps/v1"], 1);
  EXPECT_EQ(srv.fetches["v1"], 1);
}

TEST(DiscoveryTest, SubresourcesAreNotKinds) {
  FakeServer srv;
  srv.lists["apps/v1"] = AppsV1();
  Discovery d([&](const std::string& gv) { return srv.Fetch(gv); });
  // "Scale" appears only as deployments/scale of another group: apps/v1 does not serve it.
  auto scale = d.Resolve({"apps", "v1", "Scale"});
  EXPECT_TRUE(scale.status().IsNotFound());
}

TEST(DiscoveryTest, AMissRefetchesOnceThenFindsANewKind) {
  FakeServer srv;
  Json crds = Json::parse(R"({"kind":"APIResourceList","groupVersion":"example.com/v1","resources":[]})");
  srv.lists["example.com/v1"] = crds;
  Discovery d([&](const std::string& gv) { return srv.Fetch(gv); });
  auto before = d.Resolve({"example.com", "v1", "Widget"});
  EXPECT_TRUE(before.status().IsNotFound());
  EXPECT_THAT(before.status().message(), HasSubstr("has no kind Widget"));
  EXPECT_EQ(srv.fetches["example.com/v1"], 1);
  // The CRD becomes Established: the next miss on the cached list asks again and finds it.
  srv.lists["example.com/v1"]["resources"].push_back(
      {{"name", "widgets"}, {"namespaced", true}, {"kind", "Widget"}, {"verbs", {"get"}}});
  auto after = d.Resolve({"example.com", "v1", "Widget"});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->resource, "widgets");
  EXPECT_EQ(srv.fetches["example.com/v1"], 2);
  ASSERT_TRUE(d.Resolve({"example.com", "v1", "Widget"}).ok());
  EXPECT_EQ(srv.fetches["example.com/v1"], 2);  // cached again
}

TEST(DiscoveryTest, UnknownGroupVersionIsNotFound) {
  FakeServer srv;
  Discovery d([&](const std::string& gv) { return srv.Fetch(gv); });
  auto r = d.Resolve({"nope.example.com", "v9", "Thing"});
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_THAT(r.status().message(), HasSubstr("nope.example.com/v9"));
}

TEST(DiscoveryTest, OtherFetchErrorsPassThroughAndAreNotCached) {
  int calls = 0;
  Discovery d([&](const std::string&) -> base::Result<Json> {
    if (++calls == 1) return base::Status::Unavailable("connection refused");
    return AppsV1();
  });
  auto r = d.Resolve({"apps", "v1", "Deployment"});
  EXPECT_EQ(r.status().code(), base::StatusCode::kUnavailable);
  EXPECT_TRUE(d.Resolve({"apps", "v1", "Deployment"}).ok());
}

TEST(DiscoveryTest, InvalidateForgetsEverything) {
  FakeServer srv;
  srv.lists["apps/v1"] = AppsV1();
  Discovery d([&](const std::string& gv) { return srv.Fetch(gv); });
  ASSERT_TRUE(d.Resolve({"apps", "v1", "Deployment"}).ok());
  d.Invalidate();
  ASSERT_TRUE(d.Resolve({"apps", "v1", "Deployment"}).ok());
  EXPECT_EQ(srv.fetches["apps/v1"], 2);
}

TEST(DiscoveryTest, RejectsWhatIsNotAResourceList) {
  EXPECT_EQ(Discovery::ParseResourceList(Json::parse(R"({"kind":"Status"})")).status().code(),
            base::StatusCode::kInternal);
}

}  // namespace
}  // namespace capstan::kube
