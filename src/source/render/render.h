// Copyright 2026 The capstan Authors.
//
// RenderApplication: an Application's target objects, as Argo CD's repo-server produces them —
// its spec.source fetched through the local repository cache, the revision resolved once, the app
// directory rendered, and the tracking annotation added to every object. This is what
// `capstan app manifests` prints and what a sync operation applies.
//
// Thread safety: safe to call from several threads and processes (the repository cache locks).

#ifndef CAPSTAN_SOURCE_RENDER_RENDER_H_
#define CAPSTAN_SOURCE_RENDER_RENDER_H_

#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "source/credentials.h"

namespace capstan::source {

struct RenderOptions {
  std::string revision{};                 // "" = spec.source.targetRevision; a SHA is used as is
  std::string cache_dir{};                // "" = ~/.cache/capstan/repos
  std::vector<RepoCredentialEntry> credentials{};  // matched against repoURL (longest prefix)
  std::string control_plane_namespace = "capstan";  // for the app's instance name
};

struct RenderedApp {
  std::string revision;              // the commit SHA the objects come from
  std::string instance_name;         // the tracking id's app part
  std::string destination_namespace; // spec.destination.namespace
  std::vector<base::Json> objects;   // in the order of the files, tracking annotation added
};

// Renders |application| (an argoproj.io Application object). kInvalidArgument naming the field for
// a malformed spec (no metadata.name, no spec.source, ...); kFailedPrecondition for sources not
// supported yet (multiple sources, Helm repositories, Helm/Kustomize/plugin/jsonnet rendering);
// fetch and render errors as the repository and directory renderer report them.
base::Result<RenderedApp> RenderApplication(const base::Json& application, const RenderOptions& options);

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_RENDER_RENDER_H_
