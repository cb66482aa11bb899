// Copyright 2026 The capstan Authors.

#include "diff/diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace capstan::diff {
namespace {

base::Json Target() {
  return base::Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"ns","annotations":{"argocd.argoproj.io/tracking-id":"app:apps/Deployment:ns/web"}},
    "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"main","image":"nginx:1","env":[{"name":"A","value":"1"}]}]}}}})");
}

// The live object after capstan applied Target(): server defaults, status, managedFields.
base::Json Live() {
  base::Json l = Target();
  l["metadata"]["uid"] = "u-1";
  l["metadata"]["resourceVersion"] = "42";
  l["metadata"]["generation"] = 3;
  l["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z";
  l["spec"]["strategy"] = {{"type", "RollingUpdate"}};
  l["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent";
  l["spec"]["template"]["spec"]["containers"][0]["terminationMessagePath"] = "/dev/termination-log";
  l["spec"]["template"]["spec"]["restartPolicy"] = "Always";
  l["status"] = {{"replicas", 2}, {"readyReplicas", 1}};
  l["metadata"]["managedFields"] = base::Json::parse(R"([
    {"manager":"capstan","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{
      "f:metadata":{"f:annotations":{"f:argocd.argoproj.io/tracking-id":{}}},
      "f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"main\"}":{
        ".":{},"f:name":{},"f:image":{},"f:env":{"k:{\"name\":\"A\"}":{".":{},"f:name":{},"f:value":{}}}}}}}}}},
    {"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1","subresource":"status",
     "fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:replicas":{},"f:readyReplicas":{}}}}])");
  return l;
}

base::Json& Container(base::Json& d) { return d["spec"]["template"]["spec"]["containers"][0]; }

TEST(DiffTest, ServerDefaultsStatusAndMetadataDoNotCount) {
  base::Json t = Target(), l = Live();
  auto d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->modified);
  EXPECT_FALSE(d->normalized_live.contains("status"));
  EXPECT_FALSE(d->normalized_live["metadata"].contains("managedFields"));
}

TEST(DiffTest, ChangedFieldIsModifiedAndPredictedCarriesTheTargetValue) {
  base::Json t = Target(), l = Live();
  Container(t)["image"] = "nginx:2";
  auto d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->modified);
  EXPECT_EQ(Container(d->predicted_live)["image"], "nginx:2");
  EXPECT_EQ(Container(d->predicted_live)["imagePullPolicy"], "IfNotPresent");  // defaults kept
  EXPECT_EQ(Container(d->normalized_live)["image"], "nginx:1");
}

TEST(DiffTest, FieldDroppedFromGitThatOnlyCapstanOwnedIsADifference) {
  base::Json t = Target(), l = Live();
  t["spec"].erase("replicas");
  auto d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->modified);
  EXPECT_FALSE(d->predicted_live["spec"].contains("replicas"));

  // The same for a list item capstan owned (env A removed).
  t = Target();
  Container(t).erase("env");
  d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->modified);
  EXPECT_FALSE(Container(d->predicted_live).contains("env") && !Container(d->predicted_live)["env"].empty());
}

TEST(DiffTest, FieldOwnedByAnotherManagerTooStaysWhenDroppedFromGit) {
  base::Json t = Target(), l = Live();
  l["metadata"]["managedFields"].push_back(base::Json::parse(R"({"manager":"hpa","operation":"Update",
    "apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}})"));
  t["spec"].erase("replicas");
  auto d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->modified);
}

TEST(DiffTest, FieldNobodyOwnsIsNotADifferenceWhenAbsentFromTarget) {
  // Without managedFields (created by kubectl create, say) nothing is known to be capstan's.
  base::Json t = Target(), l = Live();
  l["metadata"].erase("managedFields");
  t["spec"].erase("replicas");
  auto d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->modified);
}

TEST(DiffTest, PortProtocolCapstanFilledInIsInSyncWithATargetWithoutIt) {
  // The sync applies `protocol: TCP` where Git has none (apply_shape.h), so capstan owns it; a target
  // without it must not read as "dropped from Git".
  base::Json t = Target(), l = Live();
  Container(t)["ports"] = base::Json::parse(R"([{"containerPort":80}])");
  Container(l)["ports"] = base::Json::parse(R"([{"containerPort":80,"protocol":"TCP"}])");
  l["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"main\"}"]
   ["f:ports"] = base::Json::parse(R"({"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}})");
  auto d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->modified) << d->predicted_live.dump();
  // Another protocol in the cluster is still a difference.
  Container(l)["ports"][0]["protocol"] = "UDP";
  d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->modified);
}

TEST(DiffTest, ListItemsMergeByKey) {
  base::Json t = Target(), l = Live();
  // A sidecar injected by someone else, and env added by another manager: not capstan's business.
  l["spec"]["template"]["spec"]["containers"].push_back({{"name", "istio-proxy"}, {"image", "envoy"}});
  Container(l)["env"].push_back({{"name", "INJECTED"}, {"value", "x"}});
  auto d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->modified);
  // A new env var in Git is a difference, appended after the live ones.
  Container(t)["env"].push_back({{"name", "B"}, {"value", "2"}});
  d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->modified);
  EXPECT_EQ(Container(d->predicted_live)["env"].size(), 3u);
}

