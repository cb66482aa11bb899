// Copyright 2026 The capstan Authors.

#include "source/render/render.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>

#include "source/app_path.h"
#include "source/directory.h"
#include "source/git_url.h"
#include "source/repository.h"
#include "source/source_spec.h"
#include "source/render/build_env.h"
#include "source/render/helm.h"
#include "source/render/jsonnet.h"
#include "source/render/kustomize.h"
#include "source/render/render_cache.h"
#include "source/tracking.h"

namespace capstan::source {
namespace {

using render::BuildEnv;

// One entry of spec.sources (or spec.source), checked out at its commit.
struct FetchedSource {
  std::string where;          // "spec.source" or "spec.sources[1]"
  base::Json raw;             // the source object as given
  ApplicationSource spec;
  std::optional<Checkout> checkout;
};

std::vector<std::string> SplitRevisions(const std::string& joined) {
  std::vector<std::string> out;
  std::stringstream in(joined);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

base::Status Fetch(FetchedSource& s, const std::string& revision, const RenderOptions& options) {
  Credentials creds;
  if (const RepoCredentialEntry* e = MatchCredentials(s.spec.repo_url, options.credentials)) creds = e->credentials;
  if (creds.ssh_known_hosts.empty()) {
    auto url = ParseRepoUrl(s.spec.repo_url);
    if (url.ok() && url->scheme == "ssh") creds.ssh_known_hosts = ReadUserKnownHosts();
  }
  RepositoryOptions repo_options;
  // Absolute, so that checkout paths are: the renderers compare them with the absolute app directory
  // and run in other working directories.
  std::error_code ec;
  if (!options.cache_dir.empty()) repo_options.cache_dir = std::filesystem::absolute(options.cache_dir, ec).string();
  CAPSTAN_ASSIGN_OR_RETURN(std::unique_ptr<Repository> repo, Repository::Open(s.spec.repo_url, creds, repo_options));
  CAPSTAN_ASSIGN_OR_RETURN(std::string sha, repo->Resolve(revision.empty() ? s.spec.target_revision : revision));
  CAPSTAN_ASSIGN_OR_RETURN(Checkout checkout, repo->CheckoutCommit(sha));
  s.checkout.emplace(std::move(checkout));
  return base::Status::Ok();
}

std::string RenderCacheDir(const RenderOptions& options) {
  if (options.render_cache_dir == "-") return "";
  if (!options.render_cache_dir.empty()) return options.render_cache_dir;
  if (!options.cache_dir.empty()) return options.cache_dir + "/renders";
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/capstan/renders";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/capstan/renders";
  return "";
}

// The renderer binary behind |type|, for the cache key ("" when there is none or it is missing:
// the render then fails and nothing is cached).
std::string ToolOf(SourceType type) {
  if (type == SourceType::kHelm) {
    auto helm = render::FindTool("helm");
    return helm.ok() ? render::ToolIdentity(*helm) : "";
  }
  if (type == SourceType::kKustomize) {
    auto tool = render::FindTool("kustomize");
    if (!tool.ok()) tool = render::FindTool("kubectl");
    return tool.ok() ? render::ToolIdentity(*tool) : "";
  }
  return "libjsonnet";
}

// Renders one fetched source with the tool its files call for.
base::Result<std::vector<base::Json>> RenderSource(const FetchedSource& s, SourceType type, const BuildEnv& env,
                                                   const render::RefRoots& refs, const RenderOptions& options) {
  const std::string& root = s.checkout->dir();
  CAPSTAN_ASSIGN_OR_RETURN(std::string app_dir, ResolveAppPath(root, s.spec.path));
  switch (type) {
    case SourceType::kDirectory: {
      DirectoryOptions dir = s.spec.directory;
      render::JsonnetOptions jsonnet;
      if (auto d = s.raw.find("directory"); d != s.raw.end() && d->is_object()) {
        if (auto j = d->find("jsonnet"); j != d->end() && !j->is_null()) {
          CAPSTAN_ASSIGN_OR_RETURN(jsonnet, render::ParseJsonnetOptions(*j));
        }
      }
      dir.jsonnet = [&](const std::string& file) {
        return render::EvaluateJsonnet(file, root, app_dir, jsonnet, env, options.limits);
      };
      return RenderDirectory(root, s.spec.path, dir);
    }
    case SourceType::kKustomize: {
      CAPSTAN_ASSIGN_OR_RETURN(render::KustomizeOptions k,
                               render::ParseKustomizeOptions(s.raw.value("kustomize", base::Json::object())));
      CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::Json> objects, render::RenderKustomize(root, app_dir, k, env, options.limits));
      CAPSTAN_RETURN_IF_ERROR(ExpandLists(objects));  // GenerateManifests expands Lists of every tool
      return objects;
    }
    case SourceType::kHelm: {
      CAPSTAN_ASSIGN_OR_RETURN(render::HelmOptions h, render::ParseHelmOptions(s.raw.value("helm", base::Json::object())));
      CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::Json> objects, render::RenderHelm(root, app_dir, h, env, refs, options.limits));
      CAPSTAN_RETURN_IF_ERROR(ExpandLists(objects));
      return objects;
    }
    case SourceType::kPlugin:
      break;
  }
  return base::Status::FailedPrecondition("config management plugins (spec.source.plugin) are not supported");
}

}  // namespace

