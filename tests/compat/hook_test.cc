// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/hook_test.go, scenario by scenario, against the local control plane through the
// capstan binary (spec/argo-e2e-contract.md §A.4.1). Each test names the Argo CD test it reproduces, what
// it asserts and every difference in its fixture. The scenarios that need a later issue are in
// hook_pending_test.cc.
//
// Common fixture differences (all tests):
//  - Fixture folders are copies of Argo CD's test/e2e/testdata/<name>/ in tests/compat/testdata/<name>/.
//    capstan-localnode runs no commands, so a container command becomes a pod annotation: `true` → none
//    (exit 0 after 0.5 s), `false` → localnode.capstan.dev/exit-code: "1", `sleep N` →
//    localnode.capstan.dev/run-seconds: "N". Argo CD's PatchFile of a command is kept as it is (for the
//    reader) and followed by SetAnnotation with the annotation that has the effect.
//  - Argo CD's `CreateApp()` is `capstan app create -f app.yaml --upsert` (Application "app" in the test
//    namespace, destination = that namespace); `Sync()` is `capstan sync -f app.yaml -o json`;
//    `Async(true)` + `Sync()` is `capstan sync --async` followed by `capstan app wait` (capstan has no
//    controller yet to run an operation nobody waits for); `TerminateOp()` is `capstan app terminate-op`.
//  - Where Argo CD does not IgnoreErrors, the command must exit 0; where it does, capstan's contract (exit 1
//    when the operation did not succeed) is checked in addition.
//  - Result entries are compared on every field Argo CD compares except `images`, which capstan does not
//    report. Expectations poll like Argo CD's Expect (re-reading with `capstan app get`, 15 s).

#include <gmock/gmock.h>

#include <future>
#include <thread>

#include "compat_util.h"

namespace capstan::compat {
namespace {

using ::testing::HasSubstr;

class HookTest : public CompatTest {
 protected:
  // Argo CD's testHookSuccessful(hookType): hook.yaml becomes a |hook_type| hook; op Succeeded, app
  // Synced, pod Synced + Healthy, 2 results, the hook's result exact, and the completed hook without the
  // hook finalizer.
  void TestHookSuccessful(const std::string& hook_type) {
    Path("hook");
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
    Expect(ResourceResultIs(PodHookResult("hook", hook_type, "Succeeded", "pod/hook created")));
    Expect(Pod(IsHookWithoutFinalizer, "a hook without the hook finalizer"));
  }

  // The localnode translation of Argo CD's `PatchFile(file, replace /spec/containers/0/command/0 "false")`.
  void MakeContainerFail(const std::string& file) {
    PatchFile(file, R"([{"op": "replace", "path": "/spec/containers/0/command/0", "value": "false"}])");
    SetAnnotation(file, kExitCode, "1");
  }

