// Copyright 2026 The capstan Authors.

#include "source/render/jsonnet.h"

namespace capstan::source::render {

base::Result<JsonnetOptions> ParseJsonnetOptions(const base::Json& jsonnet) {
  JsonnetOptions out;
  if (jsonnet.is_object()) out.raw = jsonnet;
  return out;
}

base::Result<base::Json> EvaluateJsonnet(const std::string& file, std::string_view, std::string_view,
                                         const JsonnetOptions&, const BuildEnv&, const RenderLimits&) {
  return base::Status::FailedPrecondition(file + ": Jsonnet evaluation is not implemented yet");
}

}  // namespace capstan::source::render
