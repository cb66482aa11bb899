// Copyright 2026 The capstan Authors.

#include "app/controller_presence.h"

#include "app/lease_holder.h"
#include "base/json.h"
#include "base/time.h"

namespace capstan::app {

base::Result<bool> ControllerIsRunning(kube::Client& client, const std::string& control_plane_namespace) {
  const core::Gvk lease_gvk{"coordination.k8s.io", "v1", "Lease"};
  base::Result<base::Json> live = client.Get(lease_gvk, control_plane_namespace, kControllerLeaseName);
  if (!live.ok()) {
    if (live.status().IsNotFound()) return false;
    return live.status();
  }
  const std::string holder = base::GetStringAt(*live, "spec/holderIdentity");
  if (holder.empty() || HolderIsDeadLocalProcess(holder)) return false;
  base::Result<int64_t> renewed = base::ParseRfc3339Micros(base::GetStringAt(*live, "spec/renewTime"));
  if (!renewed.ok()) return false;
  const int64_t duration_s = live->value("spec", base::Json::object()).value("leaseDurationSeconds", int64_t{15});
  return *renewed + duration_s * 1000000 >= base::NowUnixMicros();
}

ControllerPresence::ControllerPresence(kube::Client& client, const std::string& control_plane_namespace,
                                       const std::string& holder)
    : lease_(client, control_plane_namespace, "", holder, LeaseOptions{.name = std::string(kControllerLeaseName)}) {}

}  // namespace capstan::app