  // A pod predicate: named |name| and a hook without the hook finalizer.
  static std::function<bool(const base::Json&)> NamedHookWithoutFinalizer(std::string name) {
    return [name](const base::Json& p) {
      return base::GetStringAt(p, "metadata/name") == name && IsHookWithoutFinalizer(p);
    };
  }
};

// Argo CD: TestPreSyncHookSuccessful (test/e2e/hook_test.go, via testHookSuccessful(PreSync)).
// Asserts: hook.yaml as a PreSync hook → op Succeeded; app Synced; Pod "pod" Synced and Healthy;
// exactly 2 results; result {v1 Pod <ns>/hook, Synced, "pod/hook created", hookType PreSync, hookPhase
// Succeeded, syncPhase PreSync}; the hook pod exists without argocd.argoproj.io/hook-finalizer.
// Fixture differences: the common ones only.
TEST_F(HookTest, PreSyncHookSuccessful) { TestHookSuccessful("PreSync"); }

// Argo CD: TestSyncHookSuccessful (test/e2e/hook_test.go, via testHookSuccessful(Sync)).
// Asserts: as PreSyncHookSuccessful with hookType/syncPhase Sync.
// Fixture differences: the common ones only.
TEST_F(HookTest, SyncHookSuccessful) { TestHookSuccessful("Sync"); }

// Argo CD: TestPostSyncHookSuccessful (test/e2e/hook_test.go, via testHookSuccessful(PostSync)).
// Asserts: as PreSyncHookSuccessful with hookType/syncPhase PostSync.
// Fixture differences: the common ones only.
TEST_F(HookTest, PostSyncHookSuccessful) { TestHookSuccessful("PostSync"); }

// Argo CD: TestPreSyncHookFailure (test/e2e/hook_test.go).
// Asserts: a PreSync hook running `false` → the main sync never starts: app OutOfSync; op Failed;
// exactly 1 result {v1 Pod <ns>/hook, Synced, `container "main" failed with exit code 1`, PreSync,
// Failed, PreSync}; Pod "pod" health Missing and sync status OutOfSync; the failed hook pod exists
// without the hook finalizer.
// Fixture differences: command ["false"] → exit-code "1" annotation.
TEST_F(HookTest, PreSyncHookFailure) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "replace", "path": "/metadata/annotations", "value": {"argocd.argoproj.io/hook": "PreSync"}}])");
  PatchFile("hook.yaml", R"([{"op": "replace", "path": "/spec/containers/0/command", "value": ["false"]}])");
  SetAnnotation("hook.yaml", kExitCode, "1");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(SyncStatusIs("OutOfSync"));
  Expect(OperationPhaseIs("Failed"));
  Expect(ResourceResultNumbering(1));
  Expect(ResourceResultIs(PodHookResult("hook", "PreSync", "Failed", R"(container "main" failed with exit code 1)")));
  Expect(ResourceHealthIs("Pod", "pod", "Missing"));
  Expect(ResourceSyncStatusIs("Pod", "pod", "OutOfSync"));
  Expect(Pod(IsHookWithoutFinalizer, "a hook without the hook finalizer"));
}

// Argo CD: TestSyncHookFailure (test/e2e/hook_test.go).
// Asserts: the Sync hook fails → op Failed, but the app is Synced (the pod was applied); exactly 2
// results; Pod "pod" Synced; the failed hook pod exists without the hook finalizer.
// Fixture differences: command/0 "false" → exit-code "1" annotation.
TEST_F(HookTest, SyncHookFailure) {
  Path("hook");
  MakeContainerFail("hook.yaml");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(OperationPhaseIs("Failed"));
  Expect(SyncStatusIs("Synced"));
  Expect(ResourceResultNumbering(2));
  Expect(ResourceSyncStatusIs("Pod", "pod", "Synced"));
  Expect(Pod(IsHookWithoutFinalizer, "a hook without the hook finalizer"));
}

// Argo CD: TestSyncHookResourceFailure (test/e2e/hook_test.go), fixture hook-and-deployment.
// Asserts: a Sync hook Job + a Deployment that never becomes ready → op Succeeded (the last wave does not
// wait for health), app Synced, app health Progressing.
// Fixture differences: the Deployment's never-ready readinessProbe → pod-template annotation
// localnode.capstan.dev/ready: "false" (the probe is kept but not evaluated).
TEST_F(HookTest, SyncHookResourceFailure) {
  Path("hook-and-deployment");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(SyncStatusIs("Synced"));
  Expect(HealthIs("Progressing"));
}

// Argo CD: TestPostSyncHookFailure (test/e2e/hook_test.go).
// Asserts: a failing PostSync hook → op Failed; app Synced; exactly 2 results; Pod "pod" Synced; the
// failed hook pod exists without the hook finalizer.
// Fixture differences: command/0 "false" → exit-code "1" annotation.
TEST_F(HookTest, PostSyncHookFailure) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "replace", "path": "/metadata/annotations", "value": {"argocd.argoproj.io/hook": "PostSync"}}])");
  MakeContainerFail("hook.yaml");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(OperationPhaseIs("Failed"));
  Expect(SyncStatusIs("Synced"));
  Expect(ResourceResultNumbering(2));
  Expect(ResourceSyncStatusIs("Pod", "pod", "Synced"));
  Expect(Pod(IsHookWithoutFinalizer, "a hook without the hook finalizer"));
}

