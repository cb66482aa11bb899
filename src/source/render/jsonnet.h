// Copyright 2026 The capstan Authors.
//
// Jsonnet evaluation (OWNER: the Jsonnet helper fills this in; the signatures are fixed).
//
// Thread safety: safe to call concurrently.

#ifndef CAPSTAN_SOURCE_RENDER_JSONNET_H_
#define CAPSTAN_SOURCE_RENDER_JSONNET_H_

#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "source/render/build_env.h"
#include "source/render/tool.h"

namespace capstan::source::render {

// spec.source.directory.jsonnet.
struct JsonnetOptions {
  base::Json raw = base::Json::object();  // the block as given (for the render cache key)
};

// Parses spec.source.directory.jsonnet; kInvalidArgument naming the field
// ("spec.source.directory.jsonnet.extVars[0].name: ...").
base::Result<JsonnetOptions> ParseJsonnetOptions(const base::Json& jsonnet);

// Evaluates the .jsonnet file |file| (absolute, inside the checkout |root|; the app directory is
// |app_dir|) as Argo CD does: one object or an array of objects.
base::Result<base::Json> EvaluateJsonnet(const std::string& file, std::string_view root, std::string_view app_dir,
                                         const JsonnetOptions& options, const BuildEnv& env,
                                         const RenderLimits& limits);

}  // namespace capstan::source::render

#endif  // CAPSTAN_SOURCE_RENDER_JSONNET_H_
