// Copyright 2026 The capstan Authors.
//
// `capstan app manifests -f app.yaml [--revision R] [-o yaml|json]`: the target objects of an
// Application read from a manifest file, as Argo CD's repo-server renders them (its source fetched
// through the local repository cache, rendered, tracking annotation added). No cluster is needed.
// Credentials come from the local credentials file (source/credentials.h); for SSH without
// known_hosts there, ~/.ssh/known_hosts is used.

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "base/yaml.h"
#include "cli/cluster_client.h"
#include "cli/commands/commands.h"
#include "source/credentials.h"
#include "source/app_path.h"
#include "source/directory.h"
#include "source/git_url.h"
#include "source/repository.h"
#include "source/source_spec.h"
#include "source/tracking.h"

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

base::Result<base::Json> ReadApplication(const std::string& path) {
  std::string text;
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    text = ss.str();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return base::Status::NotFound("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::YamlDocument> docs, base::ParseYamlStream(text, path));
  std::vector<base::Json> apps;
  for (base::YamlDocument& d : docs) {
    if (base::GetString(d.value, "kind") == "Application" &&
        base::GetString(d.value, "apiVersion").rfind("argoproj.io/", 0) == 0) {
      apps.push_back(std::move(d.value));
    }
  }
  if (apps.empty()) return base::Status::InvalidArgument(path + ": no argoproj.io Application in it");
  if (apps.size() > 1) {
    return base::Status::InvalidArgument(path + ": " + std::to_string(apps.size()) + " Applications in it; pass one");
  }
  return std::move(apps[0]);
}

base::Result<std::vector<base::Json>> Manifests(const ManifestsFlags& flags) {
  CAPSTAN_ASSIGN_OR_RETURN(base::Json app, ReadApplication(flags.file));
  std::string name = base::GetStringAt(app, "metadata/name");
  if (name.empty()) return base::Status::InvalidArgument(flags.file + ": the Application has no metadata.name");
  const base::Json& spec = app.contains("spec") ? app["spec"] : base::Json();
  if (!spec.is_object()) return base::Status::InvalidArgument(flags.file + ": the Application has no spec");
  if (spec.contains("sources") && !spec.contains("source")) {
    return base::Status::FailedPrecondition("spec.sources (multiple sources) is not supported yet; use spec.source");
  }
  if (!spec.contains("source")) return base::Status::InvalidArgument(flags.file + ": spec.source is missing");
  CAPSTAN_ASSIGN_OR_RETURN(source::ApplicationSource src, source::ParseApplicationSource(spec["source"]));
  if (!src.chart.empty()) {
    return base::Status::FailedPrecondition("Helm repository sources (spec.source.chart) are not supported yet");
  }

  source::Credentials creds;
  std::string creds_file = flags.credentials_file.empty() ? source::DefaultCredentialsFilePath() : flags.credentials_file;
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<source::RepoCredentialEntry> entries,
                           source::LoadCredentialsFile(creds_file, /*missing_ok=*/flags.credentials_file.empty()));
  if (const source::RepoCredentialEntry* e = source::MatchCredentials(src.repo_url, entries)) creds = e->credentials;
  if (creds.ssh_known_hosts.empty()) {
    auto url = source::ParseRepoUrl(src.repo_url);
    if (url.ok() && url->scheme == "ssh") creds.ssh_known_hosts = source::ReadUserKnownHosts();
  }

  source::RepositoryOptions options;
  options.cache_dir = flags.cache_dir;
  CAPSTAN_ASSIGN_OR_RETURN(std::unique_ptr<source::Repository> repo,
                           source::Repository::Open(src.repo_url, creds, options));
  std::string revision = flags.revision.empty() ? src.target_revision : flags.revision;
  CAPSTAN_ASSIGN_OR_RETURN(std::string sha, repo->Resolve(revision));
  CAPSTAN_ASSIGN_OR_RETURN(source::Checkout checkout, repo->CheckoutCommit(sha));

  auto app_dir = source::ResolveAppPath(checkout.dir(), src.path);
  if (app_dir.ok()) {
    CAPSTAN_ASSIGN_OR_RETURN(source::SourceType type, source::DetectSourceType(src, *app_dir));
    if (type != source::SourceType::kDirectory) {
      return base::Status::FailedPrecondition("spec.source is a " + std::string(source::SourceTypeName(type)) +
                                              " source; only directory sources are rendered so far");
    }
  }
  if (src.has_directory_jsonnet) {
    return base::Status::FailedPrecondition("spec.source.directory.jsonnet is not supported yet");
  }
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::Json> objects, source::RenderDirectory(checkout.dir(), src.path, src.directory));
  source::TrackingOptions tracking;
  tracking.instance_name =
      source::AppInstanceName(name, base::GetStringAt(app, "metadata/namespace"), flags.control_plane_namespace);
  tracking.destination_namespace = base::GetStringAt(spec, "destination/namespace");
  CAPSTAN_RETURN_IF_ERROR(source::AddTrackingAnnotations(objects, tracking));
  return objects;
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
