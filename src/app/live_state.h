// Copyright 2026 The capstan Authors.
//
// The live side of an Application: which kinds and namespaces to look in, and the live objects that
// belong to it — those whose tracking annotation (`argocd.argoproj.io/tracking-id`) names the app's
// instance, plus any live object a target names (so a sync adopts what is already there).
//
// capstan has no cluster-wide cache yet (the Controller issue adds one), so the app's live objects
// are found by listing only the kinds the app has ever had: its targets' kinds and those recorded in
// status.resources and status.operationState. An object of another kind carrying the app's tracking
// id (created by hand) is not seen, and so not pruned.
//
// Thread safety: functions are thread-compatible; they call the client concurrently-safe methods.

#ifndef CAPSTAN_APP_LIVE_STATE_H_
#define CAPSTAN_APP_LIVE_STATE_H_

#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::app {

// Sets each target's namespace the way Argo CD's controller does: namespaced kinds without one get
// |destination_namespace|, cluster-scoped kinds lose theirs. A kind the server does not serve yet is
// scoped by a CustomResourceDefinition among |targets| when there is one, else treated as namespaced.
// kInvalidArgument naming the object when a namespaced object has no namespace and there is no
// destination namespace.
base::Status NormalizeNamespaces(kube::Client& client, std::vector<base::Json>& targets,
                                 const std::string& destination_namespace);

// The kinds to list: those of |targets|, then those in |app|'s status.resources and
// status.operationState.syncResult.resources, each once.
std::vector<core::Gvk> KindsToWatch(const std::vector<base::Json>& targets, const base::Json& app);

// The app's live objects of |kinds| (see the file comment), listed in the destination namespace and
// the namespaces of |targets| (cluster-wide for cluster-scoped kinds), paginated. Kinds the server
// does not serve are skipped. Errors as the client returns them, annotated with the kind.
base::Result<std::vector<base::Json>> ListLive(kube::Client& client, const std::vector<core::Gvk>& kinds,
                                               const std::string& instance_name,
                                               const std::string& destination_namespace,
                                               const std::vector<base::Json>& targets);

// Where a refresh finds an Application's live objects: by default the API server (ListLive above,
// what the CLI does); the controller passes its cluster cache (cache/, cached_live_source.h) so that
// a refresh costs no LIST. Same contract as ListLive.
class LiveSource {
 public:
  virtual ~LiveSource() = default;
  virtual base::Result<std::vector<base::Json>> ListLive(const std::vector<core::Gvk>& kinds,
                                                         const std::string& instance_name,
                                                         const std::string& destination_namespace,
                                                         const std::vector<base::Json>& targets) = 0;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_LIVE_STATE_H_
