// Copyright 2026 The capstan Authors.
//
// DeletionRunner: finishes the deletion of an Application that has a deletionTimestamp, as Argo CD's
// controller does in finalizeApplicationDeletion (spec/argo-sync-semantics.md §4.2). The Application
// stays in the API server while it has finalizers; each pass does the first step whose finalizer is
// still there, then removes that finalizer (GET/UPDATE, retried on conflict) — so every step is
// resumed from the Application alone after a crash:
//   1. pre-delete-finalizer: create the PreDelete hooks rendered from Git at the targetRevision
//      (every pass, so a fix pushed to Git is picked up), wait until they are healthy. A Degraded hook
//      is deleted and the pass fails with "PreDelete hook(s) failed: ns/name, …": the next pass
//      creates it again.
//   2. a cascade finalizer (resources-finalizer.argocd.argoproj.io[/foreground|/background]): delete
//      the app's managed live objects, highest wave first and one wave per pass (sort_delete.go),
//      skipping CRDs, the Application itself, `Delete=false` and `helm.sh/resource-policy: keep`;
//      waiting while any of them is being deleted, or while `Delete=confirm`/`Prune=confirm` objects
//      lack an argocd.argoproj.io/deletion-approved at or after the deletionTimestamp.
//   3. post-delete-finalizer: the PostDelete hooks, as in 1.
//   4./5. the /cleanup finalizers: delete the hooks of that type whose delete policy matches their
//      aggregate health (HookSucceeded when Healthy, HookFailed when Degraded), wait until they are gone.
// When the last finalizer goes the API server removes the Application.
//
// Hooks are created with POST (the tracking annotation comes from the render; AlreadyExists is
// fine), and found among the app's live objects by key, so a runner killed after creating a hook and
// started again does not create it twice. A pass runs only when no operation is requested or
// running (that is finished first), under the app's operation Lease (operation_lease.h).
//
// A pass's failure (a failed hook, a render error) is written as the DeletionError condition on the
// Application (kept while the step is retried, cleared when the step is done) and reported as the
// pass's |error| and |waiting|; only "cannot talk to the cluster" is a Status.
//
// Crash points (base/crash_point.h): "deletion:hook-created" after each hook is created,
// "deletion:wave-deleted" after a wave's deletes, "deletion:finalizer-removed:<step>" after a
// finalizer is removed, <step> one of pre-delete, resources, post-delete, pre-delete-cleanup,
// post-delete-cleanup.
//
// Thread safety: one RunPass/Run at a time per runner; distinct runners coordinate through the Lease.

#ifndef CAPSTAN_APP_DELETION_H_
#define CAPSTAN_APP_DELETION_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/application.h"
#include "base/result.h"
#include "core/gvk.h"
#include "health/health.h"
#include "kube/client.h"
#include "source/render/render.h"

namespace capstan::app {

inline constexpr char kDeletionError[] = "DeletionError";

struct DeletionOptions {
  source::RenderOptions render;  // cache dir and credentials; the revision is the app's targetRevision
  std::string control_plane_namespace = "capstan";
  std::string holder;  // Lease holder identity; "" = LocalHolderIdentity()
  std::string field_manager = "capstan";
  health::HealthOverride* health_override = nullptr;
  // One line for each thing done (hook created, wave deleted, finalizer removed) and for each new
  // waiting reason (Run).
  std::function<void(std::string_view)> progress;
};

struct DeletionPass {
  bool gone = false;      // the Application no longer exists
  std::string waiting;    // why it is not finished yet ("" when gone)
  bool progressed = false;  // the pass changed something (another pass may go on at once)
  std::string error;      // the DeletionError the pass wrote ("" when none)
};

class DeletionRunner {
 public:
  // |client| must outlive the runner.
  DeletionRunner(kube::Client& client, DeletionOptions opts);

  // One pass over |ref| (see the file comment). Not deleting → waiting "not being deleted"; an
  // operation requested or Running/Terminating → "waiting for the running operation"; the Lease held
  // by another → "the operation Lease of <app> is held by <holder>". Errors only when the cluster
  // cannot be read or written.
  base::Result<DeletionPass> RunPass(const AppRef& ref);

  // Passes until the Application is gone: at once after a pass that changed something, else when a
  // watched object changes (the Application, the kinds of its objects; change_notifier.h), at most
  // every 2 s. kTimeout at |deadline| with the waiting reason; errors of RunPass.
  base::Status Run(const AppRef& ref, std::optional<std::chrono::steady_clock::time_point> deadline);

 private:
  class Pass;
  kube::Client& client_;
  DeletionOptions opts_;
  // The kinds and namespaces of the last pass, for Run's watches.
  std::vector<std::pair<core::Gvk, std::string>> watch_;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_DELETION_H_
