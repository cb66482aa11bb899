// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/sync_waves_test.go, the scenario that needs Lua health (spec/argo-e2e-contract.md
// §A.4.2): a wave whose resource is Degraded stops the sync before the next wave. Lua health checks come
// with the "Diff, health and CLI" issue (#5); until then this file links into `compat_pending_test`
// (ctest labels `pending;compat`, out of CI).
//
// The Lua health check is a capstan-wide setting (ConfigMap `capstan-cm` in namespace `capstan`, Argo
// CD's argocd-cm keys, DESIGN §8.6): while this test runs, every ConfigMap without a `health` annotation
// is Degraded for every capstan process on the cluster. Run it alone (`--gtest_filter`, or ctest -L
// pending -j1) — as Argo CD runs its e2e tests against one shared argocd-cm.
//
// Thread safety: GoogleTest fixtures.

#include <optional>
#include <string>

#include "base/json.h"
#include "compat_util.h"
#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::compat {
namespace {

constexpr char kSettingsNamespace[] = "capstan";
constexpr char kSettingsName[] = "capstan-cm";
constexpr char kConfigMapHealthKey[] = "resource.customizations.health.ConfigMap";
// Argo CD's script, verbatim.
constexpr char kConfigMapHealthLua[] =
    "return { status = obj.metadata.annotations and obj.metadata.annotations['health'] or 'Degraded' }";

class SyncWavesPendingTest : public CompatTest {
 protected:
  void TearDown() override {
    RestoreSettings();
    CompatTest::TearDown();
  }

  // Argo CD's SetResourceOverrides({"ConfigMap": {HealthLua: …}}): sets the health key of capstan-cm,
  // creating the ConfigMap when absent. The previous state is restored in TearDown.
  void SetConfigMapHealthLua(const std::string& lua) {
    auto live = client().Get(kConfigMapGvk, kSettingsNamespace, kSettingsName);
    if (live.ok()) {
      const base::Json& data = (*live)["data"];
      saved_value_ = data.is_object() && data.contains(kConfigMapHealthKey)
                         ? std::optional<base::Json>(data[kConfigMapHealthKey])
                         : std::nullopt;
      base::Json patch = {{"data", {{kConfigMapHealthKey, lua}}}};
      auto patched = client().Patch(kConfigMapGvk, kSettingsNamespace, kSettingsName, kube::PatchType::kMerge,
                                    patch, {});
      ASSERT_TRUE(patched.ok()) << patched.status().ToString();
      touched_ = Touched::kPatched;
      return;
    }
    ASSERT_TRUE(live.status().IsNotFound()) << live.status().ToString();
    base::Json cm = {{"apiVersion", "v1"},
                     {"kind", "ConfigMap"},
                     {"metadata", {{"name", kSettingsName}, {"namespace", kSettingsNamespace}}},
                     {"data", {{kConfigMapHealthKey, lua}}}};
    auto created = client().Create(cm, {});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    touched_ = Touched::kCreated;
  }

  void RestoreSettings() {
    if (touched_ == Touched::kCreated) {
      (void)client().Delete(kConfigMapGvk, kSettingsNamespace, kSettingsName, {});
    } else if (touched_ == Touched::kPatched) {
      // Merge patch: null removes the key.
      base::Json patch = {{"data", {{kConfigMapHealthKey, saved_value_ ? *saved_value_ : base::Json(nullptr)}}}};
      auto patched = client().Patch(kConfigMapGvk, kSettingsNamespace, kSettingsName, kube::PatchType::kMerge,
                                    patch, {});
      EXPECT_TRUE(patched.ok()) << "restoring capstan-cm: " << patched.status().ToString();
    }
    touched_ = Touched::kNo;
  }

  std::string AppHealthTransitionTime() const {
    return base::GetStringAt(app(), "status/health/lastTransitionTime");
  }

 private:
  enum class Touched { kNo, kCreated, kPatched };
  Touched touched_ = Touched::kNo;
  std::optional<base::Json> saved_value_;
};

// Argo CD: TestFixingDegradedApp (test/e2e/sync_waves_test.go, testdata/sync-waves).
// Asserts: ConfigMaps cm-1 (wave 1) and cm-2 (wave 2) with a Lua health check "the `health` annotation,
// else Degraded": the first sync fails — operation Failed, app OutOfSync and Degraded, exactly 1 result,
// cm-1 Synced/Degraded, cm-2 OutOfSync/Missing (wave 2 never applied while wave 1 is Degraded). After
// Git sets `health: Healthy` on both and a refresh, cm-1 is OutOfSync; the next sync Succeeded, app
// Synced and Healthy, 2 results, both ConfigMaps Synced/Healthy; the app health's lastTransitionTime
// changed (spec/argo-e2e-contract.md §A.4.2, Argo CD ≥ 3.x).
// Fixture differences: the health override goes to capstan's settings ConfigMap `capstan-cm` (namespace
// capstan) under argocd-cm's key `resource.customizations.health.ConfigMap`, restored after the test.
// Argo CD's patches `replace /metadata/annotations/health` on files that have no such key (its JSON-patch
// library accepts that); RFC 6902 requires `add` for a missing member, so the test uses `add`. Refresh
// is a `capstan app get`. The first sync must exit 1, the second 0.
TEST_F(SyncWavesPendingTest, FixingDegradedApp) {
  Path("sync-waves");
  CreateApp();
  SetConfigMapHealthLua(kConfigMapHealthLua);
  if (HasFatalFailure()) return;

  const CliRun& first = Sync();
  EXPECT_EQ(first.exit_code, 1) << first.stderr_text;
  Expect(OperationPhaseIs("Failed"));
  Expect(SyncStatusIs("OutOfSync"));
  Expect(HealthIs("Degraded"));
  Expect(ResourceResultNumbering(1));
  Expect(ResourceSyncStatusIs("ConfigMap", "cm-1", "Synced"));
  Expect(ResourceHealthIs("ConfigMap", "cm-1", "Degraded"));
  Expect(ResourceSyncStatusIs("ConfigMap", "cm-2", "OutOfSync"));
  Expect(ResourceHealthIs("ConfigMap", "cm-2", "Missing"));
  std::string degraded_since = AppHealthTransitionTime();

  PatchFile("cm-1.yaml", R"([{"op": "add", "path": "/metadata/annotations/health", "value": "Healthy"}])");
  PatchFile("cm-2.yaml", R"([{"op": "add", "path": "/metadata/annotations/health", "value": "Healthy"}])");
  Get();  // Argo CD: Refresh(RefreshTypeNormal)
  Expect(ResourceSyncStatusIs("ConfigMap", "cm-1", "OutOfSync"));

  const CliRun& second = Sync();
  EXPECT_EQ(second.exit_code, 0) << second.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(SyncStatusIs("Synced"));
  Expect(HealthIs("Healthy"));
  Expect(ResourceResultNumbering(2));
  Expect(ResourceSyncStatusIs("ConfigMap", "cm-1", "Synced"));
  Expect(ResourceHealthIs("ConfigMap", "cm-1", "Healthy"));
  Expect(ResourceSyncStatusIs("ConfigMap", "cm-2", "Synced"));
  Expect(ResourceHealthIs("ConfigMap", "cm-2", "Healthy"));
  EXPECT_FALSE(degraded_since.empty()) << "status.health.lastTransitionTime was not set while Degraded";
  EXPECT_NE(AppHealthTransitionTime(), degraded_since) << "status.health.lastTransitionTime did not change";
}

}  // namespace
}  // namespace capstan::compat
