// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/sync_waves_test.go (spec/argo-e2e-contract.md §A.4.2), re-run through the capstan
// binary against the local control plane: the last wave of a sync does not wait for health (an
// operation Succeeds with a Progressing or Degraded Deployment), and prune runs in reverse wave order.
// Argo CD's TestFixingDegradedApp, which needs Lua health, is in sync_waves_pending_test.cc.
//
// Thread safety: GoogleTest fixtures; the deletion recorder's watch threads only append under a mutex.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "base/time.h"
#include "compat_util.h"
#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::compat {
namespace {

const core::Gvk kServiceAccountGvk{"", "v1", "ServiceAccount"};
const core::Gvk kRoleGvk{"rbac.authorization.k8s.io", "v1", "Role"};
const core::Gvk kRoleBindingGvk{"rbac.authorization.k8s.io", "v1", "RoleBinding"};

// One DELETED watch event: the kind and name of the object and the resourceVersion of the deletion.
struct Deletion {
  std::string kind;
  std::string name;
  int64_t resource_version = 0;
};

// Watches |gvks| in one namespace from "now" (a list's resourceVersion, so nothing between the list and
// the watch is missed) and records every DELETED event. The resourceVersion of a DELETED event is the
// etcd revision of the deletion; revisions of one etcd are totally ordered across kinds, so comparing
// them orders deletions that happened on different watch streams.
class DeletionRecorder {
 public:
  DeletionRecorder(kube::Client& client, std::string ns, const std::vector<core::Gvk>& gvks) {
    for (const core::Gvk& gvk : gvks) {
      auto list = client.List(gvk, ns, {});
      if (!list.ok()) {
        ADD_FAILURE() << "listing " << gvk.kind << ": " << list.status().ToString();
        continue;
      }
      std::string from = list->resource_version;
      threads_.emplace_back([this, &client, ns, gvk, from](std::stop_token stop) {
        kube::WatchOptions opts;
        opts.resource_version = from;
        opts.allow_bookmarks = false;
        (void)client.Watch(gvk, ns, opts, [this](const kube::WatchEvent& ev) {
          if (ev.type != kube::WatchEventType::kDeleted) return true;
          Deletion d;
          d.kind = base::GetString(ev.object, "kind");
          d.name = base::GetStringAt(ev.object, "metadata/name");
          try {
            d.resource_version = std::stoll(base::GetStringAt(ev.object, "metadata/resourceVersion"));
          } catch (...) {
            d.resource_version = -1;
          }
          std::lock_guard<std::mutex> lock(mu_);
          deletions_.push_back(std::move(d));
          return true;
        }, stop);
      });
    }
  }

  // The recorded deletion of |kind|/|name|, or one with resource_version 0 when none was seen.
  Deletion Of(std::string_view kind, std::string_view name) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Deletion& d : deletions_) {
      if (d.kind == kind && d.name == name) return d;
    }
    return Deletion{std::string(kind), std::string(name), 0};
  }

  std::string Describe() {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    for (const Deletion& d : deletions_) {
      out += d.kind + "/" + d.name + "@" + std::to_string(d.resource_version) + " ";
    }
    return out.empty() ? "(no deletions seen)" : out;
  }

 private:
  std::mutex mu_;
  std::vector<Deletion> deletions_;  // guarded by mu_
  std::vector<std::jthread> threads_;  // last: joined (after a stop request) before mu_ goes away
};

class SyncWavesTest : public CompatTest {};

// Argo CD: TestOneProgressingDeploymentIsSucceededAndSynced (test/e2e/sync_waves_test.go).
// Asserts: a Deployment whose pod never becomes ready leaves the app Progressing, yet the single-wave
// sync does not wait for its health: operation Succeeded, app Synced, health Progressing, 1 result.
// Fixture differences: testdata/one-deployment is Argo CD's. Argo CD's invalid image `alpine:ops!` keeps
// the pod from starting; capstan-localnode pulls no image, so the test also sets the pod template
// annotation `localnode.capstan.dev/ready: "false"` (running, never Ready). The image patch is kept.
// `capstan sync` stands for `argocd app create` + `argocd app sync`, and must exit 0 like Argo CD's Sync().
TEST_F(SyncWavesTest, OneProgressingDeploymentIsSucceededAndSynced) {
  Path("one-deployment");
  PatchFile("deployment.yaml",
            R"([{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "alpine:ops!"}])");
  SetPodTemplateAnnotation("deployment.yaml", kReady, "false");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(HealthIs("Progressing"));
  Expect(SyncStatusIs("Synced"));
  Expect(ResourceResultNumbering(1));
}