// Argo CD: TestPostSyncHookPodFailure (test/e2e/hook_test.go).
// Asserts: Pod "pod" fails (Degraded) → the PostSync hook is never created: app Synced; Pod "pod" Synced
// and Degraded; exactly 1 result; no pod "hook". (Argo CD does not assert the operation phase: "TODO - I
// feel like this should be a failure, not success".)
// Fixture differences: pod.yaml's command/0 "false" → exit-code "1" annotation on pod.yaml.
TEST_F(HookTest, PostSyncHookPodFailure) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "add", "path": "/metadata/annotations", "value": {"argocd.argoproj.io/hook": "PostSync"}}])");
  MakeContainerFail("pod.yaml");
  CreateApp();
  Sync();  // Argo CD: IgnoreErrors, no assertion on the outcome
  Expect(SyncStatusIs("Synced"));
  Expect(ResourceSyncStatusIs("Pod", "pod", "Synced"));
  Expect(ResourceHealthIs("Pod", "pod", "Degraded"));
  Expect(ResourceResultNumbering(1));
  Expect(NoPodNamed("hook"));
}

// Argo CD: TestSyncFailHookPodFailure (test/e2e/hook_test.go).
// Asserts: a failing PostSync hook makes the sync fail, and the SyncFail hook "sync-fail-hook" runs and
// succeeds: result {v1 Pod <ns>/sync-fail-hook, Synced, "pod/sync-fail-hook created", SyncFail,
// Succeeded, SyncFail}; op Failed.
// Fixture differences: hook.yaml's command/0 "false" → exit-code "1"; the added SyncFail hook runs `true`
// (no annotation).
TEST_F(HookTest, SyncFailHookPodFailure) {
  Path("hook");
  AddFile("sync-fail-hook.yaml", R"(
apiVersion: v1
kind: Pod
metadata:
  annotations:
    argocd.argoproj.io/hook: SyncFail
  name: sync-fail-hook
spec:
  containers:
    - command:
        - "true"
      image: "quay.io/argoprojlabs/argocd-e2e-container:0.1"
      imagePullPolicy: IfNotPresent
      name: main
  restartPolicy: Never
)");
  PatchFile("hook.yaml", R"([{"op": "replace", "path": "/metadata/annotations", "value": {"argocd.argoproj.io/hook": "PostSync"}}])");
  MakeContainerFail("hook.yaml");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(ResourceResultIs(PodHookResult("sync-fail-hook", "SyncFail", "Succeeded", "pod/sync-fail-hook created")));
  Expect(OperationPhaseIs("Failed"));
}

