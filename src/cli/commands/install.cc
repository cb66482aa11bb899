// Copyright 2026 The capstan Authors.
//
// `capstan install [--namespace capstan] [--dry-run] [--print]`: the CRDs, the control-plane namespace
// and the default AppProject (app/install.h). Idempotent; Argo CD's CRDs are reused when present.
// --print writes the same objects as a YAML stream without contacting a cluster (deploy/install.yaml
// is that output, scripts/gen-deploy).

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/install.h"
#include "base/yaml.h"
#include "cli/cluster_client.h"
#include "cli/commands/commands.h"

namespace capstan::cli {

void RegisterInstall(CLI::App& app, ClusterFlags& cluster) {
  auto opts = std::make_shared<app::InstallOptions>();
  auto* cmd = app.add_subcommand("install", "Install capstan's CRDs, namespace and default project into the cluster");
  cmd->add_option("-n,--namespace", opts->namespace_, "The control-plane namespace")->capture_default_str();
  cmd->add_flag("--dry-run", opts->dry_run, "Validate with the API server, change nothing");
  auto print = std::make_shared<bool>(false);
  cmd->add_flag("--print", *print, "Print the objects as YAML instead of installing them (no cluster needed)");
  cmd->callback([opts, print, &cluster] {
    if (*print) {
      std::cout << base::EmitYamlStream(app::InstallManifests(*opts));
      return;
    }
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    auto lines = app::Install(**client, *opts);
    if (!lines.ok()) return Fail(lines.status());
    for (const std::string& line : *lines) std::cout << line << "\n";
  });
}

}  // namespace capstan::cli
