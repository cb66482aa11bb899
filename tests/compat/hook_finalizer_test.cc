// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/hook_test.go testHookFinalizer scenarios (spec/argo-e2e-contract.md §A.4.1 #25–27):
// a hook Job deleted by the TTL controller right after it completes is held by the hook finalizer
// until capstan has read its result. They need a Lua health check, which each test sets in a
// capstan-cm of its own namespace (UseOwnSettings), so they run in CI beside every other test.
//
// Thread safety: GoogleTest fixtures.

#include <string>

#include "compat_util.h"

namespace capstan::compat {
namespace {

// Argo CD's HealthLua of testHookFinalizer, verbatim: Healthy once the Job has a deletionTimestamp and
// still carries the hook finalizer ("Resource has finalizer"), Progressing before.
constexpr char kJobHealthLua[] = R"(
						local hs = {}
						hs.status = "Healthy"
						if obj.metadata.deletionTimestamp == nil then
							hs.status = "Progressing"
							hs.message = "Waiting to be externally deleted"
							return hs
						end
						if obj.metadata.finalizers ~= nil  then
							for i, finalizer in ipairs(obj.metadata.finalizers) do
								if finalizer == "argocd.argoproj.io/hook-finalizer" then
									hs.message = "Resource has finalizer"
									return hs
								end
							end
						end
						hs.message = "no finalizer for a hook is wrong"
						return hs)";

class HookFinalizerTest : public CompatTest {
 protected:
  // Argo CD's testHookFinalizer(hookType), fixture hook-resource-deleted-externally.
  void TestHookFinalizer(const std::string& hook_type) {
    UseOwnSettings({{"resource.customizations.health.batch_Job", kJobHealthLua}});
    ASSERT_FALSE(HasFatalFailure());
    Path("hook-resource-deleted-externally");
    PatchFile("hook.yaml", R"([{"op": "replace", "path": "/metadata/annotations", "value": {"argocd.argoproj.io/hook": ")" +
                               hook_type + R"("}}])");
    CreateApp();
    const CliRun& run = Sync();
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    Expect(OperationPhaseIs("Succeeded"));
    Expect(SyncStatusIs("Synced"));
    Expect(ResourceSyncStatusIs("Pod", "pod", "Synced"));
    Expect(ResourceHealthIs("Pod", "pod", "Healthy"));
    Expect(ResourceResultNumbering(2));
    Expect(ResourceResultIs(ResourceResult{.group = "batch",
                                           .version = "v1",
                                           .kind = "Job",
                                           .namespace_ = ns(),
                                           .name = "hook",
                                           .status = "Synced",
                                           .message = "Resource has finalizer",
                                           .hook_type = hook_type,
                                           .hook_phase = "Succeeded",
                                           .sync_phase = hook_type}));
  }
};

// Argo CD: TestHookFinalizerPreSync (test/e2e/hook_test.go, via testHookFinalizer(PreSync)), fixture
// hook-resource-deleted-externally.
// Asserts: a PreSync hook Job with ttlSecondsAfterFinished: 0 is deleted by the TTL controller once it
// completes; a Lua health check makes the Job Healthy only while it is being deleted and still carries the
// hook finalizer — proving the finalizer held it until capstan saw its result. op Succeeded; app Synced;
// Pod "pod" Synced and Healthy; exactly 2 results; result {batch v1 Job <ns>/hook, Synced,
// "Resource has finalizer", PreSync, Succeeded, PreSync}.
// Fixture differences: the Lua script goes to a capstan-cm in the test's namespace
// (resource.customizations.health.batch_Job), every command gets --control-plane-namespace <ns>, instead
// of argocd-cm's resource overrides; `true` → no annotation.
TEST_F(HookFinalizerTest, HookFinalizerPreSync) { TestHookFinalizer("PreSync"); }

// Argo CD: TestHookFinalizerSync (test/e2e/hook_test.go, via testHookFinalizer(Sync)). Asserts: as
// HookFinalizerPreSync with hookType/syncPhase Sync. Fixture differences: as HookFinalizerPreSync.
TEST_F(HookFinalizerTest, HookFinalizerSync) { TestHookFinalizer("Sync"); }

// Argo CD: TestHookFinalizerPostSync (test/e2e/hook_test.go, via testHookFinalizer(PostSync)). Asserts:
// as HookFinalizerPreSync with hookType/syncPhase PostSync. Fixture differences: as HookFinalizerPreSync.
TEST_F(HookFinalizerTest, HookFinalizerPostSync) { TestHookFinalizer("PostSync"); }

}  // namespace
}  // namespace capstan::compat