// Argo CD: TestSyncFailHookPodFailureSyncFailFailure (test/e2e/hook_test.go).
// Asserts: failing PostSync hook, two SyncFail hooks of which one fails → exactly 4 results;
// {successful-sync-fail-hook, Synced, "pod/successful-sync-fail-hook created", SyncFail, Succeeded,
// SyncFail}; {failed-sync-fail-hook, Synced, `container "main" failed with exit code 1`, SyncFail, Failed,
// SyncFail}; op Failed; failed-sync-fail-hook exists without the hook finalizer.
// Fixture differences: `false` commands → exit-code "1" (hook.yaml by SetAnnotation, the failing SyncFail
// hook with the annotation in the added file).
TEST_F(HookTest, SyncFailHookPodFailureSyncFailFailure) {
  Path("hook");
  AddFile("successful-sync-fail-hook.yaml", R"(
apiVersion: v1
kind: Pod
metadata:
  annotations:
    argocd.argoproj.io/hook: SyncFail
  name: successful-sync-fail-hook
spec:
  containers:
    - command:
        - "true"
      image: "quay.io/argoprojlabs/argocd-e2e-container:0.1"
      imagePullPolicy: IfNotPresent
      name: main
  restartPolicy: Never
)");
  AddFile("failed-sync-fail-hook.yaml", R"(
apiVersion: v1
kind: Pod
metadata:
  annotations:
    argocd.argoproj.io/hook: SyncFail
    localnode.capstan.dev/exit-code: "1"
  name: failed-sync-fail-hook
spec:
  containers:
    - command:
        - "false"
      image: "quay.io/argoprojlabs/argocd-e2e-container:0.1"
      imagePullPolicy: IfNotPresent
      name: main
  restartPolicy: Never
)");
  PatchFile("hook.yaml", R"([{"op": "replace", "path": "/metadata/annotations", "value": {"argocd.argoproj.io/hook": "PostSync"}}])");
  MakeContainerFail("hook.yaml");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(ResourceResultNumbering(4));
  Expect(ResourceResultIs(
      PodHookResult("successful-sync-fail-hook", "SyncFail", "Succeeded", "pod/successful-sync-fail-hook created")));
  Expect(ResourceResultIs(
      PodHookResult("failed-sync-fail-hook", "SyncFail", "Failed", R"(container "main" failed with exit code 1)")));
  Expect(OperationPhaseIs("Failed"));
  Expect(Pod(NamedHookWithoutFinalizer("failed-sync-fail-hook"), "failed-sync-fail-hook without the hook finalizer"));
}

// Argo CD: TestInvalidlHookWaitsForOtherHooksToComplete (test/e2e/hook_test.go; the typo is Argo CD's).
// Given: Sync hook Pod "invalid-hook" (delete policy HookFailed) already exists in the namespace; Git has
// the same hook with the container renamed "immutable" — valid on its own, but an immutable-field change
// of the live pod. Asserts: exactly 3 results; invalid-hook {SyncFailed, message matching
// `Pod "invalid-hook" is invalid`, Sync, Failed, Sync}; hook {Synced, "pod/hook created", Sync,
// Succeeded, Sync} (the other hook still completes); op Failed; "hook" exists without the hook finalizer.
// Fixture differences: Argo CD's Given().Resource() uses kubectl; here the pod is created through the API
// in the test namespace before the app exists.
TEST_F(HookTest, InvalidlHookWaitsForOtherHooksToComplete) {
  const std::string existing_hook = R"(
apiVersion: v1
kind: Pod
metadata:
  annotations:
    argocd.argoproj.io/hook: Sync
    argocd.argoproj.io/hook-delete-policy: HookFailed # To preserve existence before sync
  name: invalid-hook
spec:
  containers:
    - command:
        - "true"
      image: "quay.io/argoprojlabs/argocd-e2e-container:0.1"
      imagePullPolicy: IfNotPresent
      name: main
  restartPolicy: Never)";
  Path("hook");
  Resource(existing_hook);
  AddFile("invalid-hook.yaml", existing_hook);
  PatchFile("invalid-hook.yaml", R"([{"op": "replace", "path": "/spec/containers/0/name", "value": "immutable" }])");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(ResourceResultNumbering(3));
  Expect(ResourceResultMatches(
      PodHookResult("invalid-hook", "Sync", "Failed", R"(Pod "invalid-hook" is invalid)", "SyncFailed")));
  Expect(ResourceResultIs(PodHookResult("hook", "Sync", "Succeeded", "pod/hook created")));
  Expect(OperationPhaseIs("Failed"));
  Expect(Pod(NamedHookWithoutFinalizer("hook"), "hook without the hook finalizer"));
}

