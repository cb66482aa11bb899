// Copyright 2026 The capstan Authors.
//
// What the `app` subcommands that run or wait for an operation share: the flags of a runner
// (timeout, output, repository cache and credentials), running the operation with progress on
// stderr and the result on stdout, and creating or updating an Application from a manifest.

#ifndef CAPSTAN_CLI_COMMANDS_APP_COMMON_H_
#define CAPSTAN_CLI_COMMANDS_APP_COMMON_H_

#include <string>
#include <vector>

#include "app/application.h"
#include "base/json.h"
#include "base/result.h"
#include "cli/commands/render_options.h"
#include "kube/client.h"

namespace CLI {
class App;
}

namespace capstan::cli {

struct RunFlags {
  int64_t timeout_seconds = 0;  // 0: no limit
  std::string output;           // json | yaml | wide | "" (summary)
  std::string cache_dir;
  std::string credentials_file;
  std::string control_plane_namespace = "capstan";
};

void AddRunFlags(CLI::App* cmd, RunFlags& f);

// The render flags within |f| (with |revision|: "" = targetRevision).
RenderFlags RenderFlagsOf(const RunFlags& f, const std::string& revision = "");

// Runs (or follows) the operation of |ref| to its end, printing progress lines to stderr and the
// Application to stdout as |f.output| says; sets the exit code: 0 only when it Succeeded (or, when
// |any_end| is set, whenever it ended).
void RunAndReport(kube::Client& client, const app::AppRef& ref, const RunFlags& f, bool any_end = false);

// Creates |manifest| (an Application; namespace defaults to capstan), or, when it exists and
// |upsert|, replaces its spec, labels and annotations keeping its status and operation. Without
// |upsert|, an existing Application with a different spec is kAlreadyExists "existing application
// spec is different, use upsert flag to force update" (Argo CD's message).
base::Result<app::AppRef> UpsertApplication(kube::Client& client, base::Json manifest, bool upsert);

// "<app> (ready)" or "<app> (<why not>)" for each app |app| depends on (capstan.dev/depends-on,
// app/depends_on.h); the annotation's error alone when it is bad. Empty when it depends on none.
std::vector<std::string> DependencyLines(kube::Client& client, const base::Json& app);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_COMMANDS_APP_COMMON_H_
