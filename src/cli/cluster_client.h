// Copyright 2026 The capstan Authors.
//
// Building the real Kubernetes client from the CLI's flags: the only place the CLI constructs a
// RestClient (STYLE.md §4.2, composition root).

#ifndef CAPSTAN_CLI_CLUSTER_CLIENT_H_
#define CAPSTAN_CLI_CLUSTER_CLIENT_H_

#include <memory>

#include "base/result.h"
#include "cli/commands/commands.h"
#include "kube/rest_client.h"

namespace capstan::cli {

// A RestClient for the cluster |flags| name (kubeconfig rules, or in-cluster).
base::Result<std::unique_ptr<kube::RestClient>> ConnectCluster(const ClusterFlags& flags);

// Prints "error: <message>" to stderr and sets exit code |code|.
void Fail(const base::Status& s, int code = 1);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_CLUSTER_CLIENT_H_
