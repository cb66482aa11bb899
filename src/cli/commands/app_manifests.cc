// Copyright 2026 The capstan Authors.
//
// `capstan app manifests -f app.yaml [--revision R] [-o yaml|json]`: the target objects of an
// Application read from a manifest file, as Argo CD's repo-server renders them (its source fetched
// through the local repository cache, rendered, tracking annotation added), Secret values masked
// (diff/redact.h). No cluster is needed.
// Credentials come from the local credentials file (source/credentials.h); for SSH without
// known_hosts there, ~/.ssh/known_hosts is used.

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "base/yaml.h"
#include "cli/app_file.h"
#include "cli/cluster_client.h"
#include "cli/commands/commands.h"
#include "diff/redact.h"
#include "source/credentials.h"
#include "cli/commands/render_options.h"
#include "source/render/render.h"

namespace capstan::cli {

namespace {

struct ManifestsFlags {
  std::string file;
  std::string revision;
  std::string output = "yaml";
  std::string cache_dir;         // "" = ~/.cache/capstan/repos
  std::string credentials_file;  // "" = the default credentials file
  std::string control_plane_namespace = "capstan";
};

base::Result<std::vector<base::Json>> Manifests(const ManifestsFlags& flags) {
  CAPSTAN_ASSIGN_OR_RETURN(base::Json app, ReadApplicationFile(flags.file));
  // Offline: no cluster is asked, so Helm renders for its own default Kubernetes version.
  CAPSTAN_ASSIGN_OR_RETURN(source::RenderOptions options,
                           RenderOptionsFor({.revision = flags.revision, .cache_dir = flags.cache_dir,
                                             .credentials_file = flags.credentials_file,
                                             .control_plane_namespace = flags.control_plane_namespace},
                                            nullptr));
  CAPSTAN_ASSIGN_OR_RETURN(source::RenderedApp rendered, source::RenderApplication(app, options));
  for (base::Json& obj : rendered.objects) diff::RedactSecret(obj);  // Secret values are never shown
  return std::move(rendered.objects);
}

}  // namespace

void RegisterAppManifests(CLI::App& app_group) {
  auto flags = std::make_shared<ManifestsFlags>();
  auto* cmd = app_group.add_subcommand("manifests", "Print the target objects of an Application manifest's source");
  cmd->add_option("-f,--file", flags->file, "The Application manifest (YAML; - for stdin)")->required();
  cmd->add_option("--revision", flags->revision, "Render this revision instead of spec.source.targetRevision");
  cmd->add_option("-o,--output", flags->output, "yaml (a multi-document stream) or json (one array)")
      ->check(CLI::IsMember({"yaml", "json"}))
      ->capture_default_str();
  cmd->add_option("--cache-dir", flags->cache_dir, "Repository cache directory (default ~/.cache/capstan/repos)");
  cmd->add_option("--repo-credentials", flags->credentials_file,
                  "Repository credentials file (default $CAPSTAN_REPOSITORIES_FILE or ~/.config/capstan/repositories.yaml)");
  cmd->add_option("--control-plane-namespace", flags->control_plane_namespace,
                  "The namespace of the control plane, for the app's instance name")
      ->capture_default_str();
  cmd->callback([flags] {
    auto objects = Manifests(*flags);
    if (!objects.ok()) return Fail(objects.status());
    if (flags->output == "json") {
      std::cout << base::Json(*objects).dump(2) << "\n";
    } else {
      std::cout << base::EmitYamlStream(*objects);
    }
  });
}

}  // namespace capstan::cli
