// Copyright 2026 The capstan Authors.
//
// Jsonnet evaluation for directory apps, as Argo CD's repo-server does it
// (reposerver/repository/repository.go: findManifests' `.jsonnet` case and makeJsonnetVm):
// spec.source.directory.jsonnet gives ext vars and top-level arguments (each a string or code,
// its value envsubst'd with the build environment first) and library directories relative to the
// repository root; the import path is the app directory, then each library, the last one searched
// first (go-jsonnet's FileImporter and libjsonnet's jpath order agree). The result must be one
// object or an array of objects, each with a kind.
//
// libjsonnet (Debian's 0.18, C API) cannot be interrupted, so each evaluation runs in a forked
// worker process with a deadline (RenderLimits.timeout) and an output limit
// (RenderLimits.max_output_bytes); past either the worker is killed. The worker evaluates with the
// repository root as its working directory and repo-relative paths, so messages name
// "app/app.jsonnet:3:1-13", never the cache directory.
//
// Unlike go-jsonnet in Argo CD, imports (`import`, `importstr`, `importbin`) must resolve — after
// symlinks — inside the repository: a repository cannot read the files of the machine capstan runs
// on into a manifest.
//
// Thread safety: safe to call concurrently (each call forks its own worker).

#ifndef CAPSTAN_SOURCE_RENDER_JSONNET_H_
#define CAPSTAN_SOURCE_RENDER_JSONNET_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "source/render/build_env.h"
#include "source/render/tool.h"

namespace capstan::source::render {

// One ext var or TLA (Argo CD's JsonnetVar).
struct JsonnetVar {
  std::string name;
  std::string value;  // before envsubst
  bool code = false;  // true: value is Jsonnet code; false: a string
};

// spec.source.directory.jsonnet (Argo CD's ApplicationSourceJsonnet).
struct JsonnetOptions {
  std::vector<JsonnetVar> ext_vars{};  // extVars
  std::vector<JsonnetVar> tlas{};      // tlas
  std::vector<std::string> libs{};     // libs: directories relative to the repository root
  base::Json raw = base::Json::object();  // the block as given (for the render cache key)
};

// Parses spec.source.directory.jsonnet (null or absent fields are empty). kInvalidArgument naming
// the field for a wrong type or a var without a name
// ("spec.source.directory.jsonnet.extVars[0].name: is missing", "...tlas[1].code: must be a boolean,
// got string"). Unknown fields are ignored (the API server prunes them from an Application).
base::Result<JsonnetOptions> ParseJsonnetOptions(const base::Json& jsonnet);

// Evaluates the .jsonnet file |file| (absolute, inside the checkout |root|; the app directory is
// |app_dir|) as Argo CD does and returns the JSON value: one object or an array of objects.
// Errors (|name| below is |file| relative to |app_dir|):
//   kInvalidArgument  a lib that resolves outside |root|: "spec.source.directory.jsonnet.libs[0]:
//                     \"../x\": file resolved to outside repository root";
//                     a syntax, runtime or import error: "failed to evaluate jsonnet \"app.jsonnet\":
//                     RUNTIME ERROR: boom\n\tapp/app.jsonnet:3:1-13\t..." (libjsonnet's message);
//                     a result that is not an object or an array of objects with a kind:
//                     "failed to unmarshal generated json \"app.jsonnet\": ...";
//                     output over |limits.max_output_bytes|
//   kTimeout          "failed to evaluate jsonnet \"app.jsonnet\": timeout after 90s"
//   kInternal         the worker could not be started or died (a signal)
// REQUIRES: |file| is inside |root|.
base::Result<base::Json> EvaluateJsonnet(const std::string& file, std::string_view root, std::string_view app_dir,
                                         const JsonnetOptions& options, const BuildEnv& env,
                                         const RenderLimits& limits);

}  // namespace capstan::source::render

#endif  // CAPSTAN_SOURCE_RENDER_JSONNET_H_
