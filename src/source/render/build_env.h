// Copyright 2026 The capstan Authors.
//
// BuildEnv: what a renderer knows about the Application besides its own options — Argo CD's "build
// environment" (reposerver/repository newEnv + util/app/v1alpha1 Env): the ARGOCD_APP_* variables,
// which are substituted into Helm parameters, value file paths, Kustomize images and Jsonnet
// ext vars / TLAs, and set in the environment of every renderer process; and the destination
// cluster's version and API versions for `helm template --kube-version/--api-versions`.
//
// Thread safety: a value type.

#ifndef CAPSTAN_SOURCE_RENDER_BUILD_ENV_H_
#define CAPSTAN_SOURCE_RENDER_BUILD_ENV_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace capstan::source::render {

struct BuildEnv {
  std::string app_name{};                // ARGOCD_APP_NAME (metadata.name)
  std::string app_namespace{};           // ARGOCD_APP_NAMESPACE (spec.destination.namespace)
  std::string app_project{};             // ARGOCD_APP_PROJECT_NAME (spec.project, "default")
  std::string revision{};                // ARGOCD_APP_REVISION (the source's commit SHA)
  std::string source_repo_url{};         // ARGOCD_APP_SOURCE_REPO_URL
  std::string source_path{};             // ARGOCD_APP_SOURCE_PATH
  std::string source_target_revision{};  // ARGOCD_APP_SOURCE_TARGET_REVISION

  // The destination cluster, from discovery ("" / empty when unknown: helm then uses its defaults).
  std::string kube_version{};              // "1.20.5" (no "v"; KUBE_VERSION)
  std::vector<std::string> api_versions{}; // "v1", "apps/v1", "apps/v1/Deployment", ... (KUBE_API_VERSIONS)

  // ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE, ARGOCD_APP_PROJECT_NAME, ARGOCD_APP_REVISION,
  // ARGOCD_APP_REVISION_SHORT (7 characters), ARGOCD_APP_REVISION_SHORT_8, ARGOCD_APP_SOURCE_REPO_URL,
  // ARGOCD_APP_SOURCE_PATH, ARGOCD_APP_SOURCE_TARGET_REVISION, KUBE_VERSION, KUBE_API_VERSIONS
  // (comma-separated).
  std::map<std::string, std::string> Variables() const;

  // |s| with $VAR and ${VAR} replaced by Variables() as Go's os.Expand does in Argo CD's
  // Env.Envsubst: an unknown variable becomes "", "$$" becomes "$".
  std::string Envsubst(std::string_view s) const;
};

}  // namespace capstan::source::render

#endif  // CAPSTAN_SOURCE_RENDER_BUILD_ENV_H_
