// Copyright 2026 The capstan Authors.
//
// The render options every command that renders an Application builds the same way: the repository
// cache, the credentials file (the default one only when it exists), the control-plane namespace,
// and the destination cluster's version and API versions for Helm, asked of |client| once and only
// when a source needs them.
//
// Thread safety: the returned options' cluster_versions may be called from one thread at a time.

#ifndef CAPSTAN_CLI_COMMANDS_RENDER_OPTIONS_H_
#define CAPSTAN_CLI_COMMANDS_RENDER_OPTIONS_H_

#include <string>

#include "base/result.h"
#include "kube/client.h"
#include "source/render/render.h"

namespace capstan::cli {

struct RenderFlags {
  std::string revision;           // "" = targetRevision
  std::string cache_dir;          // "" = ~/.cache/capstan/repos
  std::string credentials_file;   // "" = the default file, when it exists
  std::string control_plane_namespace = "capstan";
};

// kNotFound / kInvalidArgument from the credentials file. |client| (may be null: no cluster
// versions) must outlive the options.
base::Result<source::RenderOptions> RenderOptionsFor(const RenderFlags& flags, kube::Client* client);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_COMMANDS_RENDER_OPTIONS_H_
