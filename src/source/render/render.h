// Copyright 2026 The capstan Authors.
//
// RenderApplication: an Application's target objects, as Argo CD's repo-server produces them —
// each source (spec.source, or every entry of spec.sources) fetched through the local repository
// cache at a revision resolved once, rendered by the tool its files call for (directory with
// Jsonnet, Kustomize, Helm; source_spec.h DetectSourceType), the sources' objects concatenated in
// source order, and the tracking annotation added to every object. This is what
// `capstan app manifests` prints and what a sync operation applies. See src/source/README.md.
//
// Multiple sources (spec.sources; spec.source is then ignored, as in Argo CD): a source with a
// `ref` makes its checkout available to Helm value files as "$<ref>/..."; a source with neither
// `path` nor `chart` is only a ref and renders nothing. The revision of a multi-source render is
// the sources' commits joined by ',' (one string names the render; RenderOptions.revision takes it
// back to render the same commits again).
//
// Thread safety: safe to call from several threads and processes (the caches lock).

#ifndef CAPSTAN_SOURCE_RENDER_RENDER_H_
#define CAPSTAN_SOURCE_RENDER_RENDER_H_

#include <functional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "source/credentials.h"
#include "source/render/tool.h"

namespace capstan::source {

// The destination cluster as Helm sees it.
struct ClusterVersions {
  std::string kube_version;               // "1.20.5" (no leading "v")
  std::vector<std::string> api_versions;  // "v1", "apps/v1", "apps/v1/Deployment", ...
};

struct RenderOptions {
  // "" = each source's targetRevision. A SHA (or, for spec.sources, the SHAs joined by ',') is used
  // as is: the commits of an operation in progress.
  std::string revision{};
  std::string cache_dir{};                // "" = ~/.cache/capstan/repos
  std::string render_cache_dir{};         // "" = <cache_dir>/renders (~/.cache/capstan/renders); "-" = off
  std::vector<RepoCredentialEntry> credentials{};  // matched against repoURL (longest prefix)
  std::string control_plane_namespace = "capstan";  // for the app's instance name
  render::RenderLimits limits{};                    // per renderer run (90 s) and output size
  // The destination cluster's version and API versions; asked for once, and only when a source needs
  // them (every source type sets KUBE_VERSION; Helm passes them to `helm template`). Unset or an
  // error: left empty (Helm then assumes its defaults).
  std::function<base::Result<ClusterVersions>()> cluster_versions{};
};

struct RenderedApp {
  std::string revision;               // the commit SHA the objects come from (spec.sources: joined by ',')
  std::vector<std::string> revisions; // one commit SHA per source, in spec order
  bool multi_source = false;          // spec.sources was used
  std::string instance_name;          // the tracking id's app part
  std::string destination_namespace;  // spec.destination.namespace
  std::vector<base::Json> objects;    // in source order, then file/tool order, tracking annotation added
};

// Renders |application| (an argoproj.io Application object). kInvalidArgument naming the field for
// a malformed spec (no metadata.name, no spec.source, a bad option, a ref used but not defined, ...);
// kFailedPrecondition for what capstan does not render (Helm repository charts, plugins); fetch
// and render errors as the repository and the renderers report them, prefixed with the source
// ("spec.sources[1]: `helm template` failed exit status 1: ...").
base::Result<RenderedApp> RenderApplication(const base::Json& application, const RenderOptions& options);

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_RENDER_RENDER_H_
