// Copyright 2026 The capstan Authors.
//
// Kustomize rendering (OWNER: the Kustomize helper fills this in; the signatures are fixed).
//
// Thread safety: safe to call concurrently.

#ifndef CAPSTAN_SOURCE_RENDER_KUSTOMIZE_H_
#define CAPSTAN_SOURCE_RENDER_KUSTOMIZE_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "source/render/build_env.h"
#include "source/render/tool.h"

namespace capstan::source::render {

// spec.source.kustomize.
struct KustomizeOptions {
  base::Json raw = base::Json::object();  // the block as given (for the render cache key)
};

// Parses spec.source.kustomize; kInvalidArgument naming the field ("spec.source.kustomize.images[0]: ...").
base::Result<KustomizeOptions> ParseKustomizeOptions(const base::Json& kustomize);

// Renders the kustomization in |app_dir| (an absolute directory inside the checkout |root|, which is
// read-only and shared) with |options| applied as Argo CD applies them.
base::Result<std::vector<base::Json>> RenderKustomize(std::string_view root, std::string_view app_dir,
                                                      const KustomizeOptions& options, const BuildEnv& env,
                                                      const RenderLimits& limits);

}  // namespace capstan::source::render

#endif  // CAPSTAN_SOURCE_RENDER_KUSTOMIZE_H_
