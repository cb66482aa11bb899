// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/app_deletion_test.go: TestDeletingAppStuckInSync, TestDeletingAppByLabel,
// TestDeletingAppByLabelWait (spec/argo-e2e-contract.md §4.3). No controller runs in these tests:
// `capstan app delete` finishes the deletion itself and returns when the Application is gone, so where
// Argo CD's CLI returns at once the command runs on a thread of its own. Argo CD's `CreateApp
// ("--label=foo=bar")` is CreateApp() followed by a merge patch of the label (capstan app create reads
// the labels from the manifest).
//
// Thread safety: GoogleTest fixtures.

#include <gmock/gmock.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "base/json.h"
#include "compat_util.h"
#include "kube/client.h"

namespace capstan::compat {
namespace {

using ::testing::HasSubstr;

constexpr char kConfigMapHealthLua[] =
    "return { status = obj.annotations and obj.annotations['health'] or 'Progressing' }";

class AppDeletionTest : public CompatTest {
 protected:
  void CreateAppLabelled() {
    CreateApp();
    auto r = client().Patch(kApplicationGvk, ns(), app_name(), kube::PatchType::kMerge,
                            {{"metadata", {{"labels", {{"foo", "bar"}}}}}}, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  const CliRun& DeleteBySelector(const std::string& selector, std::vector<std::string> flags = {}) {
    std::vector<std::string> args = {"app", "delete", "-l", selector, "-N", ns()};
    args.insert(args.end(), flags.begin(), flags.end());
    return Capstan(std::move(args));
  }
};

// Argo CD: TestDeletingAppStuckInSync (test/e2e/app_deletion_test.go), fixture hook-custom-health.
// Asserts: a PreSync ConfigMap hook whose Lua health is Progressing keeps the operation Running and the
// app OutOfSync; a delete leaves the operation Running; after terminate-op the Application is deleted.
// Fixture differences: the Lua check goes to capstan-cm in the test's namespace (UseOwnSettings); the
// fixture is a directory app (guestbook files copied, no kustomization). Async(true) + Sync() →
// `capstan app sync` on a thread (it runs the operation; it ends, exit 1, once terminated).
// Delete(true) → `capstan app delete` on a thread: it waits for the operation, then runs the deletion
// and must exit 0. terminate-op must exit 0.
TEST_F(AppDeletionTest, DeletingAppStuckInSync) {
  Path("hook-custom-health");
  UseOwnSettings({{"resource.customizations.health.ConfigMap", kConfigMapHealthLua}});
  CreateApp();
  ASSERT_FALSE(HasFatalFailure());
  std::future<CliRun> sync = CapstanAsync(AppSyncArgs(), std::chrono::seconds(120));
  Get();
  // stuck in running state
  Expect(OperationPhaseIs("Running"));
  Expect(SyncStatusIs("OutOfSync"));

  std::future<CliRun> del = CapstanAsync({"app", "delete", app_name(), "-N", ns()}, std::chrono::seconds(120));
  // The delete request lands (deletionTimestamp), and is then ignored while the operation runs.
  Expect([this]() -> ::testing::AssertionResult {
    auto a = GetObject(kApplicationGvk, app_name());
    if (a && !base::GetStringAt(*a, "metadata/deletionTimestamp").empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "the Application has no deletionTimestamp yet";
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));
  Get();
  // delete is ignored, still stuck in running state
  Expect(OperationPhaseIs("Running"));
  EXPECT_TRUE(GetObject(kApplicationGvk, app_name()).has_value()) << "deleted while its operation runs";

  const CliRun& terminate = TerminateOp();
  EXPECT_EQ(terminate.exit_code, 0) << terminate.stderr_text;
  // delete is successful
  Expect(DoesNotExist());
  ASSERT_EQ(sync.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  EXPECT_EQ(sync.get().exit_code, 1);
  ASSERT_EQ(del.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  CliRun del_run = del.get();
  EXPECT_EQ(del_run.exit_code, 0) << del_run.stderr_text;
}

// Argo CD: TestDeletingAppByLabel (test/e2e/app_deletion_test.go), fixture guestbook.
// Asserts: app labelled foo=bar synced → Synced; delete by selector foo=baz fails with "no apps match
// selector foo=baz"; delete by foo=bar → the Application no longer exists.
// Fixture differences: CreateApp("--label=foo=bar") → CreateApp() + a label patch; the failing delete
// must exit 1 (Argo CD checks only the error text, here on stderr).
TEST_F(AppDeletionTest, DeletingAppByLabel) {
  Path("guestbook");
  CreateAppLabelled();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(SyncStatusIs("Synced"));

  const CliRun& none = DeleteBySelector("foo=baz");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.stderr_text, HasSubstr("no apps match selector foo=baz"));
  EXPECT_TRUE(GetObject(kApplicationGvk, app_name()).has_value());

  const CliRun& some = DeleteBySelector("foo=bar");
  EXPECT_EQ(some.exit_code, 0) << some.stderr_text;
  Expect(DoesNotExist());
}

// Argo CD: TestDeletingAppByLabelWait (test/e2e/app_deletion_test.go), fixture guestbook.
// Asserts: delete by selector with --wait → the Application does not exist right after the command.
// Fixture differences: as DeletingAppByLabel; DoesNotExistNow is one check, no polling.
TEST_F(AppDeletionTest, DeletingAppByLabelWait) {
  Path("guestbook");
  CreateAppLabelled();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(SyncStatusIs("Synced"));

  const CliRun& del = DeleteBySelector("foo=bar", {"--wait"});
  EXPECT_EQ(del.exit_code, 0) << del.stderr_text;
  EXPECT_FALSE(GetObject(kApplicationGvk, app_name()).has_value()) << "the Application still exists";
  // Its resources went with it (cascade is the default).
  EXPECT_FALSE(GetObject(kDeploymentGvk, "guestbook-ui").has_value()) << "Deployment guestbook-ui still exists";
}

}  // namespace
}  // namespace capstan::compat
