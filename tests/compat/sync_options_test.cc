// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/sync_options_test.go, the scenarios of spec/argo-e2e-contract.md §A.4.4:
// ApplyOutOfSyncOnly applies only what drifted, and a `hook: Skip` resource's drift is invisible. Run
// through the capstan binary against the local cluster (testdata/guestbook).
//
// Thread safety: GoogleTest fixtures.

#include "compat_util.h"

namespace capstan::compat {
namespace {

class SyncOptionsTest : public CompatTest {
 protected:
  // Argo CD's `Refresh(RefreshTypeNormal)`: compare the app with Git and the cluster again. capstan has no
  // controller yet; the test relies on `capstan app get` re-comparing Git with the cluster when it reads
  // (Expect re-reads the same way).
  void Refresh() { Get(); }
};

// Argo CD: TestSyncWithApplyOutOfSyncOnly (test/e2e/sync_options_test.go, testdata/guestbook).
// Asserts: with ApplyOutOfSyncOnly (Given().ApplyOutOfSyncOnly() = `--apply-out-of-sync-only` on every
// sync) the new app is OutOfSync; after a first sync and a Git change of the Deployment's replicas
// (0 → 1), the second sync has exactly 1 result: apps/v1 Deployment guestbook-ui in the app's namespace,
// Synced, message `deployment.apps/guestbook-ui configured`, hookPhase Running, syncPhase Sync.
// Fixture differences: testdata/guestbook is a plain directory (Deployment + Service) where Argo CD's has
// a kustomization.yaml listing the same two files (Kustomize is a later issue), and the Deployment is
// apps/v1 (Argo CD's older copy says apps/v1beta2, which a 1.20 API server does not serve). The
// result's `images` field is not compared (capstan does not report it).
TEST_F(SyncOptionsTest, SyncWithApplyOutOfSyncOnly) {
  Path("guestbook");
  CreateApp();
  Expect(SyncStatusIs("OutOfSync"));
  const CliRun& first = Sync({"--apply-out-of-sync-only"});
  EXPECT_EQ(first.exit_code, 0) << first.stderr_text;
  PatchFile("guestbook-ui-deployment.yaml", R"([{ "op": "replace", "path": "/spec/replicas", "value": 1 }])");
  const CliRun& second = Sync({"--apply-out-of-sync-only"});
  EXPECT_EQ(second.exit_code, 0) << second.stderr_text;
  Expect(ResourceResultNumbering(1));
  Expect(ResourceResultIs({"apps", "v1", "Deployment", ns(), "guestbook-ui", "Synced",
                           "deployment.apps/guestbook-ui configured", "", "Running", "Sync"}));
}

// Argo CD: TestSyncWithSkipHook (test/e2e/sync_options_test.go, testdata/guestbook).
// Asserts: the app is Synced; after Git adds `argocd.argoproj.io/hook: Skip` to the Deployment and
// changes its replicas, a refresh still shows Synced (a Skip resource's drift is invisible); after Git
// removes the annotations again (replicas still changed), a refresh shows OutOfSync.
// Fixture differences: as SyncWithApplyOutOfSyncOnly. Argo CD creates the app with automated sync +
// self-heal and lets the controller sync it; capstan's automated sync is the Controller issue's, so the
// app has no automated policy and is synced once by `capstan sync`. `Refresh` is a `capstan app get`.
TEST_F(SyncOptionsTest, SyncWithSkipHook) {
  Path("guestbook");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(SyncStatusIs("Synced"));

  PatchFile("guestbook-ui-deployment.yaml",
            R"([{ "op": "add", "path": "/metadata/annotations", "value": { "argocd.argoproj.io/hook": "Skip" }}])");
  PatchFile("guestbook-ui-deployment.yaml", R"([{ "op": "replace", "path": "/spec/replicas", "value": 1 }])");
  Refresh();
  Expect(SyncStatusIs("Synced"));

  PatchFile("guestbook-ui-deployment.yaml", R"([{ "op": "remove", "path": "/metadata/annotations" }])");
  Refresh();
  Expect(SyncStatusIs("OutOfSync"));
}

}  // namespace
}  // namespace capstan::compat