base::Result<RenderedApp> RenderApplication(const base::Json& app, const RenderOptions& options) {
  std::string name = base::GetStringAt(app, "metadata/name");
  if (name.empty()) return base::Status::InvalidArgument("Application: metadata.name is missing");
  const std::string what = "Application " + name;
  if (!app.contains("spec") || !app["spec"].is_object()) {
    return base::Status::InvalidArgument(what + ": spec is missing");
  }
  const base::Json& spec = app["spec"];
  RenderedApp out;
  std::vector<FetchedSource> sources;
  if (auto it = spec.find("sources"); it != spec.end() && !it->is_null()) {
    if (!it->is_array() || it->empty()) return base::Status::InvalidArgument(what + ": spec.sources: not a non-empty list");
    out.multi_source = true;
    for (size_t i = 0; i < it->size(); ++i) sources.push_back({.where = "spec.sources[" + std::to_string(i) + "]", .raw = (*it)[i]});
  } else if (auto src = spec.find("source"); src != spec.end() && !src->is_null()) {
    sources.push_back({.where = "spec.source", .raw = *src});
  } else {
    return base::Status::InvalidArgument(what + ": spec.source is missing");
  }
  // The error of source |s|: prefixed with where it is when there are several.
  auto in_source = [&](const FetchedSource& s, const base::Status& st) {
    return out.multi_source ? st.Annotate(what + ": " + s.where) : st;
  };

  std::vector<std::string> revisions = out.multi_source ? SplitRevisions(options.revision)
                                                        : std::vector<std::string>{options.revision};
  if (out.multi_source && !options.revision.empty() && revisions.size() != sources.size()) {
    return base::Status::InvalidArgument(what + ": revision \"" + options.revision + "\" names " +
                                         std::to_string(revisions.size()) + " commits for " +
                                         std::to_string(sources.size()) + " sources");
  }
  render::RefRoots refs;
  std::map<std::string, std::string> ref_commits;
  for (size_t i = 0; i < sources.size(); ++i) {
    FetchedSource& s = sources[i];
    auto parsed = ParseApplicationSource(s.raw);
    if (!parsed.ok()) return out.multi_source ? in_source(s, parsed.status()) : parsed.status().Annotate(what);
    s.spec = std::move(*parsed);
    if (!s.spec.chart.empty()) {
      return base::Status::FailedPrecondition(what + ": " + s.where +
                                              ".chart: Helm repository charts are not supported (charts must be in Git)");
    }
    CAPSTAN_RETURN_IF_ERROR(in_source(s, Fetch(s, revisions.size() > i ? revisions[i] : "", options)));
    out.revisions.push_back(s.checkout->sha());
    if (!s.spec.ref.empty()) {
      if (!out.multi_source) return base::Status::InvalidArgument(what + ": spec.source.ref: only for spec.sources");
      refs["$" + s.spec.ref] = s.checkout->dir();
      ref_commits["$" + s.spec.ref] = s.checkout->sha();
    }
  }

  TrackingOptions tracking;
  tracking.instance_name =
      AppInstanceName(name, base::GetStringAt(app, "metadata/namespace"), options.control_plane_namespace);
  tracking.destination_namespace = base::GetStringAt(spec, "destination/namespace");
  std::optional<ClusterVersions> cluster;
  render::RenderCache cache(RenderCacheDir(options));
  for (FetchedSource& s : sources) {
    // A source with neither path nor chart only provides a ref (Argo CD: "not generating manifests
    // as path and chart fields are empty").
    if (out.multi_source && s.spec.path.empty() && s.spec.chart.empty()) continue;
    auto app_dir = ResolveAppPath(s.checkout->dir(), s.spec.path);
    if (!app_dir.ok()) return in_source(s, app_dir.status());
    auto type = DetectSourceType(s.spec, *app_dir);
    if (!type.ok()) return in_source(s, type.status());

    BuildEnv env{.app_name = name,
                 .app_namespace = tracking.destination_namespace,
                 .app_project = spec.value("project", std::string("default")),
                 .revision = s.checkout->sha(),
                 .source_repo_url = s.spec.repo_url,
                 .source_path = s.spec.path,
                 .source_target_revision = s.spec.target_revision};
    if (*type == SourceType::kHelm || *type == SourceType::kKustomize) {
      if (!cluster && options.cluster_versions) {
        auto v = options.cluster_versions();
        cluster = v.ok() ? *v : ClusterVersions{};
      }
      if (cluster) {
        env.kube_version = cluster->kube_version;
        env.api_versions = cluster->api_versions;
      }
    }
    base::Json source_key = s.raw;
    source_key.erase("targetRevision");
    base::Json key_parts = {{"type", SourceTypeName(*type)},
                            {"repo", RepoCacheKey(s.spec.repo_url)},
                            {"commit", s.checkout->sha()},
                            {"source", source_key},
                            {"env", env.Variables()},
                            {"refs", *type == SourceType::kHelm ? base::Json(ref_commits) : base::Json::object()},
                            {"tool", ToolOf(*type)},
                            {"limit", options.limits.max_output_bytes}};
    const std::string key = render::RenderCache::KeyOf(key_parts);
    std::vector<base::Json> objects;
    if (auto hit = cache.Get(key)) {
      objects = std::move(*hit);
    } else {
      auto rendered = RenderSource(s, *type, env, refs, options);
      if (!rendered.ok()) return in_source(s, rendered.status());
      objects = std::move(*rendered);
      cache.Put(key, objects);
    }
    for (base::Json& o : objects) out.objects.push_back(std::move(o));
  }
  CAPSTAN_RETURN_IF_ERROR(AddTrackingAnnotations(out.objects, tracking));
  for (const std::string& r : out.revisions) out.revision += (out.revision.empty() ? "" : ",") + r;
  out.instance_name = tracking.instance_name;
  out.destination_namespace = tracking.destination_namespace;
  return out;
}

}  // namespace capstan::source
