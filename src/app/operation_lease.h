// Copyright 2026 The capstan Authors.
//
// OperationLease: who runs an Application's operation (DESIGN §8.4). A runner — the CLI that asked
// for a sync, or a controller replica — takes the coordination.k8s.io/v1 Lease "capstan-op-<app>" in
// the Application's namespace before driving the operation, renews it every 5 s while it runs
// (leaseDurationSeconds 15) and releases it when the operation ends. Two runners never drive one app
// at once: a Lease held by someone else and not expired cannot be taken. No Lease exists while no
// operation runs.
//
// Thread safety: an OperationLease is used by one runner thread; distinct instances (even in
// different processes) coordinate through the API server's optimistic concurrency.

#ifndef CAPSTAN_APP_OPERATION_LEASE_H_
#define CAPSTAN_APP_OPERATION_LEASE_H_

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "base/result.h"
#include "kube/client.h"

namespace capstan::app {

struct LeaseOptions {
  std::chrono::seconds duration{15};
  // The Lease's name; "" = "capstan-op-<app>". The controller's presence Lease uses another
  // (controller_presence.h).
  std::string name;
  // Annotations written on the Lease (the controller's says which namespaces it serves).
  std::map<std::string, std::string> annotations;
  // Labels written on the Lease (a controller replica's membership Lease is listed by one).
  std::map<std::string, std::string> labels;
  // Wall clock in microseconds since the epoch (base::NowUnixMicros when empty); tests replace it.
  std::function<int64_t()> now_micros;
};

// True when the holder of |lease| (a coordination.k8s.io/v1 Lease) can no longer be running: it was
// not renewed within its leaseDurationSeconds before |now_micros|, it has no renewTime, or its holder
// is a dead process of this host (lease_holder.h).
bool LeaseAbandoned(const base::Json& lease, int64_t now_micros);

class OperationLease {
 public:
  // |client| must outlive this. |holder| names this runner ("capstan-cli/<host>/<pid>").
  OperationLease(kube::Client& client, std::string app_namespace, std::string app_name, std::string holder,
                 LeaseOptions opts = {});

  // Takes the Lease: creates it, or takes it over when it has expired, its holder is a dead process
  // of this host (lease_holder.h), or this holder already holds
  // it. kFailedPrecondition naming the current holder when another runner holds it; other errors as
  // the client returns them.
  base::Status Acquire();
  // Extends the Lease. kFailedPrecondition when it was lost (taken over after expiring).
  base::Status Renew();
  // Deletes the Lease if this holder still holds it. OK when it is already gone.
  base::Status Release();
  // Deletes the Lease when its holder is gone (it expired, or its holder is a dead process of this
  // host): a runner that died between the operation's last write and its release leaves one behind.
  // OK when there is none or its holder is alive. REQUIRES: no operation of the app is running.
  base::Status ReleaseAbandoned();

  const std::string& name() const { return name_; }

 private:
  base::Status Write(const base::Json* live);
  // True when |live|'s holder can no longer be running: expired, or a dead process of this host.
  bool Abandoned(const base::Json& live) const;

  kube::Client& client_;
  std::string namespace_;
  std::string name_;
  std::string holder_;
  LeaseOptions opts_;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_OPERATION_LEASE_H_
