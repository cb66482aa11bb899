// Copyright 2026 The capstan Authors.
//
// Install: what `capstan install` puts in a cluster (DESIGN §3, §8.5–§8.6) — the Application and
// AppProject CRDs in Argo CD's shape (argoproj.io/v1alpha1, no status subresource, spec and status
// preserving unknown fields), the control-plane namespace and the `default` AppProject. Argo CD's own
// CRDs, when present, are used as they are. Idempotent.
//
// Thread safety: a function over a thread-safe client.

#ifndef CAPSTAN_APP_INSTALL_H_
#define CAPSTAN_APP_INSTALL_H_

#include <chrono>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "kube/client.h"

namespace capstan::app {

struct InstallOptions {
  std::string namespace_ = "capstan";
  std::string field_manager = "capstan";
  std::chrono::seconds establish_timeout{30};
  bool dry_run = false;
};

// One line per object: "customresourcedefinition.apiextensions.k8s.io/applications.argoproj.io
// created", "... unchanged (Argo CD's)", "namespace/capstan created", "appproject.argoproj.io/default
// created".
base::Result<std::vector<std::string>> Install(kube::Client& client, const InstallOptions& opts);

// The spec of capstan's `default` AppProject: Argo CD's (every repository, destination and kind)
// plus sourceNamespaces ["*"] — capstan has always served Applications in any namespace; a project
// of one's own restricts that. Also what an operation or refresh uses when the control-plane
// namespace has no `default` project (Argo CD's API server re-creates it at start).
base::Json DefaultProjectSpec();

// The objects Install writes, CRDs first.
std::vector<base::Json> InstallManifests(const InstallOptions& opts);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_INSTALL_H_
