// Copyright 2026 The capstan Authors.
//
// Argo CD's TestHookDiff (test/e2e/hook_test.go; in hook_test.go but not in the contract's table of
// 28, spec/argo-e2e-contract.md §A.4.1): `app diff` of an app with a hook shows the resource and
// never the hook (spec §8.3).
//
// Thread safety: GoogleTest fixtures.

#include <gmock/gmock.h>

#include "compat_util.h"

namespace capstan::compat {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HookDiffTest : public CompatTest {};

// Argo CD: TestHookDiff (test/e2e/hook_test.go).
// Asserts: after creating the app (no sync), `app diff` exits non-zero (there is a diff) and shows the
// resource "pod" but not the hook "hook" (hooks never appear in a diff).
// Fixture differences: `argocd app diff NAME` → `capstan app diff app -N ns`; the exit code is checked
// to be exactly 1 (argocd app diff: 1 = differences, 2 = error).
TEST_F(HookDiffTest, HookDiff) {
  Path("hook");
  CreateApp();
  const CliRun& diff = Capstan({"app", "diff", app_name(), "-N", ns()});
  EXPECT_EQ(diff.exit_code, 1) << diff.stderr_text;
  EXPECT_THAT(diff.stdout_text, HasSubstr("name: pod"));
  EXPECT_THAT(diff.stdout_text, Not(HasSubstr("name: hook")));
}

}  // namespace
}  // namespace capstan::compat
