// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/helm_test.go, the scenarios of spec/argo-e2e-contract.md §A.4.4 that touch hooks:
// Helm hook annotations on a directory app (TestHelmHooksAreCreated, TestHelmHookWeight,
// TestHelmHookDeletePolicy, all on the `hook` fixture as in Argo CD) and a Helm chart whose crds/ and a
// custom resource of that CRD are synced together (TestHelmCrdHook, rendered with `helm template`).
//
// Common fixture differences: those of hook_test.cc (commands become localnode annotations; Argo CD's
// CreateApp/Sync are `capstan app create -f app.yaml --upsert` / `capstan sync -f app.yaml -o json`).

#include "compat_util.h"

namespace capstan::compat {
namespace {

class HelmTest : public CompatTest {};

// Argo CD: TestHelmHooksAreCreated (test/e2e/helm_test.go).
// Asserts: hook.yaml with only `helm.sh/hook: pre-install` → op Succeeded, app Healthy and Synced, result
// {v1 Pod <ns>/hook, Synced, "pod/hook created", hookType PreSync, hookPhase Succeeded, syncPhase PreSync}.
// Fixture differences: the common ones only.
TEST_F(HelmTest, HelmHooksAreCreated) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "replace", "path": "/metadata/annotations", "value": {"helm.sh/hook": "pre-install"}}])");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(HealthIs("Healthy"));
  Expect(SyncStatusIs("Synced"));
  Expect(ResourceResultIs(PodHookResult("hook", "PreSync", "Succeeded", "pod/hook created")));
}

// Argo CD: TestHelmHookWeight (test/e2e/helm_test.go): "make sure we treat Helm weights as a sync wave".
// Asserts: a Sync hook with `helm.sh/hook-weight: "-1"` that fails runs before the pod (wave -1 < 0), so
// the pod is never created: op Failed, exactly 1 result.
// Fixture differences: command/0 "false" → localnode exit-code "1" (added to the annotations the patch
// sets). Added checks: the CLI exits 1; the pod was never created.
TEST_F(HelmTest, HelmHookWeight) {
  Path("hook");
  PatchFile("hook.yaml", R"([
	{"op": "replace", "path": "/metadata/annotations", "value": {"argocd.argoproj.io/hook": "Sync", "helm.sh/hook-weight": "-1"}},
	{"op": "replace", "path": "/spec/containers/0/command/0", "value": "false"}
])");
  SetAnnotation("hook.yaml", kExitCode, "1");
  CreateApp();
  const CliRun& run = Sync();  // Argo CD: IgnoreErrors()
  EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
  Expect(OperationPhaseIs("Failed"));
  Expect(ResourceResultNumbering(1));
  Expect(NoPodNamed("pod"));
}

// Argo CD: TestHelmHookDeletePolicy (test/e2e/helm_test.go): "make sure that execute the delete policy".
// Asserts: the Sync hook with `helm.sh/hook-delete-policy: hook-succeeded` → op Succeeded, exactly 2
// results, and no pod named "hook" remains.
// Fixture differences: the common ones only.
TEST_F(HelmTest, HelmHookDeletePolicy) {
  Path("hook");
  PatchFile("hook.yaml", R"([{"op": "add", "path": "/metadata/annotations/helm.sh~1hook-delete-policy", "value": "hook-succeeded"}])");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(ResourceResultNumbering(2));
  Expect(NoPodNamed("hook"));
}

// Argo CD: TestHelmCrdHook (test/e2e/helm_test.go).
// Asserts: the `helm-crd` chart (crds/crd.yaml: CRD crontabs.stable.example.com; templates/instance.yaml:
// a CronTab of it) → op Succeeded, app Healthy and Synced, exactly 2 results (the CRD and the CronTab).
// Fixture differences: crds/crd.yaml without Argo CD's explanatory comments. Added check: the CronTab
// is named after the release (the app's name).
TEST_F(HelmTest, HelmCrdHook) {
  // The CRD is cluster-scoped and outlives the test's namespace: start without it, as Argo CD's fixture
  // deletes e2e CRDs between tests, so that the CronTab's kind is unknown until this sync applies it.
  const core::Gvk crd{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};
  (void)client().Delete(crd, "", "crontabs.stable.example.com", {});
  ASSERT_TRUE(WaitFor([&] { return client().Get(crd, "", "crontabs.stable.example.com").status().IsNotFound(); },
                      std::chrono::seconds(30)));
  Path("helm-crd");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(HealthIs("Healthy"));
  Expect(SyncStatusIs("Synced"));
  Expect(ResourceResultNumbering(2));
  EXPECT_TRUE(GetObject(core::Gvk{"stable.example.com", "v1", "CronTab"}, "app-inst").has_value());
}

}  // namespace
}  // namespace capstan::compat