// Argo CD: TestDegradedDeploymentIsSucceededAndSynced (test/e2e/sync_waves_test.go).
// Asserts: with `progressDeadlineSeconds: 1` the never-ready Deployment turns Degraded
// (ProgressDeadlineExceeded), and still the operation Succeeded, app Synced, health Degraded, 1 result.
// Fixture differences: as OneProgressingDeploymentIsSucceededAndSynced (ready "false" annotation on
// the pod template besides Argo CD's two patches).
TEST_F(SyncWavesTest, DegradedDeploymentIsSucceededAndSynced) {
  Path("one-deployment");
  PatchFile("deployment.yaml", R"([
    {"op": "replace", "path": "/spec/progressDeadlineSeconds", "value": 1},
    {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "alpine:ops!"}
  ])");
  SetPodTemplateAnnotation("deployment.yaml", kReady, "false");
  CreateApp();
  const CliRun& run = Sync();
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(HealthIs("Degraded"));
  Expect(SyncStatusIs("Synced"));
  Expect(ResourceResultNumbering(1));
}

// Argo CD: TestSyncPruneOrderWithSyncWaves (test/e2e/sync_waves_test.go, testdata/syncwaves-prune-order).
// Asserts: SA + Role (wave 0), RoleBinding (wave 1) and a Pod carrying a finalizer (wave 2) sync Synced
// and Healthy; after both files are deleted from Git the app is OutOfSync, and `sync --prune` prunes in
// reverse wave order — pod, then rolebinding, then SA and Role — so the operation Succeeded, app Synced
// and Healthy, the pod is gone, and there are 4 results.
// Fixture differences: in Argo CD the pod's preStop hook removes its own finalizer with the SA's token,
// which only works while the RoleBinding, Role and SA still exist; a wrong order leaves the pod stuck.
// capstan-localnode runs no commands: the pod carries `localnode.capstan.dev/remove-finalizer-on-delete:
// example.com/block-delete` instead (preStop hook and env dropped), which removes the finalizer whatever
// the order. So the order is asserted directly: a watch records the DELETED events of the four objects
// and their resourceVersions (etcd revisions) must go pod < rolebinding < SA, Role — the pod gone before
// the RoleBinding was deleted. The pruned results are also checked field by field (Pruned, `pruned`,
// hookPhase Succeeded, syncPhase Sync), which Argo CD's test leaves to its unit tests. Argo CD's
// `Refresh(RefreshTypeHard)` is a `capstan app get`, which must re-compare (as Expect's re-reads must).
TEST_F(SyncWavesTest, SyncPruneOrderWithSyncWaves) {
  Path("syncwaves-prune-order");
  CreateApp();
  const CliRun& first = Sync();
  EXPECT_EQ(first.exit_code, 0) << first.stderr_text;
  Wait();
  Expect(SyncStatusIs("Synced"));
  Expect(HealthIs("Healthy"));

  DeleteFile("pod.yaml");
  DeleteFile("rbac.yaml");
  Get();
  Expect(SyncStatusIs("OutOfSync"));

  {
    DeletionRecorder deletions(client(), ns(), {kPodGvk, kRoleBindingGvk, kRoleGvk, kServiceAccountGvk});
    const CliRun& prune = Sync({"--prune"});
    EXPECT_EQ(prune.exit_code, 0) << prune.stderr_text;
    Wait();
    Expect(OperationPhaseIs("Succeeded"));
    Expect(SyncStatusIs("Synced"));
    Expect(HealthIs("Healthy"));
    Expect(NoPodNamed("pod-with-finalizers"));
    Expect(ResourceResultNumbering(4));

    // Every deletion is seen (the watch may lag the CLI by a moment).
    EXPECT_TRUE(WaitFor(
        [&] {
          return deletions.Of("Pod", "pod-with-finalizers").resource_version != 0 &&
                 deletions.Of("RoleBinding", "modify-pods-rolebinding").resource_version != 0 &&
                 deletions.Of("Role", "modify-pods-role").resource_version != 0 &&
                 deletions.Of("ServiceAccount", "modify-pods-sa").resource_version != 0;
        },
        std::chrono::seconds(10)))
        << deletions.Describe();
    int64_t pod = deletions.Of("Pod", "pod-with-finalizers").resource_version;
    int64_t binding = deletions.Of("RoleBinding", "modify-pods-rolebinding").resource_version;
    int64_t role = deletions.Of("Role", "modify-pods-role").resource_version;
    int64_t sa = deletions.Of("ServiceAccount", "modify-pods-sa").resource_version;
    EXPECT_LT(pod, binding) << "the pod (wave 2) must be gone before the rolebinding (wave 1) is pruned: "
                            << deletions.Describe();
    EXPECT_LT(binding, role) << "the rolebinding (wave 1) must go before the role (wave 0): "
                             << deletions.Describe();
    EXPECT_LT(binding, sa) << "the rolebinding (wave 1) must go before the service account (wave 0): "
                           << deletions.Describe();
  }

  Expect(ResourceResultIs({"", "v1", "Pod", ns(), "pod-with-finalizers", "Pruned", "pruned", "", "Succeeded",
                           "Sync"}));
  Expect(ResourceResultIs({"rbac.authorization.k8s.io", "v1", "RoleBinding", ns(), "modify-pods-rolebinding",
                           "Pruned", "pruned", "", "Succeeded", "Sync"}));
  Expect(ResourceResultIs({"rbac.authorization.k8s.io", "v1", "Role", ns(), "modify-pods-role", "Pruned",
                           "pruned", "", "Succeeded", "Sync"}));
  Expect(ResourceResultIs({"", "v1", "ServiceAccount", ns(), "modify-pods-sa", "Pruned", "pruned", "",
                           "Succeeded", "Sync"}));
}

