// Copyright 2026 The capstan Authors.

#include "cli/commands/render_options.h"

#include <memory>
#include <optional>

#include "source/credentials.h"

namespace capstan::cli {

base::Result<source::RenderOptions> RenderOptionsFor(const RenderFlags& flags, kube::Client* client) {
  source::RenderOptions options;
  options.revision = flags.revision;
  options.cache_dir = flags.cache_dir;
  options.control_plane_namespace = flags.control_plane_namespace;
  std::string file = flags.credentials_file.empty() ? source::DefaultCredentialsFilePath() : flags.credentials_file;
  CAPSTAN_ASSIGN_OR_RETURN(options.credentials,
                           source::LoadCredentialsFile(file, /*missing_ok=*/flags.credentials_file.empty()));
  if (client != nullptr) {
    auto memo = std::make_shared<std::optional<base::Result<source::ClusterVersions>>>();
    options.cluster_versions = [client, memo]() -> base::Result<source::ClusterVersions> {
      if (!memo->has_value()) {
        auto info = client->GetServerInfo();
        if (info.ok()) {
          *memo = source::ClusterVersions{.kube_version = info->major_minor, .api_versions = info->api_versions};
        } else {
          *memo = info.status();
        }
      }
      return **memo;
    };
  }
  return options;
}

}  // namespace capstan::cli