// Argo CD: TestInvalidSyncFailureHookWaitsForOtherHooksToComplete (test/e2e/hook_test.go).
// Given: SyncFail hook Pod "invalid-sync-fail-hook" (delete policy HookSucceeded) already exists; Git has
// it with the container renamed "immutable", plus a good SyncFail hook, and the Sync hook fails. Asserts:
// exactly 4 results; invalid-sync-fail-hook {SyncFailed, message matching
// `Pod "invalid-sync-fail-hook" is invalid`, SyncFail, Failed, SyncFail}; successful-sync-fail-hook
// {Synced, "pod/successful-sync-fail-hook created", SyncFail, Succeeded, SyncFail}; op Failed;
// successful-sync-fail-hook exists without the hook finalizer.
// Fixture differences: Resource() through the API; hook.yaml's `false` → exit-code "1".
TEST_F(HookTest, InvalidSyncFailureHookWaitsForOtherHooksToComplete) {
  const std::string existing_hook = R"(
apiVersion: v1
kind: Pod
metadata:
  annotations:
    argocd.argoproj.io/hook: SyncFail
    argocd.argoproj.io/hook-delete-policy: HookSucceeded # To preserve existence before sync
  name: invalid-sync-fail-hook
spec:
  containers:
    - command:
        - "true"
      image: "quay.io/argoprojlabs/argocd-e2e-container:0.1"
      imagePullPolicy: IfNotPresent
      name: main
  restartPolicy: Never)";
  Path("hook");
  Resource(existing_hook);
  AddFile("successful-sync-fail-hook.yaml", R"(
apiVersion: v1
kind: Pod
metadata:
  annotations:
    argocd.argoproj.io/hook: SyncFail
  name: successful-sync-fail-hook
spec:
  containers:
    - command:
        - "true"
      image: "quay.io/argoprojlabs/argocd-e2e-container:0.1"
      imagePullPolicy: IfNotPresent
      name: main
  restartPolicy: Never
)");
  AddFile("invalid-sync-fail-hook.yaml", existing_hook);
  PatchFile("invalid-sync-fail-hook.yaml", R"([{"op": "replace", "path": "/spec/containers/0/name", "value": "immutable" }])");
  MakeContainerFail("hook.yaml");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(ResourceResultNumbering(4));
  Expect(ResourceResultMatches(PodHookResult("invalid-sync-fail-hook", "SyncFail", "Failed",
                                             R"(Pod "invalid-sync-fail-hook" is invalid)", "SyncFailed")));
  Expect(ResourceResultIs(
      PodHookResult("successful-sync-fail-hook", "SyncFail", "Succeeded", "pod/successful-sync-fail-hook created")));
  Expect(OperationPhaseIs("Failed"));
  Expect(Pod(NamedHookWithoutFinalizer("successful-sync-fail-hook"),
             "successful-sync-fail-hook without the hook finalizer"));
}

// Argo CD: TestHookDeletePolicyHookSucceededHookExit0 (test/e2e/hook_test.go).
// Asserts: delete policy HookSucceeded + hook succeeds → op Succeeded and the hook pod is deleted.
// Fixture differences: the common ones only.
TEST_F(HookTest, HookDeletePolicyHookSucceededHookExit0) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "add", "path": "/metadata/annotations/argocd.argoproj.io~1hook-delete-policy", "value": "HookSucceeded"}])");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(NoPodNamed("hook"));
}

// Argo CD: TestHookDeletePolicyHookSucceededHookExit1 (test/e2e/hook_test.go).
// Asserts: delete policy HookSucceeded + hook fails → op Failed; exactly 2 results; the hook pod is kept.
// Fixture differences: command/0 "false" → exit-code "1".
TEST_F(HookTest, HookDeletePolicyHookSucceededHookExit1) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "add", "path": "/metadata/annotations/argocd.argoproj.io~1hook-delete-policy", "value": "HookSucceeded"}])");
  MakeContainerFail("hook.yaml");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(OperationPhaseIs("Failed"));
  Expect(ResourceResultNumbering(2));
  Expect(PodNamed("hook"));
}

// Argo CD: TestHookDeletePolicyHookFailedHookExit0 (test/e2e/hook_test.go).
// Asserts: delete policy HookFailed + hook succeeds → op Succeeded; exactly 2 results; the hook pod is
// kept.
// Fixture differences: the common ones only.
TEST_F(HookTest, HookDeletePolicyHookFailedHookExit0) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "add", "path": "/metadata/annotations/argocd.argoproj.io~1hook-delete-policy", "value": "HookFailed"}])");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(ResourceResultNumbering(2));
  Expect(PodNamed("hook"));
}

