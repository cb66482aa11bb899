// Copyright 2026 The capstan Authors.
//
// What the `kustomize edit` commands Argo CD runs before `kustomize build` write into a
// kustomization (kustomize v5.5, kustomize/commands/edit), done on the kustomization as a JSON value:
//
//   Argo CD (util/kustomize Build)                     written into the kustomization
//   edit set nameprefix -- P                           namePrefix: P (replaced)
//   edit set namesuffix -- S                           nameSuffix: S (replaced)
//   edit set image A=B:T A:T A@D A=B                   images: entry per name replaced, sorted by name
//   edit set replicas N=C                              replicas: entry per name replaced, sorted
//   edit add label [--force] k:v                       commonLabels[k] = v (error if there, no --force)
//   edit add label --without-selector                  labels: + {pairs, includeTemplates?}
//     [--include-templates] k:v
//   edit add annotation [--force] k:v                  commonAnnotations[k] = v
//   edit set namespace -- N                            namespace: N (replaced)
//   (no edit command: the file is rewritten)           patches: existing ones + the Application's
//   edit add component C...                            components: + C (if not there yet)
//
// Envsubst (Argo CD): the build environment is substituted into images and commonLabels values,
// and into commonAnnotations values when commonAnnotationsEnvsubst is set.
//
// Thread safety: pure functions (ApplyKustomizeEdits reads the file system for components).

#ifndef CAPSTAN_SOURCE_RENDER_KUSTOMIZE_EDIT_H_
#define CAPSTAN_SOURCE_RENDER_KUSTOMIZE_EDIT_H_

#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "source/render/build_env.h"
#include "source/render/kustomize.h"

namespace capstan::source::render {

// One `kustomize edit set image` argument as an `images:` entry ({name, newName?, newTag?,
// digest?}). kInvalidArgument with kustomize's text ("invalid format of image, use one of ...")
// when |arg| is none of the forms.
base::Result<base::Json> ParseKustomizeImage(std::string_view arg);

// True when |options| makes Argo CD edit the kustomization (any field but version/kubeVersion/
// apiVersions set).
bool EditsKustomization(const KustomizeOptions& options);

// Applies |options| to |kustomization| (the app's kustomization file as a JSON object) in Argo CD's
// order. |app_dir| is the directory of the kustomization and |root| the checkout (or its copy) it
// lies in: components are looked up there. Errors (kInvalidArgument, naming the
// spec.source.kustomize field and, in the words of kustomize, what it refused):
//   "spec.source.kustomize.images[1]: invalid format of image, use one of the following options: ..."
//   "spec.source.kustomize.commonLabels: label app already in kustomization file (set
//    forceCommonLabels to override it)"
//   "spec.source.kustomize.components[0]: ../missing has no match: no such directory in the
//    repository (set ignoreMissingComponents to skip it)"
//   "spec.source.kustomize.patches: the kustomization's patches is not a list"
base::Status ApplyKustomizeEdits(base::Json& kustomization, const KustomizeOptions& options, const BuildEnv& env,
                                 std::string_view root, std::string_view app_dir);

}  // namespace capstan::source::render

#endif  // CAPSTAN_SOURCE_RENDER_KUSTOMIZE_EDIT_H_