TEST(DiffTest, TargetWithoutLiveIsModifiedLiveWithoutTargetIsNot) {
  base::Json t = Target(), l = Live();
  auto created = Diff(&t, nullptr);
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->modified);
  EXPECT_TRUE(created->normalized_live.is_null());
  auto extraneous = Diff(nullptr, &l);
  ASSERT_TRUE(extraneous.ok());
  EXPECT_FALSE(extraneous->modified);
  EXPECT_TRUE(extraneous->predicted_live.is_null());
  EXPECT_FALSE(Diff(nullptr, nullptr).ok());
}

TEST(DiffTest, SecretStringDataEqualToStoredData) {
  base::Json t = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}, {"namespace", "ns"}}},
                  {"stringData", {{"password", "hunter2"}}}};
  base::Json l = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}, {"namespace", "ns"}}},
                  {"data", {{"password", "aHVudGVyMg=="}}}, {"type", "Opaque"}};
  auto d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->modified);
  l["data"]["password"] = "b3RoZXI=";
  d = Diff(&t, &l);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->modified);
}

TEST(DiffTest, IgnoreDifferencesJsonPointerAndJq) {
  base::Json t = Target(), l = Live();
  t["spec"]["replicas"] = 5;
  Container(t)["image"] = "nginx:9";
  auto config = LoadDiffConfig({{"spec", {{"ignoreDifferences", base::Json::parse(R"([
    {"group":"apps","kind":"Deployment","jsonPointers":["/spec/replicas"],
     "jqPathExpressions":[".spec.template.spec.containers[] | select(.name == \"main\").image"]}])")}}}},
                               {});
  ASSERT_TRUE(config.ok());
  DiffOptions opts{.config = &*config};
  auto d = Diff(&t, &l, opts);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_FALSE(d->modified);
}

TEST(DiffTest, ManagedFieldsManagersTakeTheirDifferingFieldsOut) {
  base::Json t = Target(), l = Live();
  l["spec"]["replicas"] = 7;  // scaled by the HPA, which now owns replicas
  l["metadata"]["managedFields"].push_back(base::Json::parse(R"({"manager":"hpa-controller","operation":"Update",
    "apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}})"));
  auto plain = Diff(&t, &l);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->modified);
  auto config = LoadDiffConfig({{"spec", {{"ignoreDifferences", base::Json::parse(R"([
    {"group":"apps","kind":"Deployment","managedFieldsManagers":["hpa-controller"]}])")}}}},
                               {});
  ASSERT_TRUE(config.ok());
  DiffOptions opts{.config = &*config};
  auto d = Diff(&t, &l, opts);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->modified);
  // A field the manager does not own still counts.
  Container(t)["image"] = "nginx:2";
  d = Diff(&t, &l, opts);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->modified);
}

TEST(DiffTest, StatusCountsWhenIgnoreResourceStatusFieldIsNone) {
  base::Json t = Target(), l = Live();
  t["status"] = {{"replicas", 9}};
  DiffConfig none;
  none.ignore_status = StatusFieldMode::kNone;
  DiffOptions opts{.config = &none};
  auto d = Diff(&t, &l, opts);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->modified);
  auto dflt = Diff(&t, &l);
  ASSERT_TRUE(dflt.ok());
  EXPECT_FALSE(dflt->modified);
}

TEST(DiffTest, JqErrorIsReturned) {
  base::Json t = Target(), l = Live();
  auto config = LoadDiffConfig({{"spec", {{"ignoreDifferences", base::Json::parse(R"([
    {"group":"apps","kind":"Deployment","jqPathExpressions":[".spec |||"]}])")}}}},
                               {});
  ASSERT_TRUE(config.ok());
  DiffOptions opts{.config = &*config};
  auto d = Diff(&t, &l, opts);
  EXPECT_EQ(d.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(d.status().message(), ::testing::HasSubstr(".spec |||"));
}

TEST(DiffTest, JqWorkerServesManyObjects) {
  auto config = LoadDiffConfig({{"spec", {{"ignoreDifferences", base::Json::parse(R"([
    {"group":"apps","kind":"Deployment","jqPathExpressions":[".spec.replicas"]}])")}}}},
                               {});
  ASSERT_TRUE(config.ok());
  DiffOptions opts{.config = &*config};
  for (int i = 0; i < 20; ++i) {
    base::Json t = Target(), l = Live();
    t["spec"]["replicas"] = i;
    auto d = Diff(&t, &l, opts);
    ASSERT_TRUE(d.ok()) << i;
    EXPECT_FALSE(d->modified) << i;
    EXPECT_FALSE(d->predicted_live["spec"].contains("replicas")) << i;
  }
}

TEST(DiffTest, DiffPredictedStripsServerMetadata) {
  base::Json t = Target(), l = Live();
  base::Json predicted = l;
  predicted["metadata"]["resourceVersion"] = "43";
  predicted["metadata"]["managedFields"] = base::Json::array();
  auto d = DiffPredicted(t, predicted, l);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->modified);
  Container(predicted)["image"] = "nginx:2";
  d = DiffPredicted(t, predicted, l);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->modified);
}

}  // namespace
}  // namespace capstan::diff
