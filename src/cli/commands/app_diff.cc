// Copyright 2026 The capstan Authors.
//
// `capstan app diff NAME | -f app.yaml [--revision R] [--server-side]`: what a sync would change, as
// `argocd app diff` prints it (app/app_diff.h): per differing resource a `===== group/Kind ns/name
// ======` header and a unified diff of live vs predicted live, Secret values masked. Exit 0 when
// nothing differs, 1 when something does, 2 on error (argocd app diff's codes).

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/app_diff.h"
#include "cli/app_file.h"
#include "cli/app_output.h"
#include "cli/cluster_client.h"
#include "cli/commands/app_common.h"
#include "cli/commands/commands.h"
#include "source/credentials.h"

namespace capstan::cli {

namespace {

constexpr int kExitDiff = 1;
constexpr int kExitError = 2;

struct DiffFlags {
  std::string name;
  std::string file;
  std::string app_namespace = "capstan";
  std::string revision;
  bool server_side = false;
  RunFlags run;
};

base::Result<app::AppDiff> RunDiff(const DiffFlags& f, const ClusterFlags& cluster) {
  if (f.name.empty() == f.file.empty()) return base::Status::InvalidArgument("give NAME or -f FILE");
  CAPSTAN_ASSIGN_OR_RETURN(auto client, ConnectCluster(cluster));
  base::Json application;
  if (!f.file.empty()) {
    CAPSTAN_ASSIGN_OR_RETURN(application, ReadApplicationFile(f.file));
  } else {
    app::AppRef ref = ParseAppName(f.name, f.app_namespace);
    auto got = client->Get(app::kApplicationGvk, ref.namespace_, ref.name);
    if (!got.ok()) return got.status().Annotate("Application " + ref.ToString());
    application = std::move(*got);
  }
  app::AppDiffOptions opts;
  opts.server_side = f.server_side;
  CAPSTAN_ASSIGN_OR_RETURN(opts.render, RenderOptionsFor(RenderFlagsOf(f.run, f.revision), client.get()));
  return app::DiffApp(*client, application, opts);
}

}  // namespace

void RegisterAppDiff(CLI::App& group, ClusterFlags& cluster) {
  auto f = std::make_shared<DiffFlags>();
  auto* cmd = group.add_subcommand(
      "diff", "Show what a sync would change: a unified diff of live vs target per resource (exit 1 when any differs)");
  cmd->add_option("name", f->name, "NAME or NAMESPACE/NAME of an Application in the cluster");
  cmd->add_option("-f,--file", f->file, "An Application manifest instead (YAML; - for stdin)");
  cmd->add_option("-N,--app-namespace", f->app_namespace, "The Application's namespace")->capture_default_str();
  cmd->add_option("--revision", f->revision, "Compare with this revision instead of spec.source.targetRevision");
  cmd->add_flag("--server-side", f->server_side,
                "Server-side diff: predict each live object by a server-side apply dry-run (as compare-options "
                "ServerSideDiff=true)");
  AddRunFlags(cmd, f->run);
  cmd->callback([f, &cluster] {
    auto diff = RunDiff(*f, cluster);
    if (!diff.ok()) return Fail(diff.status(), kExitError);
    std::cout << diff->text;
    if (diff->differences > 0) SetExitCode(kExitDiff);
  });
}

}  // namespace capstan::cli
