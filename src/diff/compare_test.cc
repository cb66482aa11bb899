// Copyright 2026 The capstan Authors.

#include "diff/compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace capstan::diff {
namespace {

using ::testing::ElementsAre;

base::Json Deployment(int replicas) {
  return base::Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"ns","labels":{"app":"web"}},
    "spec":{"replicas":)" + std::to_string(replicas) + R"(,"template":{"spec":{"containers":[{"name":"main","image":"nginx"}]}}}})");
}

TEST(CompareTest, ServerAddedFieldsAndMetadataDoNotCount) {
  base::Json live = Deployment(2);
  live["metadata"]["uid"] = "123";
  live["metadata"]["resourceVersion"] = "77";
  live["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{}";
  live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "Always";
  live["spec"]["strategy"] = {{"type", "RollingUpdate"}};
  live["status"] = {{"replicas", 0}};
  EXPECT_FALSE(Compare(Deployment(2), live).modified);
}

TEST(CompareTest, ChangedScalarIsReportedWithItsPath) {
  Comparison c = Compare(Deployment(3), Deployment(2));
  EXPECT_TRUE(c.modified);
  EXPECT_THAT(c.paths, ElementsAre("/spec/replicas"));
}

TEST(CompareTest, ListItemAddedByAnotherManagerDoesNotCount) {
  base::Json live = Deployment(2);
  live["spec"]["template"]["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "x"}});
  EXPECT_FALSE(Compare(Deployment(2), live).modified);
}

TEST(CompareTest, AtomicListIsReplacedWhole) {
  base::Json target = Deployment(2);
  target["spec"]["template"]["spec"]["containers"][0]["args"] = {"a", "b"};
  base::Json live = target;
  live["spec"]["template"]["spec"]["containers"][0]["args"] = {"a", "b", "c"};
  Comparison c = Compare(target, live);
  EXPECT_TRUE(c.modified);
  EXPECT_THAT(c.paths, ElementsAre("/spec/template/spec/containers/0/args"));
}

TEST(CompareTest, LabelsCountButOtherMetadataDoesNot) {
  base::Json target = Deployment(2);
  target["metadata"]["labels"]["tier"] = "front";
  EXPECT_TRUE(Compare(target, Deployment(2)).modified);
}

TEST(CompareTest, NumbersCompareByValue) {
  base::Json live = Deployment(2);
  live["spec"]["replicas"] = 2.0;
  EXPECT_FALSE(Compare(Deployment(2), live).modified);
}

TEST(CompareTest, SecretStringDataMatchesStoredData) {
  base::Json target = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}}},
                       {"stringData", {{"password", "hunter2"}}}};
  base::Json live = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}}},
                     {"data", {{"password", "aHVudGVyMg=="}}}};
  EXPECT_FALSE(Compare(target, live).modified);
  live["data"]["password"] = "b3RoZXI=";
  EXPECT_TRUE(Compare(target, live).modified);
}

}  // namespace
}  // namespace capstan::diff
