// Copyright 2026 The capstan Authors.
//
// App health aggregation (spec §5.4).

#include "app/app_health.h"

#include <gtest/gtest.h>

#include "base/time.h"

namespace capstan::app {
namespace {

const base::Json kApp = base::Json::parse(
    R"({"apiVersion":"argoproj.io/v1alpha1","kind":"Application","metadata":{"name":"app","namespace":"ns"}})");

base::Json Pvc(const char* name, const char* phase, bool ignore = false) {
  base::Json o = {{"apiVersion", "v1"}, {"kind", "PersistentVolumeClaim"}, {"metadata", {{"name", name}}},
                  {"status", {{"phase", phase}}}};
  if (ignore) o["metadata"]["annotations"] = {{"argocd.argoproj.io/ignore-healthcheck", "true"}};
  return o;
}

std::string Status(const AppHealth& h) { return base::GetString(h.ToJson(), "status"); }

TEST(AppHealthTest, WorstResourceWins) {
  AppHealth h(kApp);
  base::Json bound = Pvc("a", "Bound"), pending = Pvc("b", "Pending"), lost = Pvc("c", "Lost");
  h.Add(&bound, &bound, nullptr);
  h.Add(&pending, &pending, nullptr);
  EXPECT_EQ(Status(h), "Progressing");
  h.Add(&lost, &lost, nullptr);
  EXPECT_EQ(Status(h), "Degraded");
}

TEST(AppHealthTest, IgnoreHealthcheckAnnotationSkipsTheResource) {
  AppHealth h(kApp);
  base::Json bound = Pvc("a", "Bound"), lost = Pvc("c", "Lost", /*ignore=*/true);
  h.Add(&bound, &bound, nullptr);
  EXPECT_EQ(h.Add(&lost, &lost, nullptr), std::nullopt);
  EXPECT_EQ(Status(h), "Healthy");
}

TEST(AppHealthTest, MissingCountsOnlyWhenNothingIsLive) {
  base::Json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cm"}}}};
  base::Json pvc = Pvc("a", "Bound");
  AppHealth some(kApp);
  EXPECT_EQ(some.Add(&pvc, nullptr, nullptr)->code, health::HealthCode::kMissing);
  some.Add(&cm, &cm, nullptr);  // live, without health
  EXPECT_EQ(Status(some), "Healthy");

  AppHealth none(kApp);
  none.Add(&pvc, nullptr, nullptr);
  none.Add(&cm, nullptr, nullptr);
  EXPECT_EQ(Status(none), "Missing");
}

TEST(AppHealthTest, SelfAndChildApplications) {
  class ChildHealth : public health::HealthOverride {
   public:
    std::optional<health::HealthStatus> Assess(const base::Json& obj) override {
      return health::HealthStatus{health::HealthCode::kUnknown, "child"};
    }
  } unknown;
  base::Json child = {{"apiVersion", "argoproj.io/v1alpha1"}, {"kind", "Application"},
                      {"metadata", {{"name", "child"}, {"namespace", "ns"}}}};
  AppHealth h(kApp);
  EXPECT_EQ(h.Add(&kApp, &kApp, &unknown), std::nullopt);  // itself
  EXPECT_EQ(h.Add(&child, &child, &unknown)->code, health::HealthCode::kUnknown);
  EXPECT_EQ(Status(h), "Healthy");
}

TEST(AppHealthTest, LastTransitionTimeChangesWithTheStatus) {
  base::Json app = kApp;
  app["status"]["health"] = {{"status", "Degraded"}, {"lastTransitionTime", "2026-01-01T00:00:00Z"}};
  base::Json lost = Pvc("c", "Lost"), bound = Pvc("a", "Bound");
  AppHealth same(app);
  same.Add(&lost, &lost, nullptr);
  EXPECT_EQ(base::GetString(same.ToJson(), "lastTransitionTime"), "2026-01-01T00:00:00Z");
  AppHealth changed(app);
  changed.Add(&bound, &bound, nullptr);
  std::string t = base::GetString(changed.ToJson(), "lastTransitionTime");
  EXPECT_NE(t, "2026-01-01T00:00:00Z");
  EXPECT_TRUE(base::ParseRfc3339Seconds(t).ok()) << t;
}

TEST(AppHealthTest, EmptyLuaStatusShowsNoStatusAndIsNeverWorse) {
  EXPECT_EQ(HealthJson({health::HealthCode::kEmpty, ""}), base::Json::object());
  EXPECT_EQ(HealthJson({health::HealthCode::kDegraded, "m"}), base::Json::parse(R"({"status":"Degraded","message":"m"})"));
}

}  // namespace
}  // namespace capstan::app
