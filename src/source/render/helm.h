// Copyright 2026 The capstan Authors.
//
// Helm rendering (OWNER: the Helm helper fills this in; the signatures are fixed).
//
// Thread safety: safe to call concurrently.

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

// spec.source.helm.
struct HelmOptions {
  base::Json raw = base::Json::object();  // the block as given (for the render cache key)
};

// Parses spec.source.helm; kInvalidArgument naming the field ("spec.source.helm.parameters[0].name: ...").
base::Result<HelmOptions> ParseHelmOptions(const base::Json& helm);

// The checkouts of an Application's `ref` sources: "$values" -> that source's checkout root (a
// valueFiles entry "$values/envs/prod.yaml" reads <root>/envs/prod.yaml).
using RefRoots = std::map<std::string, std::string>;

// Renders the chart in |app_dir| (an absolute directory inside the checkout |root|, read-only and
// shared) with `helm template` as Argo CD runs it.
base::Result<std::vector<base::Json>> RenderHelm(std::string_view root, std::string_view app_dir,
                                                 const HelmOptions& options, const BuildEnv& env,
                                                 const RefRoots& refs, const RenderLimits& limits);

}  // namespace capstan::source::render

#endif  // CAPSTAN_SOURCE_RENDER_HELM_H_