// Argo CD's script of TestFixingDegradedApp, verbatim: a ConfigMap's health is its `health` annotation,
// else Degraded.
constexpr char kConfigMapHealthLua[] =
    "return { status = obj.metadata.annotations and obj.metadata.annotations['health'] or 'Degraded' }";

// Argo CD: TestFixingDegradedApp (test/e2e/sync_waves_test.go, testdata/sync-waves).
// Asserts: ConfigMaps cm-1 (wave 1) and cm-2 (wave 2) with a Lua health check "the `health` annotation,
// else Degraded": the first sync fails — operation Failed, app OutOfSync and Degraded, exactly 1 result,
// cm-1 Synced/Degraded, cm-2 OutOfSync/Missing (wave 2 never applied while wave 1 is Degraded). After
// Git sets `health: Healthy` on both and a refresh, cm-1 is OutOfSync; the next sync Succeeded, app
// Synced and Healthy, 2 results, both ConfigMaps Synced/Healthy; the app health's lastTransitionTime
// changed (spec/argo-e2e-contract.md §A.4.2, Argo CD ≥ 3.x).
// Fixture differences: the health override goes to a capstan-cm in the test's namespace under argocd-cm's
// key `resource.customizations.health.ConfigMap`, and every command gets --control-plane-namespace <ns>
// (UseOwnSettings, before CreateApp: the control-plane namespace is part of the tracking instance name).
// Argo CD's patches `replace /metadata/annotations/health` on files that have no such key (its JSON-patch
// library accepts that); RFC 6902 requires `add` for a missing member, so the test uses `add`. Refresh
// is a `capstan app get`. The first sync must exit 1, the second 0.
TEST_F(SyncWavesTest, FixingDegradedApp) {
  Path("sync-waves");
  UseOwnSettings({{"resource.customizations.health.ConfigMap", kConfigMapHealthLua}});
  CreateApp();
  if (HasFatalFailure()) return;

  const CliRun& first = Sync();
  EXPECT_EQ(first.exit_code, 1) << first.stderr_text;
  Expect(OperationPhaseIs("Failed"));
  Expect(SyncStatusIs("OutOfSync"));
  Expect(HealthIs("Degraded"));
  Expect(ResourceResultNumbering(1));
  Expect(ResourceSyncStatusIs("ConfigMap", "cm-1", "Synced"));
  Expect(ResourceHealthIs("ConfigMap", "cm-1", "Degraded"));
  Expect(ResourceSyncStatusIs("ConfigMap", "cm-2", "OutOfSync"));
  Expect(ResourceHealthIs("ConfigMap", "cm-2", "Missing"));
  std::string degraded_since = base::GetStringAt(app(), "status/health/lastTransitionTime");

  PatchFile("cm-1.yaml", R"([{"op": "add", "path": "/metadata/annotations/health", "value": "Healthy"}])");
  PatchFile("cm-2.yaml", R"([{"op": "add", "path": "/metadata/annotations/health", "value": "Healthy"}])");
  Get();  // Argo CD: Refresh(RefreshTypeNormal)
  Expect(ResourceSyncStatusIs("ConfigMap", "cm-1", "OutOfSync"));

  // lastTransitionTime has seconds (metav1.Time); Argo CD's run takes seconds, capstan's can take less
  // than one: let the clock pass the Degraded transition's second before the app can turn Healthy.
  while (base::FormatRfc3339(base::NowUnixSeconds()) <= degraded_since) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const CliRun& second = Sync();
  EXPECT_EQ(second.exit_code, 0) << second.stderr_text;
  Expect(OperationPhaseIs("Succeeded"));
  Expect(SyncStatusIs("Synced"));
  Expect(HealthIs("Healthy"));
  Expect(ResourceResultNumbering(2));
  Expect(ResourceSyncStatusIs("ConfigMap", "cm-1", "Synced"));
  Expect(ResourceHealthIs("ConfigMap", "cm-1", "Healthy"));
  Expect(ResourceSyncStatusIs("ConfigMap", "cm-2", "Synced"));
  Expect(ResourceHealthIs("ConfigMap", "cm-2", "Healthy"));
  EXPECT_FALSE(degraded_since.empty()) << "status.health.lastTransitionTime was not set while Degraded";
  EXPECT_NE(base::GetStringAt(app(), "status/health/lastTransitionTime"), degraded_since)
      << "status.health.lastTransitionTime did not change";
}

}  // namespace
}  // namespace capstan::compat
