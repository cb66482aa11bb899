// Copyright 2026 The capstan Authors.
//
// Kustomize rendering, as Argo CD's repo-server does it (util/kustomize/kustomize.go Build()): the
// Application's spec.source.kustomize options are written into the app's kustomization file the way
// the `kustomize edit` commands Argo CD runs would write them (set nameprefix/namesuffix/image/
// replicas/namespace, add label/annotation/component, patches appended), then `kustomize build`
// runs (`kubectl kustomize` when there is no `kustomize` binary) and its YAML stream is the objects.
//
// The checkout is shared and read-only, so the edits happen in a scratch copy of it (files hard
// linked where possible; the one file written is a new file, never written through a link), which
// is removed afterwards. With no option that edits the kustomization, the checkout is built as is.
//
// Thread safety: safe to call concurrently (each render has its own scratch copy).

#ifndef CAPSTAN_SOURCE_RENDER_KUSTOMIZE_H_
#define CAPSTAN_SOURCE_RENDER_KUSTOMIZE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "source/render/build_env.h"
#include "source/render/tool.h"

namespace capstan::source::render {

// One entry of spec.source.kustomize.replicas (`kustomize edit set replicas name=count`).
struct KustomizeReplica {
  std::string name;
  int64_t count = 0;
};

// spec.source.kustomize (Argo CD's ApplicationSourceKustomize).
struct KustomizeOptions {
  base::Json raw = base::Json::object();  // the block as given (for the render cache key)

  std::string name_prefix{};              // namePrefix: replaces the kustomization's
  std::string name_suffix{};              // nameSuffix
  std::vector<std::string> images{};      // "name=newName:tag", "name:tag", "name@digest", "name=newName"
  std::vector<KustomizeReplica> replicas{};
  std::map<std::string, std::string> common_labels{};
  std::map<std::string, std::string> common_annotations{};
  bool common_annotations_envsubst = false;  // $ARGOCD_APP_* substituted in annotation values
  bool force_common_labels = false;          // --force: override labels the kustomization has
  bool force_common_annotations = false;
  bool label_without_selector = false;       // --without-selector: `labels:` without selectors
  bool label_include_templates = false;      // --include-templates (needs label_without_selector)
  std::string namespace_{};                  // namespace: replaces the kustomization's
  std::vector<base::Json> patches{};         // appended to the kustomization's `patches`
  std::vector<std::string> components{};     // added to `components` (paths from the app directory)
  bool ignore_missing_components = false;    // skip components whose directory does not exist
  // Only used by Argo CD for `--enable-helm` build options (helmCharts), which capstan does not
  // offer: parsed, kept in |raw|, otherwise unused.
  std::string kube_version{};
  std::vector<std::string> api_versions{};
};

// Parses spec.source.kustomize (null or absent = no options). kInvalidArgument naming the field
// ("spec.source.kustomize.replicas[0].count: ...") for a wrong type, an unknown field, a bad image
// string, labelIncludeTemplates without labelWithoutSelector, or a set `version` (capstan has one
// kustomize, the one in kubectl).
base::Result<KustomizeOptions> ParseKustomizeOptions(const base::Json& kustomize);

// Renders the kustomization in |app_dir| (an absolute directory inside the checkout |root|, which is
// read-only and shared) with |options| applied as Argo CD applies them. Returns the objects in the
// order `kustomize build` printed them. The tool runs with |env|'s variables in its environment, in
// |root|, with |limits|. Errors:
//   kInvalidArgument   the build failed: "`kustomize build` failed exit status 1: Error: ..." (the
//                      scratch copy's path in kustomize's message is replaced by |root|); an option
//                      the kustomization refuses ("label app already in kustomization file"); a
//                      component that does not exist; a bad image string; output that is not
//                      Kubernetes objects
//   kTimeout           the build ran past |limits.timeout|
//   kNotFound          neither kustomize nor kubectl is installed; no kustomization in |app_dir|
base::Result<std::vector<base::Json>> RenderKustomize(std::string_view root, std::string_view app_dir,
                                                      const KustomizeOptions& options, const BuildEnv& env,
                                                      const RenderLimits& limits);

}  // namespace capstan::source::render

#endif  // CAPSTAN_SOURCE_RENDER_KUSTOMIZE_H_
