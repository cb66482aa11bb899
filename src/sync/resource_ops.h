// Copyright 2026 The capstan Authors.
//
// ResourceOps: what the engine does to one object in the cluster — apply (server-side apply, or
// create/replace with Replace=true), prune, delete a hook, remove the hook finalizer — with
// kubectl-style result messages (DESIGN §8.1): "pod/hook created", "deployment.apps/web configured",
// "configmap/cm unchanged".
//
// Thread safety: safe for concurrent use (the client is).

#ifndef CAPSTAN_SYNC_RESOURCE_OPS_H_
#define CAPSTAN_SYNC_RESOURCE_OPS_H_

#include <string>

#include "base/json.h"
#include "base/status.h"
#include "core/resource_key.h"
#include "core/sync_types.h"
#include "kube/client.h"

namespace capstan::sync {

struct ApplyMode {
  bool dry_run = false;
  bool replace = false;  // create / PUT instead of apply
  bool force = false;    // delete and re-create when the server refuses an immutable change
  std::string field_manager = "capstan";
};

struct OpOutcome {
  core::ResultCode code = core::ResultCode::kSynced;
  std::string message;
};

class ResourceOps {
 public:
  // |client| must outlive this.
  explicit ResourceOps(kube::Client& client) : client_(client) {}

  // Applies |target| over |live| (nullptr when absent). kSynced with "<res>/<name> created|
  // configured|unchanged" (suffix " (dry run)" in a dry run), or kSyncFailed with the server's message.
  // A CustomResourceDefinition written for real is waited for (Established, at most 3 s, as
  // gitops-engine's ensureCRDReady) and discovery forgotten, so its custom resources can be applied
  // next in the same sync.
  OpOutcome Apply(const base::Json& target, const base::Json* live, const ApplyMode& mode);

  // Validates |target| as a new object: a server-side dry-run create under a server-generated name
  // (generateName "<name>-"), so the live object of the same name — a hook about to be deleted and
  // re-created, or being deleted right now — does not take part. Argo CD's client-side dry-run never
  // looks at the live object either. Outcome as Apply's ("pod/hook created (dry run)").
  OpOutcome DryRunAsNew(const base::Json& target, const ApplyMode& mode);
  // Deletes |live| with |propagation| ("foreground" | "background" | "orphan"). NotFound is success.
  base::Status Delete(const base::Json& live, const std::string& propagation, bool dry_run = false);

  // Removes argocd.argoproj.io/hook-finalizer from the object with a metadata-only JSON patch (a
  // `test` then `remove` of that one list entry, so it can never touch an immutable field). When
  // |live| is nullptr or stale the object is read from the API server first. OK when the object or
  // the finalizer is already gone.
  base::Status RemoveHookFinalizer(const core::ResourceKey& key, const std::string& api_version,
                                   const base::Json* live);

  // "deployment.apps/web", "pod/hook": kubectl's resource/name form.
  static std::string DisplayName(const base::Json& obj);

 private:
  void EnsureCrdReady(const std::string& name);
  // True when a CustomResourceDefinition (not being deleted) defines and serves |gvk|.
  bool CrdDefines(const core::Gvk& gvk);

  kube::Client& client_;
};

// Fills in what Kubernetes 1.20's server-side apply rejects when missing (DESIGN §5): `protocol: TCP`
// on Service ports and on containers' ports. Harmless on any version.
void PrepareForApply(base::Json& obj);

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_RESOURCE_OPS_H_
