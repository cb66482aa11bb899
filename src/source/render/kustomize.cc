// Copyright 2026 The capstan Authors.

#include "source/render/kustomize.h"

namespace capstan::source::render {

base::Result<KustomizeOptions> ParseKustomizeOptions(const base::Json& kustomize) {
  KustomizeOptions out;
  if (kustomize.is_object()) out.raw = kustomize;
  return out;
}

base::Result<std::vector<base::Json>> RenderKustomize(std::string_view, std::string_view, const KustomizeOptions&,
                                                      const BuildEnv&, const RenderLimits&) {
  return base::Status::FailedPrecondition("Kustomize rendering is not implemented yet");
}

}  // namespace capstan::source::render
