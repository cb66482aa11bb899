// Copyright 2026 The capstan Authors.

#include "diff/ignore.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

namespace capstan::diff {
namespace {

using ::testing::HasSubstr;

base::Json Deployment() {
  return base::Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"ns"},
    "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"main","image":"nginx"},{"name":"side","image":"x"}]}}},
    "status":{"replicas":3}})");
}

base::Json App(const std::string& ignore_yaml_json) {
  return {{"spec", {{"ignoreDifferences", base::Json::parse(ignore_yaml_json)}}}};
}

TEST(IgnoreTest, StatusIgnoredByDefault) {
  base::Json d = Deployment();
  ASSERT_TRUE(ApplyIgnoreRules(DiffConfig{}, d, d).ok());
  EXPECT_FALSE(d.contains("status"));
}

TEST(IgnoreTest, IgnoreResourceStatusFieldNoneKeepsStatusCrdOnlyForCrds) {
  auto none = LoadDiffConfig({}, {{"resource.compareoptions", "ignoreResourceStatusField: none"}});
  ASSERT_TRUE(none.ok());
  base::Json d = Deployment();
  ASSERT_TRUE(ApplyIgnoreRules(*none, d, d).ok());
  EXPECT_TRUE(d.contains("status"));

  auto crd = LoadDiffConfig({}, {{"resource.compareoptions", "ignoreResourceStatusField: crd"}});
  ASSERT_TRUE(crd.ok());
  ASSERT_TRUE(ApplyIgnoreRules(*crd, d, d).ok());
  EXPECT_TRUE(d.contains("status"));
  base::Json c = {{"apiVersion", "apiextensions.k8s.io/v1"}, {"kind", "CustomResourceDefinition"},
                  {"status", {{"x", 1}}}};
  ASSERT_TRUE(ApplyIgnoreRules(*crd, c, c).ok());
  EXPECT_FALSE(c.contains("status"));

  auto garbage = LoadDiffConfig({}, {{"resource.compareoptions", "ignoreResourceStatusField: sometimes"}});
  ASSERT_TRUE(garbage.ok());
  EXPECT_EQ(garbage->ignore_status, StatusFieldMode::kAll);
}

TEST(IgnoreTest, JsonPointersOfMatchingRulesOnly) {
  auto config = LoadDiffConfig(App(R"([
    {"group":"apps","kind":"Deployment","jsonPointers":["/spec/replicas","/spec/missing/path"]},
    {"group":"apps","kind":"Deployment","name":"other","jsonPointers":["/spec/template"]},
    {"group":"","kind":"ConfigMap","jsonPointers":["/spec/template"]}])"),
                               {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  base::Json d = Deployment();
  ASSERT_TRUE(ApplyIgnoreRules(*config, d, d).ok());
  EXPECT_FALSE(d["spec"].contains("replicas"));
  EXPECT_TRUE(d["spec"].contains("template"));
}

TEST(IgnoreTest, GroupAndKindAreGlobsNamespaceExact) {
  IgnoreRule r;
  r.group = "app*";
  r.kind = "Deploy*";
  EXPECT_TRUE(RuleMatches(r, Deployment()));
  r.namespace_ = "other";
  EXPECT_FALSE(RuleMatches(r, Deployment()));
  r.namespace_ = "ns";
  EXPECT_TRUE(RuleMatches(r, Deployment()));
  r.kind = "StatefulSet";
  EXPECT_FALSE(RuleMatches(r, Deployment()));
}

TEST(IgnoreTest, JqPathExpressionDeletesMatchingItems) {
  auto config = LoadDiffConfig(
      App(R"j([{"group":"apps","kind":"Deployment","jqPathExpressions":[".spec.template.spec.containers[] | select(.name == \"side\")"]}])j"),
      {});
  ASSERT_TRUE(config.ok());
  base::Json d = Deployment();
  ASSERT_TRUE(ApplyIgnoreRules(*config, d, d).ok());
  ASSERT_EQ(d["spec"]["template"]["spec"]["containers"].size(), 1u);
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["name"], "main");
}

