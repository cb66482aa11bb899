// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/cluster_objects_test.go, the scenario of spec/argo-e2e-contract.md §A.4.4: a
// cluster-scoped object works as a hook. Run through the capstan binary against the local cluster.
//
// Thread safety: GoogleTest fixtures.

#include <string>

#include "base/json.h"
#include "compat_util.h"
#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::compat {
namespace {

const core::Gvk kClusterRoleBindingGvk{"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"};

class ClusterObjectsTest : public CompatTest {
 protected:
  void TearDown() override {
    // The hook is cluster-scoped: the test namespace's deletion does not take it away.
    if (!binding_.empty()) (void)client().Delete(kClusterRoleBindingGvk, "", binding_, {});
    CompatTest::TearDown();
  }

  std::string binding_;
};

// Argo CD: TestClusterRoleBindingHook (test/e2e/cluster_objects_test.go, testdata/cluster-role-hook).
// Asserts: a ClusterRoleBinding annotated as a PreSync hook (with a stray metadata.namespace, as in Argo
// CD's fixture) beside Pod `my-pod`: operation Succeeded, app Healthy and Synced.
// Fixture differences: the ClusterRoleBinding is named `compat-crb-hook-<test namespace>` instead of
// `my-cluster-role-binding` (cluster-scoped, so a fixed name would collide between runs and clusters'
// users) and is deleted at the end of the test. `my-pod`'s command `true` is played by capstan-localnode
// with its defaults. Added check: the hook object exists after the sync (default delete policy
// BeforeHookCreation keeps it).
TEST_F(ClusterObjectsTest, ClusterRoleBindingHook) {
  binding_ = "compat-crb-hook-" + ns();
  Path("cluster-role-hook");
  EditFile("cluster-role.yaml", [&](base::Json& doc) { doc["metadata"]["name"] = binding_; });
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(HealthIs("Healthy"));
  Expect(SyncStatusIs("Synced"));
  auto hook = client().Get(kClusterRoleBindingGvk, "", binding_);
  EXPECT_TRUE(hook.ok()) << hook.status().ToString();
}

}  // namespace
}  // namespace capstan::compat
