// Copyright 2026 The capstan Authors.

#include "app/app_status.h"

#include <gtest/gtest.h>

namespace capstan::app {
namespace {

base::Json Cm(const std::string& name, const std::string& value, std::map<std::string, std::string> ann = {}) {
  base::Json o = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                  {"metadata", {{"name", name}, {"namespace", "ns"}}}, {"data", {{"k", value}}}};
  for (const auto& [k, v] : ann) o["metadata"]["annotations"][k] = v;
  return o;
}

base::Json Pod(const std::string& name, const std::string& phase, std::map<std::string, std::string> ann = {}) {
  base::Json o = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", name}, {"namespace", "ns"}}},
                  {"spec", {{"restartPolicy", "Never"}}}, {"status", {{"phase", phase}}}};
  for (const auto& [k, v] : ann) o["metadata"]["annotations"][k] = v;
  return o;
}

const base::Json* Find(const Comparison& c, const std::string& name) {
  for (const base::Json& r : c.resources) {
    if (base::GetString(r, "name") == name) return &r;
  }
  return nullptr;
}

TEST(AppStatusTest, SyncedWhenEveryTargetMatchesItsLiveObject) {
  Comparison c = CompareApp({Cm("a", "1")}, {Cm("a", "1")}, "rev", nullptr);
  EXPECT_EQ(c.sync["status"], "Synced");
  EXPECT_EQ(c.sync["revision"], "rev");
  EXPECT_EQ(c.health["status"], "Healthy");  // ConfigMaps have no health: healthy app
  ASSERT_NE(Find(c, "a"), nullptr);
  EXPECT_EQ((*Find(c, "a"))["status"], "Synced");
}

TEST(AppStatusTest, MissingChangedAndExtraneousAreOutOfSync) {
  Comparison c = CompareApp({Cm("missing", "1"), Cm("changed", "2")}, {Cm("changed", "1"), Cm("extra", "1")}, "r",
                            nullptr);
  EXPECT_EQ(c.sync["status"], "OutOfSync");
  EXPECT_EQ((*Find(c, "missing"))["status"], "OutOfSync");
  EXPECT_EQ((*Find(c, "missing"))["health"]["status"], "Missing");
  EXPECT_EQ((*Find(c, "changed"))["status"], "OutOfSync");
  EXPECT_EQ((*Find(c, "extra"))["status"], "OutOfSync");
  EXPECT_EQ((*Find(c, "extra"))["requiresPruning"], true);
}

TEST(AppStatusTest, HooksAndSkipNeverCountButLiveHooksAreListed) {
  std::map<std::string, std::string> hook = {{"argocd.argoproj.io/hook", "PreSync"}};
  std::map<std::string, std::string> skip = {{"argocd.argoproj.io/hook", "Skip"}};
  Comparison c = CompareApp({Cm("a", "1"), Pod("hook", "", hook), Cm("skipped", "new", skip)},
                            {Cm("a", "1"), Pod("hook", "Failed", hook), Cm("skipped", "old", skip)}, "r", nullptr);
  EXPECT_EQ(c.sync["status"], "Synced");
  EXPECT_EQ(c.health["status"], "Healthy");
  ASSERT_NE(Find(c, "hook"), nullptr);
  EXPECT_EQ((*Find(c, "hook"))["hook"], true);
  EXPECT_FALSE(Find(c, "hook")->contains("status"));
  EXPECT_EQ(Find(c, "skipped"), nullptr);
}

TEST(AppStatusTest, AppHealthIsTheWorstAndMissingCountsOnlyWhenAllAreMissing) {
  Comparison c = CompareApp({Pod("ok", ""), Pod("bad", ""), Pod("gone", "")},
                            {Pod("ok", "Succeeded"), Pod("bad", "Running")}, "r", nullptr);
  EXPECT_EQ(c.health["status"], "Progressing");
  c = CompareApp({Pod("a", ""), Pod("b", "")}, {}, "r", nullptr);
  EXPECT_EQ(c.health["status"], "Missing");
  c = CompareApp({Pod("a", "")}, {Pod("a", "Failed", {{"argocd.argoproj.io/ignore-healthcheck", "true"}})}, "r",
                 nullptr);
  EXPECT_EQ(c.health["status"], "Healthy");
}

