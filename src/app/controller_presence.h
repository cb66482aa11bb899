// Copyright 2026 The capstan Authors.
//
// Whether a controller is running for a control-plane namespace, and which replica leads. The leader
// among the running `capstan controller` replicas holds the Lease "capstan-controller" in the
// control-plane namespace (15 s, renewed every 5 s, released when it stops); the others try to take it
// every 5 s. Every replica also holds a member Lease (shard_membership.h). The CLI asks before it runs anything itself: with a controller present,
// `capstan app sync` only requests the operation and follows it, and `capstan app delete` only
// deletes the Application (and follows with --wait); with none, the CLI runs the operation or the
// deletion itself, so capstan also works without a controller (DESIGN §8.4).
//
// Thread safety: ControllerPresence is used by one thread; ControllerIsRunning is thread-safe.

#ifndef CAPSTAN_APP_CONTROLLER_PRESENCE_H_
#define CAPSTAN_APP_CONTROLLER_PRESENCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "app/operation_lease.h"
#include "base/result.h"
#include "kube/client.h"

namespace capstan::app {

inline constexpr std::string_view kControllerLeaseName = "capstan-controller";
// The Lease annotation listing the other namespaces the controller serves (comma-separated patterns).
inline constexpr char kApplicationNamespacesAnnotation[] = "capstan.dev/application-namespaces";

// True when the controller Lease of |control_plane_namespace| is held and not expired (and its holder
// is not a dead process of this host) — or, while it is not, a member Lease is — and, when
// |app_namespace| is another namespace, that controller serves it. Errors other than NotFound are
// returned.
base::Result<bool> ControllerIsRunning(kube::Client& client, const std::string& control_plane_namespace,
                                       const std::string& app_namespace = "");

// True when |ns| matches |pattern|: a glob (source/glob.h) or a regular expression between slashes
// (--application-namespaces, Argo CD's rule).
bool NamespaceMatches(const std::string& pattern, const std::string& ns);

// The controller's side: takes, renews and releases the presence Lease.
class ControllerPresence {
 public:
  // |client| must outlive this. |holder| names the controller process.
  // |application_namespaces|: the patterns of the other namespaces served, written on the Lease.
  ControllerPresence(kube::Client& client, const std::string& control_plane_namespace, const std::string& holder,
                     const std::vector<std::string>& application_namespaces = {});

  // kFailedPrecondition naming the holder when another live controller holds the Lease.
  base::Status Acquire() { return lease_.Acquire(); }
  base::Status Renew() { return lease_.Renew(); }
  base::Status Release() { return lease_.Release(); }

 private:
  OperationLease lease_;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_CONTROLLER_PRESENCE_H_
