// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/selective_sync_test.go, the scenario of spec/argo-e2e-contract.md §A.4.4: a
// selective sync (`--resource`) runs no hooks. Run through the capstan binary against the local cluster.
//
// Thread safety: GoogleTest fixtures.

#include "compat_util.h"

namespace capstan::compat {
namespace {

class SelectiveSyncTest : public CompatTest {};

// Argo CD: TestSelectiveSyncDoesNotRunHooks (test/e2e/selective_sync_test.go, testdata/hook).
// Asserts: syncing only `:Pod:pod` of the hook fixture (plain Pod `pod` + Sync hook Pod `hook`): the
// command succeeds, operation Succeeded, app Synced (hooks do not count for sync status) and Healthy,
// pod Healthy, exactly 1 result.
// Fixture differences: testdata/hook is compat-a's copy of Argo CD's (commands `true` played by
// capstan-localnode with its defaults). Added check: the hook pod was never created (Argo CD's older
// versions of this test asserted the hook's health Missing).
TEST_F(SelectiveSyncTest, SelectiveSyncDoesNotRunHooks) {
  Path("hook");
  CreateApp();
  const CliRun& run = Sync({"--resource", ":Pod:pod"});
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(SyncStatusIs("Synced"));
  Expect(HealthIs("Healthy"));
  Expect(ResourceHealthIs("Pod", "pod", "Healthy"));
  Expect(ResourceResultNumbering(1));
  Expect(NoPodNamed("hook"));
}

}  // namespace
}  // namespace capstan::compat