// Argo CD: TestHookDeletePolicyHookFailedHookExit1 (test/e2e/hook_test.go).
// Asserts: delete policy HookFailed + hook fails → op Failed; exactly 2 results; the hook pod is deleted.
// Fixture differences: command/0 "false" → exit-code "1".
TEST_F(HookTest, HookDeletePolicyHookFailedHookExit1) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "add", "path": "/metadata/annotations/argocd.argoproj.io~1hook-delete-policy", "value": "HookFailed"}])");
  MakeContainerFail("hook.yaml");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(OperationPhaseIs("Failed"));
  Expect(ResourceResultNumbering(2));
  Expect(NoPodNamed("hook"));
}

// Argo CD: TestHookBeforeHookCreation (test/e2e/hook_test.go).
// Asserts: delete policy BeforeHookCreation; two syncs; after each: op Succeeded, app Synced, app Healthy,
// exactly 2 results, pod "hook" exists; the hook's creationTimestamp differs between the two syncs (it was
// deleted and re-created; Argo CD sleeps 1 s between them so the second-resolution timestamp can move).
// Fixture differences: the common ones only.
TEST_F(HookTest, HookBeforeHookCreation) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "add", "path": "/metadata/annotations/argocd.argoproj.io~1hook-delete-policy", "value": "BeforeHookCreation"}])");
  CreateApp();
  const CliRun& first = Sync();
  EXPECT_EQ(first.exit_code, 0) << first.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(SyncStatusIs("Synced"));
  Expect(HealthIs("Healthy"));
  Expect(ResourceResultNumbering(2));
  Expect(PodNamed("hook"));
  std::string created1 = PodCreationTimestamp("hook");
  EXPECT_FALSE(created1.empty());
  std::this_thread::sleep_for(std::chrono::seconds(1));

  const CliRun& second = Sync();
  EXPECT_EQ(second.exit_code, 0) << second.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(SyncStatusIs("Synced"));
  Expect(HealthIs("Healthy"));
  Expect(ResourceResultNumbering(2));
  Expect(PodNamed("hook"));
  std::string created2 = PodCreationTimestamp("hook");
  EXPECT_FALSE(created2.empty());
  EXPECT_NE(created1, created2);
}

// Argo CD: TestHookBeforeHookCreationFailure (test/e2e/hook_test.go).
// Asserts: hook with BeforeHookCreation running `sleep 3`, sync with a 1 s timeout (fails, operation left
// running), then terminate-op succeeds → op Failed; exactly 2 results.
// Fixture differences: command ["sleep","3"] → run-seconds "3"; Argo CD's Timeout(1) is `--timeout 1`,
// after which capstan's CLI exits 1 and leaves the operation Running (checked here, an addition of
// capstan's contract); terminate-op must exit 0 (Argo CD: DoNotIgnoreErrors).
TEST_F(HookTest, HookBeforeHookCreationFailure) {
  Path("hook");
  PatchFile("hook.yaml", R"([
	{"op": "add", "path": "/metadata/annotations/argocd.argoproj.io~1hook-delete-policy", "value": "BeforeHookCreation"},
	{"op": "replace", "path": "/spec/containers/0/command", "value": ["sleep", "3"]}
])");
  SetAnnotation("hook.yaml", kRunSeconds, "3");
  CreateApp();
  const CliRun& run = Sync({"--timeout", "1"});
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Get();
  EXPECT_EQ(OperationPhase(), "Running") << "after the 1 s timeout the operation is left running";
  const CliRun& terminate = TerminateOp();
  EXPECT_EQ(terminate.exit_code, 0) << terminate.stderr_text;
  Get();
  Expect(OperationPhaseIs("Failed"));
  Expect(ResourceResultNumbering(2));
}

