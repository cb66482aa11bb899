// Copyright 2026 The capstan Authors.
//
// The Application-deletion scenarios of Argo CD's test/e2e/hook_test.go: TestPreDeleteHook,
// TestPreDeleteHookFailureAndRetry, TestPostDeleteHook (spec §4). No controller runs in these tests, so
// `capstan app delete NAME -N NS` runs the deletion itself and returns when the Application is gone
// (like `argocd app delete --wait`); `capstan app get NAME -N NS --refresh` is Argo CD's
// Refresh(RefreshTypeNormal). The common fixture differences are in hook_test.cc and README.md.
//
// Thread safety: GoogleTest fixtures.

#include <gmock/gmock.h>

#include <future>
#include <optional>
#include <string>

#include "base/json.h"
#include "compat_util.h"
#include "kube/client.h"

namespace capstan::compat {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HookDeleteTest : public CompatTest {
 protected:
  // `capstan app get app -N ns --refresh -o json` (Argo CD's Refresh(RefreshTypeNormal)).
  const CliRun& Refresh() { return Capstan({"app", "get", app_name(), "-N", ns(), "--refresh", "-o", "json"}); }
};

// Argo CD: TestPreDeleteHook (test/e2e/hook_test.go), fixture pre-delete-hook.
// Asserts: sync → app Synced and ConfigMap guestbook-ui exists; delete (waiting) → the Application no
// longer exists and the PreDelete hook pod "hook" is gone afterwards.
// Fixture differences: the hook's `sleep 3` → run-seconds "3"; Argo CD's single hook.yaml (Pod +
// ConfigMap) is split into hook.yaml and configmap.yaml; Delete(true) → `capstan app delete app -N ns`.
TEST_F(HookDeleteTest, PreDeleteHook) {
  Path("pre-delete-hook");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(SyncStatusIs("Synced"));
  EXPECT_TRUE(GetObject(kConfigMapGvk, "guestbook-ui").has_value()) << "ConfigMap guestbook-ui after the sync";

  const CliRun& del = Delete();
  EXPECT_EQ(del.exit_code, 0) << del.stderr_text;
  Expect(DoesNotExist());
  Expect(NoPodNamed("hook"));
}

// Argo CD: TestPreDeleteHookFailureAndRetry (test/e2e/hook_test.go), fixture pre-delete-hook.
// Asserts: the PreDelete hook fails (`false`) → sync still Synced; a non-blocking delete leaves the app
// with a DeletionError condition; after the hook is fixed in Git (`sleep 3`) and the app refreshed, the
// deletion completes (the Application no longer exists).
// Fixture differences: command/0 "false" → exit-code "1" annotation; the fix (command ["sleep","3"]) also
// sets exit-code "0" (run-seconds "3" was there from the start); Delete(false) → `capstan app delete` on
// a background thread; Refresh(RefreshTypeNormal) → `capstan app get --refresh`; ConfigMap in its own
// file (see PreDeleteHook).
TEST_F(HookDeleteTest, PreDeleteHookFailureAndRetry) {
  Path("pre-delete-hook");
  PatchFile("hook.yaml", R"([{"op": "replace", "path": "/spec/containers/0/command/0", "value": "false"}])");
  SetAnnotation("hook.yaml", kExitCode, "1");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(SyncStatusIs("Synced"));
  ASSERT_FALSE(HasFatalFailure());

  std::future<CliRun> del = CapstanAsync({"app", "delete", app_name(), "-N", ns()}, std::chrono::seconds(120));
  Get();
  Expect(Condition("DeletionError", ""));

  PatchFile("hook.yaml", R"([{"op": "replace", "path": "/spec/containers/0/command", "value": ["sleep", "3"]}])");
  SetAnnotation("hook.yaml", kExitCode, "0");
  const CliRun& refresh = Refresh();
  EXPECT_EQ(refresh.exit_code, 0) << refresh.stderr_text;
  Expect(DoesNotExist());
  ASSERT_EQ(del.wait_for(std::chrono::seconds(120)), std::future_status::ready);
  (void)del.get();
}

// Argo CD: TestPostDeleteHook (test/e2e/hook_test.go), fixture post-delete-hook.
// Asserts: create the app (no sync), refresh, delete (waiting) → the Application no longer exists and the
// PostDelete hook pod "hook" exists (it ran after the app's resources were removed).
// Fixture differences: Refresh(RefreshTypeNormal) → `capstan app get --refresh`; Delete(true) →
// `capstan app delete app -N ns`.
TEST_F(HookDeleteTest, PostDeleteHook) {
  Path("post-delete-hook");
  CreateApp();
  const CliRun& refresh = Refresh();
  EXPECT_EQ(refresh.exit_code, 0) << refresh.stderr_text;
  const CliRun& del = Delete();
  EXPECT_EQ(del.exit_code, 0) << del.stderr_text;
  Expect(DoesNotExist());
  Expect(PodNamed("hook"));
}

}  // namespace
}  // namespace capstan::compat
