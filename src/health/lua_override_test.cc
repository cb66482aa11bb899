// Copyright 2026 The capstan Authors.
//
// LuaHealthOverride from settings data: key forms, precedence (§5.3) and broken settings.

#include "health/lua_override.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/json.h"

namespace capstan::health {
namespace {

using ::testing::HasSubstr;

base::Json Obj(const char* api_version, const char* kind) {
  return {{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", "x"}}}};
}

std::string Script(const char* status, const char* message) {
  return std::string("return {status = '") + status + "', message = '" + message + "'}";
}

TEST(LuaOverrideTest, PerKindKeysForGroupsAndCore) {
  auto o = LuaHealthOverride::FromSettings({{"resource.customizations.health.batch_Job", Script("Degraded", "job")},
                                            {"resource.customizations.health.ConfigMap", Script("Healthy", "cm")},
                                            {"resource.customizations.ignoreDifferences.ConfigMap", "jsonPointers: [/data]"}});
  EXPECT_EQ(o->Assess(Obj("batch/v1", "Job")), (HealthStatus{HealthCode::kDegraded, "job"}));
  EXPECT_EQ(o->Assess(Obj("v1", "ConfigMap")), (HealthStatus{HealthCode::kHealthy, "cm"}));
  EXPECT_EQ(o->Assess(Obj("v1", "Secret")), std::nullopt);
  EXPECT_EQ(o->Assess(Obj("apps/v1", "Job")), std::nullopt);  // another group
  EXPECT_TRUE(o->problems().empty());
}

TEST(LuaOverrideTest, CustomizationsBlockWithWildcards) {
  auto o = LuaHealthOverride::FromSettings({{"resource.customizations", R"(
example.com/Widget:
  health.lua: |
    return {status = "Suspended", message = "widget"}
"*.crossplane.io/*":
  health.lua: |
    return {status = "Progressing", message = "crossplane"}
ConfigMap:
  ignoreDifferences: |
    jsonPointers: [/data]
)"}});
  EXPECT_EQ(o->Assess(Obj("example.com/v1", "Widget")), (HealthStatus{HealthCode::kSuspended, "widget"}));
  EXPECT_EQ(o->Assess(Obj("aws.crossplane.io/v1beta1", "Bucket")), (HealthStatus{HealthCode::kProgressing, "crossplane"}));
  EXPECT_EQ(o->Assess(Obj("crossplane.io/v1", "Bucket")), std::nullopt);
  EXPECT_EQ(o->Assess(Obj("v1", "ConfigMap")), std::nullopt);  // a block entry without health.lua
}

TEST(LuaOverrideTest, ExactKeyBeatsWildcardAndPerKindKeyBeatsBlock) {
  auto o = LuaHealthOverride::FromSettings(
      {{"resource.customizations", "\"*\":\n  health.lua: return {status = 'Degraded'}\n"
                                   "batch/Job:\n  health.lua: return {status = 'Suspended'}\n"},
       {"resource.customizations.health.batch_Job", Script("Healthy", "split key")}});
  EXPECT_EQ(o->Assess(Obj("batch/v1", "Job")), (HealthStatus{HealthCode::kHealthy, "split key"}));
  EXPECT_EQ(o->Assess(Obj("apps/v1", "Deployment"))->code, HealthCode::kDegraded);
}

TEST(LuaOverrideTest, ConfiguredScriptBeatsBuiltInChecks) {
  auto o = LuaHealthOverride::FromSettings(
      {{"resource.customizations.health.batch_CronJob", Script("Degraded", "mine")},
       {"resource.customizations.health.apps_Deployment", Script("Suspended", "mine too")}});
  base::Json cronjob = Obj("batch/v1", "CronJob");
  cronjob["spec"] = {{"suspend", true}};
  EXPECT_EQ(AssessBuiltIn(cronjob)->code, HealthCode::kHealthy);
  EXPECT_EQ(health::Assess(cronjob, o.get()), (HealthStatus{HealthCode::kDegraded, "mine"}));
  EXPECT_EQ(health::Assess(Obj("apps/v1", "Deployment"), o.get())->code, HealthCode::kSuspended);
}

TEST(LuaOverrideTest, ScriptThatDoesNotCompileMakesItsKindUnknown) {
  auto o = LuaHealthOverride::FromSettings({{"resource.customizations.health.batch_Job", "return {status = "},
                                            {"resource.customizations.health.ConfigMap", Script("Healthy", "")}});
  std::optional<HealthStatus> h = o->Assess(Obj("batch/v1", "Job"));
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->code, HealthCode::kUnknown);
  EXPECT_THAT(h->message, HasSubstr("resource.customizations.health.batch_Job"));
  EXPECT_THAT(h->message, HasSubstr("does not compile"));
  EXPECT_EQ(o->Assess(Obj("v1", "ConfigMap"))->code, HealthCode::kHealthy);
}

TEST(LuaOverrideTest, BrokenSettingsAreProblemsNotFailures) {
  auto o = LuaHealthOverride::FromSettings({{"resource.customizations", "a: [unclosed"},
                                            {"resource.customizations.health.a_b_c", Script("Healthy", "")},
                                            {"resource.customizations.health.", Script("Healthy", "")}});
  EXPECT_TRUE(o->empty());
  ASSERT_EQ(o->problems().size(), 2u);
  EXPECT_THAT(o->problems()[0], HasSubstr("resource.customizations"));
  EXPECT_THAT(o->problems()[1], HasSubstr("resource.customizations.health.a_b_c"));
}

TEST(LuaOverrideTest, EmptyScriptsAreNotScripts) {
  auto o = LuaHealthOverride::FromSettings({{"resource.customizations.health.ConfigMap", ""}});
  EXPECT_TRUE(o->empty());
  EXPECT_EQ(o->Assess(Obj("v1", "ConfigMap")), std::nullopt);
}

TEST(LuaOverrideTest, GlobMatch) {
  EXPECT_TRUE(GlobMatch("*", "apps/Deployment"));
  EXPECT_TRUE(GlobMatch("*.crossplane.io/*", "aws.crossplane.io/Bucket"));
  EXPECT_TRUE(GlobMatch("example.com/*", "example.com/Widget"));
  EXPECT_FALSE(GlobMatch("example.com/*", "other.com/Widget"));
  EXPECT_FALSE(GlobMatch("*/Job", "batch/CronJob"));
  EXPECT_TRUE(GlobMatch("*Job", "batch/CronJob"));
  EXPECT_TRUE(GlobMatch("a*b*c", "axxbyyc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "axxbyy"));
}

}  // namespace
}  // namespace capstan::health