// Argo CD: TestHookSkip (test/e2e/hook_test.go).
// Asserts: pod.yaml annotated hook: Skip is never created → op Succeeded; exactly 1 result (the Sync
// hook); no pod "pod".
// Fixture differences: the common ones only.
TEST_F(HookTest, HookSkip) {
  Path("hook");
  PatchFile("pod.yaml", R"([{"op": "replace", "path": "/metadata/annotations", "value": {"argocd.argoproj.io/hook": "Skip"}}])");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(ResourceResultNumbering(1));
  Expect(NoPodNamed("pod"));
}

// Argo CD: TestNamingNonHookResource (test/e2e/hook_test.go).
// Asserts: pod.yaml without metadata.name (a non-hook resource is never named) → op Failed.
// Fixture differences: Argo CD's Async(true) sync → `capstan sync --async` (must exit 0: Argo CD checks
// the CLI's error) then `capstan app wait`, which runs the operation (no controller yet) and exits 1 as
// it failed.
TEST_F(HookTest, NamingNonHookResource) {
  Path("hook");
  PatchFile("pod.yaml", R"([{"op": "remove", "path": "/metadata/name"}])");
  CreateApp();
  const CliRun& run = Sync({"--async"});
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  const CliRun& wait = Wait();
  EXPECT_EQ(wait.exit_code, 1) << wait.stderr_text;
  Expect(OperationPhaseIs("Failed"));
}

// Argo CD: TestAutomaticallyNamingUnnamedHook (test/e2e/hook_test.go).
// Asserts: hook.yaml without a name, annotated PreSync,PostSync → op Succeeded; app Synced; exactly 3
// results; results[0].name contains "presync" and results[2].name contains "postsync" (generated names
// per phase, never the same).
// Fixture differences: Async(true) → `capstan sync --async` (exit 0) + `capstan app wait` (exit 0).
TEST_F(HookTest, AutomaticallyNamingUnnamedHook) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "remove", "path": "/metadata/name"}])");
  PatchFile("hook.yaml", R"([{"op": "replace", "path": "/metadata/annotations", "value": {"argocd.argoproj.io/hook": "PreSync,PostSync"}}])");
  CreateApp();
  const CliRun& run = Sync({"--async"});
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  const CliRun& wait = Wait();
  EXPECT_EQ(wait.exit_code, 0) << wait.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(SyncStatusIs("Synced"));
  base::Json results = Results();
  ASSERT_EQ(results.size(), 3u) << results.dump(2);
  EXPECT_THAT(base::GetString(results[0], "name"), HasSubstr("presync"));
  EXPECT_THAT(base::GetString(results[2], "name"), HasSubstr("postsync"));
}

