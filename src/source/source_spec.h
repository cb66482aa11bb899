// Copyright 2026 The capstan Authors.
//
// An Application's `spec.source` as the source module needs it (repoURL, targetRevision, path, and
// the directory options), and which renderer a source needs: Argo CD's explicit type (one of
// helm / kustomize / directory / plugin set; pkg/apis/application/v1alpha1 ExplicitType) or, when
// none is set, discovery from the files in the app directory (util/app/discovery AppType:
// kustomization.yaml / kustomization.yml / Kustomization → Kustomize, Chart.yaml → Helm, else
// Directory).
//
// Thread safety: pure functions (DetectSourceType reads the filesystem).

#ifndef CAPSTAN_SOURCE_SOURCE_SPEC_H_
#define CAPSTAN_SOURCE_SOURCE_SPEC_H_

#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "source/directory.h"

namespace capstan::source {

enum class SourceType { kDirectory, kHelm, kKustomize, kPlugin };

// "Directory", "Helm", "Kustomize", "Plugin" (Argo CD's ApplicationSourceType strings).
std::string_view SourceTypeName(SourceType type);

struct ApplicationSource {
  std::string repo_url{};
  std::string target_revision{};  // "" means HEAD
  std::string path{};
  std::string chart{};            // a Helm repository chart (not a Git source)
  std::string ref{};              // spec.sources[i].ref: Helm value files may read "$<ref>/..."
  DirectoryOptions directory{};   // recurse, include, exclude from spec.source.directory
  bool has_directory = false;
  bool has_helm = false;
  bool has_kustomize = false;
  bool has_plugin = false;
  bool has_directory_jsonnet = false;  // directory.jsonnet set (libs, extVars, tlas)
};

// Parses |source| (the spec.source object). kInvalidArgument naming the field for a wrong type
// (e.g. "spec.source.directory.recurse: not a boolean") or a missing repoURL.
base::Result<ApplicationSource> ParseApplicationSource(const base::Json& source);

// The renderer |source| needs when its files are in |app_dir|. kInvalidArgument when more than one
// of helm/kustomize/directory/plugin is set ("multiple application sources defined: Helm,Directory").
base::Result<SourceType> DetectSourceType(const ApplicationSource& source, std::string_view app_dir);

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_SOURCE_SPEC_H_
