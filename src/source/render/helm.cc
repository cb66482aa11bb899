// Copyright 2026 The capstan Authors.

#include "source/render/helm.h"

namespace capstan::source::render {

base::Result<HelmOptions> ParseHelmOptions(const base::Json& helm) {
  HelmOptions out;
  if (helm.is_object()) out.raw = helm;
  return out;
}

base::Result<std::vector<base::Json>> RenderHelm(std::string_view, std::string_view, const HelmOptions&,
                                                 const BuildEnv&, const RefRoots&, const RenderLimits&) {
  return base::Status::FailedPrecondition("Helm rendering is not implemented yet");
}

}  // namespace capstan::source::render