// Argo CD: TestTerminateWithRunningHooks (test/e2e/hook_test.go).
// Asserts: six PreSync hook Pods — running-delete-on-{success,create,failed} (`sleep 300`) and
// complete-delete-on-{success,create,failed} (`true`), delete policies HookSucceeded / BeforeHookCreation
// / HookFailed. While the operation runs: exactly 6 results, the three complete-* results {Synced,
// "pod/<name> created", PreSync, Succeeded, PreSync}, op Running. After terminate-op: op Failed; the
// three running-* results {Synced, "Terminated", PreSync, Failed, PreSync}; each running-* pod is gone or
// terminating without the hook finalizer; each complete-* pod exists without the hook finalizer.
// Fixture differences: `sleep 300` → run-seconds "300", `true` → none. Argo CD's Async(true) sync (run
// by its controller) → `capstan app sync` on a background thread (it holds the operation Lease and runs
// the operation; it must end, exit 1, once terminated); the test waits for the Running state through
// `capstan app get`, then runs `capstan app terminate-op` (must exit 0).
TEST_F(HookTest, TerminateWithRunningHooks) {
  auto new_hook = [](const std::string& name, const std::string& delete_policy, bool running) {
    return "\napiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    argocd.argoproj.io/hook: PreSync\n"
           "    argocd.argoproj.io/hook-delete-policy: " + delete_policy + "\n" +
           (running ? "    localnode.capstan.dev/run-seconds: \"300\"\n" : "") + "  name: " + name +
           "\nspec:\n  containers:\n    - command: [ \"/bin/sh\", \"-c\", \"--\" ]\n      args: [ \"" +
           (running ? "sleep 300" : "true") +
           "\" ]\n      image: \"quay.io/argoprojlabs/argocd-e2e-container:0.1\"\n      imagePullPolicy: "
           "IfNotPresent\n      name: main\n  restartPolicy: Never";
  };
  auto deleted_or_terminating_without_finalizer = [this](const std::string& name) {
    return Or(NoPodNamed(name), Pod(
                                    [name](const base::Json& p) {
                                      return base::GetStringAt(p, "metadata/name") == name && IsHookWithoutFinalizer(p) &&
                                             !base::GetStringAt(p, "metadata/deletionTimestamp").empty();
                                    },
                                    name + " terminating without the hook finalizer"));
  };

  Path("hook");
  AddFile("running-delete-on-success.yaml", new_hook("running-delete-on-success", "HookSucceeded", true));
  AddFile("running-delete-on-create.yaml", new_hook("running-delete-on-create", "BeforeHookCreation", true));
  AddFile("running-delete-on-failed.yaml", new_hook("running-delete-on-failed", "HookFailed", true));
  AddFile("complete-delete-on-success.yaml", new_hook("complete-delete-on-success", "HookSucceeded", false));
  AddFile("complete-delete-on-create.yaml", new_hook("complete-delete-on-create", "BeforeHookCreation", false));
  AddFile("complete-delete-on-failed.yaml", new_hook("complete-delete-on-failed", "HookFailed", false));
  CreateApp();
  ASSERT_FALSE(HasFatalFailure());
  std::future<CliRun> sync = CapstanAsync(AppSyncArgs(), std::chrono::seconds(100));

  Get();
  Expect(ResourceResultNumbering(6));
  Expect(ResourceResultIs(
      PodHookResult("complete-delete-on-success", "PreSync", "Succeeded", "pod/complete-delete-on-success created")));
  Expect(ResourceResultIs(
      PodHookResult("complete-delete-on-create", "PreSync", "Succeeded", "pod/complete-delete-on-create created")));
  Expect(ResourceResultIs(
      PodHookResult("complete-delete-on-failed", "PreSync", "Succeeded", "pod/complete-delete-on-failed created")));
  Expect(OperationPhaseIs("Running"));

  const CliRun& terminate = TerminateOp();
  EXPECT_EQ(terminate.exit_code, 0) << terminate.stderr_text;
  ASSERT_EQ(sync.wait_for(std::chrono::seconds(90)), std::future_status::ready)
      << "capstan app sync did not end after terminate-op";
  CliRun sync_run = sync.get();
  EXPECT_EQ(sync_run.exit_code, 1) << sync_run.stderr_text;

  Get();
  Expect(OperationPhaseIs("Failed"));
  // Running hooks are terminated.
  Expect(ResourceResultIs(PodHookResult("running-delete-on-success", "PreSync", "Failed", "Terminated")));
  Expect(ResourceResultIs(PodHookResult("running-delete-on-create", "PreSync", "Failed", "Terminated")));
  Expect(ResourceResultIs(PodHookResult("running-delete-on-failed", "PreSync", "Failed", "Terminated")));
  // Terminated hooks lose the finalizer and are deleted.
  Expect(deleted_or_terminating_without_finalizer("running-delete-on-success"));
  Expect(deleted_or_terminating_without_finalizer("running-delete-on-create"));
  Expect(deleted_or_terminating_without_finalizer("running-delete-on-failed"));
  Expect(Pod(NamedHookWithoutFinalizer("complete-delete-on-success"), "complete-delete-on-success without the hook finalizer"));
  Expect(Pod(NamedHookWithoutFinalizer("complete-delete-on-create"), "complete-delete-on-create without the hook finalizer"));
  Expect(Pod(NamedHookWithoutFinalizer("complete-delete-on-failed"), "complete-delete-on-failed without the hook finalizer"));
}

}  // namespace
}  // namespace capstan::compat
