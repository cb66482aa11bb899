// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/app_management_test.go, the scenario of spec/argo-e2e-contract.md §A.4.4 that
// touches hooks: a failing PreSync hook with a retry limit. Run through the capstan binary against the
// local cluster.
//
// Thread safety: GoogleTest fixtures.

#include "compat_util.h"

namespace capstan::compat {
namespace {

class AppManagementTest : public CompatTest {};

// Argo CD: TestFailedSyncWithRetry (test/e2e/app_management_test.go, testdata/hook).
// Asserts: the hook fixture with hook.yaml's annotations replaced by `argocd.argoproj.io/hook: PreSync`
// and its command by `false`, synced with `--retry-limit=1 --retry-backoff-duration=1s`: the operation
// ends Failed and its message contains `retried 1 times`.
// Fixture differences: the command `false` is played by capstan-localnode through the annotation
// `localnode.capstan.dev/exit-code: "1"` (added after Argo CD's annotation replacement; the command patch
// is kept for the reader). capstan's `--retry-backoff-duration` takes seconds: `1` for Argo CD's `1s`.
// The CLI must exit 1 (the operation did not succeed), where Argo CD's test ignores errors.
TEST_F(AppManagementTest, FailedSyncWithRetry) {
  Path("hook");
  PatchFile("hook.yaml",
            R"([{"op": "replace", "path": "/metadata/annotations", "value": {"argocd.argoproj.io/hook": "PreSync"}}])");
  PatchFile("hook.yaml", R"([{"op": "replace", "path": "/spec/containers/0/command", "value": ["false"]}])");
  SetAnnotation("hook.yaml", kExitCode, "1");
  CreateApp();
  const CliRun& run = Sync({"--retry-limit", "1", "--retry-backoff-duration", "1"});
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(OperationPhaseIs("Failed"));
  Expect(OperationMessageContains("retried 1 times"));
}

}  // namespace
}  // namespace capstan::compat
