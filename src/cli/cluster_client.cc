// Copyright 2026 The capstan Authors.

#include "cli/cluster_client.h"

#include <iostream>

#include "kube/kubeconfig.h"

namespace capstan::cli {

base::Result<std::unique_ptr<kube::RestClient>> ConnectCluster(const ClusterFlags& flags) {
  kube::KubeconfigOptions opts;
  if (!flags.kubeconfig.empty()) opts.paths = {flags.kubeconfig};
  opts.context = flags.context;
  CAPSTAN_ASSIGN_OR_RETURN(kube::RestConfig config, kube::LoadDefault(opts));
  config.qps = flags.qps;
  config.burst = flags.burst;
  return kube::RestClient::Create(std::move(config));
}

void Fail(const base::Status& s, int code) {
  std::cerr << "error: " << s.message() << "\n";
  SetExitCode(code);
}

}  // namespace capstan::cli
