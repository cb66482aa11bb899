// Copyright 2026 The capstan Authors.

#include "source/render/render.h"

#include <memory>

#include "source/app_path.h"
#include "source/directory.h"
#include "source/git_url.h"
#include "source/repository.h"
#include "source/source_spec.h"
#include "source/tracking.h"

namespace capstan::source {

base::Result<RenderedApp> RenderApplication(const base::Json& app, const RenderOptions& options) {
  std::string name = base::GetStringAt(app, "metadata/name");
  if (name.empty()) return base::Status::InvalidArgument("Application: metadata.name is missing");
  const std::string what = "Application " + name;
  if (!app.contains("spec") || !app["spec"].is_object()) {
    return base::Status::InvalidArgument(what + ": spec is missing");
  }
  const base::Json& spec = app["spec"];
  if (spec.contains("sources") && !spec.contains("source")) {
    return base::Status::FailedPrecondition(what + ": spec.sources (multiple sources) is not supported yet; use spec.source");
  }
  if (!spec.contains("source")) return base::Status::InvalidArgument(what + ": spec.source is missing");
  auto parsed = ParseApplicationSource(spec["source"]);
  if (!parsed.ok()) return parsed.status().Annotate(what);
  const ApplicationSource& src = *parsed;
  if (!src.chart.empty()) {
    return base::Status::FailedPrecondition(what + ": Helm repository sources (spec.source.chart) are not supported yet");
  }

  Credentials creds;
  if (const RepoCredentialEntry* e = MatchCredentials(src.repo_url, options.credentials)) creds = e->credentials;
  if (creds.ssh_known_hosts.empty()) {
    auto url = ParseRepoUrl(src.repo_url);
    if (url.ok() && url->scheme == "ssh") creds.ssh_known_hosts = ReadUserKnownHosts();
  }
  RepositoryOptions repo_options;
  repo_options.cache_dir = options.cache_dir;
  CAPSTAN_ASSIGN_OR_RETURN(std::unique_ptr<Repository> repo, Repository::Open(src.repo_url, creds, repo_options));
  std::string revision = options.revision.empty() ? src.target_revision : options.revision;
  CAPSTAN_ASSIGN_OR_RETURN(std::string sha, repo->Resolve(revision));
  CAPSTAN_ASSIGN_OR_RETURN(Checkout checkout, repo->CheckoutCommit(sha));

  auto app_dir = ResolveAppPath(checkout.dir(), src.path);
  if (app_dir.ok()) {
    CAPSTAN_ASSIGN_OR_RETURN(SourceType type, DetectSourceType(src, *app_dir));
    if (type != SourceType::kDirectory) {
      return base::Status::FailedPrecondition(what + ": spec.source is a " + std::string(SourceTypeName(type)) +
                                              " source; only directory sources are rendered so far");
    }
  }
  if (src.has_directory_jsonnet) {
    return base::Status::FailedPrecondition(what + ": spec.source.directory.jsonnet is not supported yet");
  }
  RenderedApp out;
  CAPSTAN_ASSIGN_OR_RETURN(out.objects, RenderDirectory(checkout.dir(), src.path, src.directory));
  TrackingOptions tracking;
  tracking.instance_name =
      AppInstanceName(name, base::GetStringAt(app, "metadata/namespace"), options.control_plane_namespace);
  tracking.destination_namespace = base::GetStringAt(spec, "destination/namespace");
  CAPSTAN_RETURN_IF_ERROR(AddTrackingAnnotations(out.objects, tracking));
  out.revision = sha;
  out.instance_name = tracking.instance_name;
  out.destination_namespace = tracking.destination_namespace;
  return out;
}

}  // namespace capstan::source