TEST(AppStatusTest, IgnoreExtraneousKeepsTheAppSynced) {
  std::map<std::string, std::string> ignore = {{"argocd.argoproj.io/compare-options", "IgnoreExtraneous"}};
  Comparison c = CompareApp({Cm("a", "1")}, {Cm("a", "1"), Cm("extra", "1", ignore)}, "r", nullptr);
  EXPECT_EQ(c.sync["status"], "Synced");
  ASSERT_NE(Find(c, "extra"), nullptr);
  EXPECT_EQ((*Find(c, "extra"))["status"], "OutOfSync");
  EXPECT_EQ((*Find(c, "extra"))["requiresPruning"], true);
  // Only for objects that require pruning: a changed one still makes the app OutOfSync.
  c = CompareApp({Cm("a", "2", ignore)}, {Cm("a", "1", ignore)}, "r", nullptr);
  EXPECT_EQ(c.sync["status"], "OutOfSync");
}

TEST(AppStatusTest, IgnoreDifferencesOfTheApplicationAndSettingsApply) {
  base::Json app = {{"spec", {{"ignoreDifferences", {{{"group", ""}, {"kind", "ConfigMap"}, {"name", "a"},
                                                      {"jsonPointers", {"/data/k"}}}}}}}};
  Comparison c = CompareApp({Cm("a", "new"), Cm("b", "new")}, {Cm("a", "old"), Cm("b", "old")}, "r", app);
  EXPECT_EQ((*Find(c, "a"))["status"], "Synced");
  EXPECT_EQ((*Find(c, "b"))["status"], "OutOfSync");
  DiffContext ctx;
  ctx.settings.data["resource.customizations.ignoreDifferences.ConfigMap"] = "jsonPointers:\n- /data\n";
  c = CompareApp({Cm("a", "new"), Cm("b", "new")}, {Cm("a", "old"), Cm("b", "old")}, "r", app, nullptr, &ctx);
  EXPECT_EQ(c.sync["status"], "Synced");
}

TEST(AppStatusTest, BadIgnoreRuleMakesStatusUnknownWithAComparisonError) {
  base::Json app = {{"spec", {{"ignoreDifferences", {{{"group", ""}, {"kind", "ConfigMap"},
                                                      {"jqPathExpressions", {".data |||"}}}}}}}};
  Comparison c = CompareApp({Cm("a", "1")}, {Cm("a", "1")}, "r", app);
  EXPECT_EQ(c.sync["status"], "Unknown");
  EXPECT_EQ((*Find(c, "a"))["status"], "Unknown");
  ASSERT_EQ(c.conditions.size(), 1u);
  EXPECT_EQ(c.conditions[0]["type"], "ComparisonError");
  EXPECT_NE(base::GetString(c.conditions[0], "message").find(".data |||"), std::string::npos);
}

TEST(AppStatusTest, ServerSideDiffUsesTheDryRunAnswer) {
  base::Json app = {{"metadata", {{"annotations", {{"argocd.argoproj.io/compare-options", "ServerSideDiff=true"}}}}}};
  DiffContext ctx;
  int calls = 0;
  // The server rewrites the value: "1" in Git is stored as "one" (as "0.5" CPU becomes "500m").
  ctx.dry_run_apply = [&](const base::Json& target) -> base::Result<base::Json> {
    ++calls;
    base::Json out = target;
    out["data"]["k"] = "one";
    out["metadata"]["managedFields"] = base::Json::parse(
        R"([{"manager":"capstan","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}}])");
    return out;
  };
  Comparison c = CompareApp({Cm("a", "1")}, {Cm("a", "one")}, "r", app, nullptr, &ctx);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(c.sync["status"], "Synced");
  // Client-side, the same pair differs; and without the annotation the dry-run is not used.
  c = CompareApp({Cm("a", "1")}, {Cm("a", "one")}, "r", nullptr, nullptr, &ctx);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(c.sync["status"], "OutOfSync");
}

TEST(AppStatusTest, KeepDiffsForPrinting) {
  DiffContext ctx;
  ctx.keep_diffs = true;
  Comparison c = CompareApp({Cm("a", "2")}, {Cm("a", "1")}, "r", nullptr, nullptr, &ctx);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_TRUE(c.diffs[0].result.modified);
  EXPECT_EQ(c.diffs[0].key.name, "a");
  EXPECT_EQ(c.diffs[0].result.predicted_live["data"]["k"], "2");
}

}  // namespace
}  // namespace capstan::app
