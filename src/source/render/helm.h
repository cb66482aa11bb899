// Copyright 2026 The capstan Authors.
//
// Helm rendering: a chart in a Git checkout rendered with `helm template`, the way Argo CD's
// repo-server runs it (reposerver/repository/repository.go helmTemplate, util/helm/cmd.go
// template()):
//
//   helm template . --name-template <releaseName | app name> [--namespace <ns>]
//        [--kube-version <v>] --set k=v... --set-string k=v... --set-file k=path...
//        --values <valueFile>... [--values <tmp file of values/valuesObject>]
//        --api-versions <v>... [--include-crds] [--skip-schema-validation] [--skip-tests]
//
// Value files are relative to the app directory (a leading '/' means the repository root), must
// resolve inside the repository root ("file '../x.yaml' resolved to outside repository root"), and
// may start with a `ref` source's "$name/" (resolved inside that source's checkout). A missing file is
// left to helm (its "open ...: no such file or directory") unless ignoreMissingValueFiles. Remote
// (URL) value files are refused: capstan renders without the network. Parameter values and file
// paths are envsubst'd with the BuildEnv (ARGOCD_APP_NAME, ...).
//
// A chart whose `dependencies` are missing from charts/ ("found in Chart.yaml, but missing in charts/
// directory") gets `helm dependency build` in a scratch copy of the checkout (the checkout is shared
// and read-only), then is templated there. helm's cache, config and data homes always point into a
// scratch directory removed after the render, never the user's ~/.cache/helm.
//
// The output stream is split into objects (empty documents dropped); `helm.sh/hook*` annotations stay
// on the objects (core/annotations maps them to phases, weights and delete policies).
//
// Thread safety: safe to call concurrently (each render has its own scratch directory).

#ifndef CAPSTAN_SOURCE_RENDER_HELM_H_
#define CAPSTAN_SOURCE_RENDER_HELM_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "source/render/build_env.h"
#include "source/render/tool.h"

namespace capstan::source::render {

// spec.source.helm.parameters[i]: --set name=value (--set-string when force_string).
struct HelmParameter {
  std::string name;
  std::string value;
  bool force_string = false;
};

// spec.source.helm.fileParameters[i]: --set-file name=<resolved path>.
struct HelmFileParameter {
  std::string name;
  std::string path;
};

// spec.source.helm (Argo CD's ApplicationSourceHelm).
struct HelmOptions {
  std::vector<std::string> value_files{};          // valueFiles
  std::string values_yaml{};                       // valuesObject as YAML, else values ("" = none)
  std::vector<HelmParameter> parameters{};         // parameters
  std::vector<HelmFileParameter> file_parameters{};  // fileParameters
  std::string release_name{};                      // releaseName ("" = the app's name)
  std::string namespace_name{};                    // namespace ("" = the destination namespace)
  std::string kube_version{};                      // kubeVersion ("" = the cluster's)
  std::vector<std::string> api_versions{};         // apiVersions (empty = the cluster's)
  std::string version{};                           // version: "" or "v3"
  bool pass_credentials = false;                   // passCredentials (remote repositories only)
  bool ignore_missing_value_files = false;         // ignoreMissingValueFiles
  bool skip_crds = false;                          // skipCrds
  bool skip_schema_validation = false;             // skipSchemaValidation
  bool skip_tests = false;                         // skipTests
  base::Json raw = base::Json::object();  // the block as given (for the render cache key)
};

// Parses spec.source.helm (null or absent = defaults). kInvalidArgument naming the field
// ("spec.source.helm.parameters[0].name: must be a string"), for an unknown field, and for a
// version other than "" / "v3" ("helm chart version 'v2' is not supported", Argo CD's message).
base::Result<HelmOptions> ParseHelmOptions(const base::Json& helm);

// The checkouts of an Application's `ref` sources: "$values" -> that source's checkout root (a
// valueFiles entry "$values/envs/prod.yaml" reads <root>/envs/prod.yaml).
using RefRoots = std::map<std::string, std::string>;

// Renders the chart in |app_dir| (an absolute directory inside the checkout |root|, read-only and
// shared) with `helm template` as Argo CD runs it. Returns the objects in helm's output order.
// Errors:
//   kInvalidArgument  "error resolving helm value files: error resolving value file path: file
//                     '<f>' resolved to outside repository root"; a URL value file; a kube version
//                     that does not parse ("could not parse kubernetes version x: ...")
//   kInvalidArgument  "`helm template` failed exit status 1: Error: ..." (helm's stderr, checkout
//                     paths shown as "<path to cached source>"), e.g. a missing values file or a
//                     template error; "error building helm chart dependencies: ..."
//   kInvalidArgument  "failed to unmarshal helm output: ..." for output that is not objects
//   kTimeout / kNotFound as RunTool and FindTool report them.
base::Result<std::vector<base::Json>> RenderHelm(std::string_view root, std::string_view app_dir,
                                                 const HelmOptions& options, const BuildEnv& env,
                                                 const RefRoots& refs, const RenderLimits& limits);

}  // namespace capstan::source::render

#endif  // CAPSTAN_SOURCE_RENDER_HELM_H_