TEST(IgnoreTest, BadJqExpressionNamesRuleAndExpression) {
  auto config = LoadDiffConfig(App(R"([{"group":"apps","kind":"Deployment","jqPathExpressions":[".spec | ((("]}])"), {});
  ASSERT_TRUE(config.ok());
  base::Json d = Deployment();
  base::Status s = ApplyIgnoreRules(*config, d, d);
  EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("spec.ignoreDifferences[0]"));
  EXPECT_THAT(s.message(), HasSubstr(".spec | ((("));
}

TEST(IgnoreTest, JqExpressionYieldingTwoValuesIsAnError) {
  auto config = LoadDiffConfig(App(R"([{"group":"*","kind":"*","jqPathExpressions":[".a), (.b"]}])"), {});
  ASSERT_TRUE(config.ok());
  base::Json d = Deployment();
  base::Status s = ApplyIgnoreRules(*config, d, d);
  EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("expected one"));
}

TEST(IgnoreTest, JqExpressionThatNeverEndsTimesOut) {
  auto config = LoadDiffConfig(App(R"([{"group":"apps","kind":"Deployment","jqPathExpressions":[".spec","[repeat(1)] | .x"]}])"), {});
  ASSERT_TRUE(config.ok());
  // Long enough for the harmless first expression on a loaded machine (CI saw '.spec' pass 300 ms
  // with 2 cores under load 15), short enough to keep the test quick.
  config->jq_timeout = std::chrono::milliseconds(1500);
  base::Json d = Deployment();
  auto start = std::chrono::steady_clock::now();
  base::Status s = ApplyIgnoreRules(*config, d, d);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.code(), base::StatusCode::kTimeout);
  EXPECT_THAT(s.message(), HasSubstr("[repeat(1)] | .x"));
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST(IgnoreTest, SystemLevelKeysPerGroupKindCoreKindAndAll) {
  SettingsData settings = {
      {"resource.customizations.ignoreDifferences.apps_Deployment", "jsonPointers:\n- /spec/replicas\n"},
      {"resource.customizations.ignoreDifferences.ConfigMap", "jqPathExpressions:\n- .data.b\n"},
      {"resource.customizations.ignoreDifferences.all", "jsonPointers:\n- /metadata/labels/team\n"},
  };
  auto config = LoadDiffConfig({}, settings);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  base::Json d = Deployment();
  d["metadata"]["labels"]["team"] = "a";
  ASSERT_TRUE(ApplyIgnoreRules(*config, d, d).ok());
  EXPECT_FALSE(d["spec"].contains("replicas"));
  EXPECT_FALSE(d["metadata"]["labels"].contains("team"));
  base::Json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "c"}}},
                   {"data", {{"a", "1"}, {"b", "2"}}}};
  ASSERT_TRUE(ApplyIgnoreRules(*config, cm, cm).ok());
  EXPECT_EQ(cm["data"], base::Json({{"a", "1"}}));
}

TEST(IgnoreTest, ManagersOfMatchingRulesOnce) {
  auto config = LoadDiffConfig(App(R"([{"group":"apps","kind":"Deployment","managedFieldsManagers":["kube-controller-manager","hpa"]},
    {"group":"*","kind":"*","managedFieldsManagers":["hpa"]}])"),
                               {});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(ManagedFieldsManagers(*config, Deployment()), (std::vector<std::string>{"kube-controller-manager", "hpa"}));
}

TEST(IgnoreTest, MalformedRulesNameTheField) {
  auto bad_pointer = LoadDiffConfig(App(R"([{"kind":"Deployment","jsonPointers":["spec/replicas"]}])"), {});
  EXPECT_THAT(bad_pointer.status().message(), HasSubstr("spec.ignoreDifferences[0].jsonPointers"));
  auto not_list = LoadDiffConfig(App(R"([{"kind":"Deployment","jqPathExpressions":".x"}])"), {});
  EXPECT_THAT(not_list.status().message(), HasSubstr("spec.ignoreDifferences[0].jqPathExpressions"));
  auto no_kind = LoadDiffConfig(App(R"([{"group":"apps"}])"), {});
  EXPECT_THAT(no_kind.status().message(), HasSubstr("spec.ignoreDifferences[0].kind"));
  auto bad_yaml = LoadDiffConfig({}, {{"resource.customizations.ignoreDifferences.all", "jsonPointers: [\n"}});
  EXPECT_THAT(bad_yaml.status().message(), HasSubstr("resource.customizations.ignoreDifferences.all"));
}

TEST(IgnoreTest, RemovePointerHandlesEscapesAndIndexes) {
  base::Json o = base::Json::parse(R"({"metadata":{"annotations":{"a/b":"1","c~d":"2"}},"l":[1,2,3]})");
  EXPECT_TRUE(RemovePointer(o, "/metadata/annotations/a~1b"));
  EXPECT_TRUE(RemovePointer(o, "/metadata/annotations/c~0d"));
  EXPECT_TRUE(RemovePointer(o, "/l/1"));
  EXPECT_FALSE(RemovePointer(o, "/l/7"));
  EXPECT_EQ(o, base::Json::parse(R"({"metadata":{"annotations":{}},"l":[1,3]})"));
}

}  // namespace
}  // namespace capstan::diff
