// Copyright 2026 The capstan Authors.

#include "cache/kind_discovery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/fake_client.h"

namespace capstan::cache {
namespace {

TEST(KindDiscoveryTest, KubeVersionPriority) {
  std::vector<std::string> v = {"v1alpha1", "foo", "v1beta1", "v2", "v1", "v11alpha2", "v1beta2", "bar", "v10"};
  std::sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) { return CompareKubeVersions(a, b) < 0; });
  EXPECT_THAT(v, ::testing::ElementsAre("v10", "v2", "v1", "v1beta2", "v1beta1", "v11alpha2", "v1alpha1", "bar", "foo"));
}

TEST(KindDiscoveryTest, PreferredVersionOfEachAllowedKindWithListAndWatch) {
  kube::FakeClient client;
  client.AddKind({{"example.com", "v1", "NoWatch"}, "nowatches", true, {"get", "list"}});
  auto kinds = DiscoverKinds(client, ResourceFilter(), "https://kubernetes.default.svc");
  ASSERT_TRUE(kinds.ok()) << kinds.status().ToString();
  std::vector<std::string> names;
  for (const kube::ApiResource& r : *kinds) names.push_back(r.gvk.ToString());
  EXPECT_THAT(names, ::testing::Contains("autoscaling/v2, Kind=HorizontalPodAutoscaler"));
  EXPECT_THAT(names, ::testing::Contains("batch/v1, Kind=CronJob"));
  EXPECT_THAT(names, ::testing::Contains("v1, Kind=ConfigMap"));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("batch/v1beta1, Kind=CronJob")));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("v1, Kind=Event")));          // core exclusion
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("v1, Kind=Endpoints")));      // default exclusion
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("example.com/v1, Kind=NoWatch")));  // no watch verb
}

TEST(KindDiscoveryTest, CrdKindOnceEstablishedAtItsPreferredServedVersion) {
  base::Json crd = {{"spec",
                     {{"group", "example.com"},
                      {"names", {{"kind", "Widget"}}},
                      {"versions",
                       {{{"name", "v1beta1"}, {"served", true}},
                        {{"name", "v1"}, {"served", true}},
                        {{"name", "v2"}, {"served", false}}}}}}};
  EXPECT_FALSE(CrdKind(crd).has_value());  // not Established
  crd["status"]["conditions"] = {{{"type", "Established"}, {"status", "True"}}};
  ASSERT_TRUE(CrdKind(crd).has_value());
  EXPECT_EQ(CrdKind(crd)->ToString(), "example.com/v1, Kind=Widget");
}

}  // namespace
}  // namespace capstan::cache
