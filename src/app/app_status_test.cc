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

}  // namespace
}  // namespace capstan::app
