// Copyright 2026 The capstan Authors.
//
// `capstan app sync NAME` and `capstan sync -f app.yaml`: request a sync operation on an
// Application (`.operation`, DESIGN §8.4) and run it here, with `argocd app sync`'s flags where they
// apply. `sync -f` first creates or updates the Application from the file — one command for a CI
// pipeline — and, when an operation is already in progress on it (a runner crashed or timed out),
// finishes that operation instead of starting another, so a re-run after a crash never runs hooks
// twice. Progress goes to stderr; stdout holds the result (only the Application with -o json|yaml).
// Exit code 0 only when the operation Succeeded.

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/application.h"
#include "app/operation_runner.h"
#include "app/sync_window.h"
#include "cli/app_file.h"
#include "cli/app_output.h"
#include "cli/cluster_client.h"
#include "cli/commands/app_common.h"
#include "cli/commands/commands.h"

namespace capstan::cli {

namespace {

struct SyncFlags {
  std::string file;        // sync -f
  std::string name;        // app sync NAME
  std::string app_namespace = "capstan";
  std::string revision;
  bool prune = false;
  bool dry_run = false;
  bool async = false;
  bool force = false;
  bool apply_out_of_sync_only = false;
  bool server_side = false;
  bool apply_strategy = false;
  std::vector<std::string> resources;
  std::vector<std::string> sync_options;
  int64_t retry_limit = 0;
  std::string retry_backoff_duration = "5s";
  std::string retry_backoff_max_duration = "3m";
  int64_t retry_backoff_factor = 2;
  RunFlags run;
};

base::Result<app::Operation> OperationOf(const SyncFlags& f) {
  app::Operation op;
  op.sync.revision = f.revision;
  op.sync.prune = f.prune;
  op.sync.dry_run = f.dry_run;
  op.sync.force = f.force;
  op.sync.apply_strategy = f.apply_strategy;
  for (const std::string& r : f.resources) {
    CAPSTAN_ASSIGN_OR_RETURN(sync::ResourceSelector sel, app::ParseResourceSelector(r));
    op.sync.resources.push_back(sel);
  }
  op.sync.sync_options = f.sync_options;
  if (f.apply_out_of_sync_only) op.sync.sync_options.push_back("ApplyOutOfSyncOnly=true");
  if (f.server_side) op.sync.sync_options.push_back("ServerSideApply=true");
  op.retry.limit = f.retry_limit;
  CAPSTAN_ASSIGN_OR_RETURN(op.retry.backoff_seconds,
                           app::ParseDurationSeconds(base::Json(f.retry_backoff_duration), "--retry-backoff-duration"));
  CAPSTAN_ASSIGN_OR_RETURN(op.retry.max_backoff_seconds, app::ParseDurationSeconds(base::Json(f.retry_backoff_max_duration),
                                                                                  "--retry-backoff-max-duration"));
  op.retry.factor = f.retry_backoff_factor;
  return op;
}

// When the app's operation options leave syncOptions empty, the app-level ones apply; flags that
// add options must not hide the app's own, so they are merged here.
void MergeAppOptions(const base::Json& app, app::Operation& op) {
  if (op.sync.sync_options.empty()) return;
  app::Operation bare;
  for (const std::string& o : app::EffectiveSyncOptions(app, bare)) {
    if (std::find(op.sync.sync_options.begin(), op.sync.sync_options.end(), o) == op.sync.sync_options.end()) {
      op.sync.sync_options.push_back(o);
    }
  }
}

void RunSync(kube::Client& client, const SyncFlags& f, const app::AppRef& ref, bool resume_in_progress) {
  auto op = OperationOf(f);
  if (!op.ok()) return Fail(op.status());
  auto app = client.Get(app::kApplicationGvk, ref.namespace_, ref.name);
  if (!app.ok()) return Fail(app.status().Annotate("Application " + ref.ToString()));
  MergeAppOptions(*app, *op);
  if (resume_in_progress) {
    // A runner that finished this very operation and died before reporting it: report it.
    auto unreported = app::TakeUnreportedResult(client, ref, *op);
    if (!unreported.ok()) return Fail(unreported.status());
    if (*unreported) {
      std::cerr << "Application " << ref.ToString() << ": the last run of this sync ended without reporting; "
                << "its result follows\n";
      PrintApplication(std::cout, **unreported, f.run.output);
      if (base::GetStringAt(**unreported, "status/operationState/phase") != "Succeeded") SetExitCode(1);
      return;
    }
  }
  // Sync windows: `argocd app sync` is refused by the server before anything is requested.
  if (base::Status allowed = app::CheckManualSync(client, *app, f.run.control_plane_namespace); !allowed.ok()) {
    return Fail(allowed);
  }
  base::Status requested = app::RequestOperation(client, ref, *op);
  if (!requested.ok()) {
    if (!(resume_in_progress && requested.code() == base::StatusCode::kFailedPrecondition)) return Fail(requested);
    std::cerr << "Application " << ref.ToString() << ": an operation is already in progress; finishing it\n";
  }
  if (f.async) {
    std::cerr << "Application " << ref.ToString() << ": sync requested\n";
    return;
  }
  RunAndReport(client, ref, f.run);
}

void AddSyncFlags(CLI::App* cmd, SyncFlags& f) {
  cmd->add_option("--revision", f.revision, "Sync to this revision instead of spec.source.targetRevision");
  cmd->add_flag("--prune", f.prune, "Delete live objects of the app that are no longer in Git");
  cmd->add_flag("--dry-run", f.dry_run, "Validate every change with the API server, change nothing");
  cmd->add_flag("--async", f.async, "Request the sync and return without running it");
  cmd->add_flag("--force", f.force, "Delete and re-create objects whose change the API server refuses");
  cmd->add_flag("--apply-out-of-sync-only", f.apply_out_of_sync_only, "Apply only the resources that are out of sync");
  cmd->add_flag("--server-side", f.server_side, "Server-side apply (capstan always applies server-side)");
  cmd->add_flag("--strategy-apply", f.apply_strategy, "Sync strategy apply: run no hooks");
  cmd->add_option("--resource", f.resources, "Sync only GROUP:KIND:NAME or GROUP:KIND:NAMESPACE/NAME (repeatable; runs no hooks)");
  cmd->add_option("--sync-option", f.sync_options, "A sync option, e.g. Replace=true (repeatable)");
  cmd->add_option("--retry-limit", f.retry_limit, "Retry a failed sync this many times (negative: forever)");
  cmd->add_option("--retry-backoff-duration", f.retry_backoff_duration, "The first retry's delay (Go duration or seconds)")
      ->capture_default_str();
  cmd->add_option("--retry-backoff-max-duration", f.retry_backoff_max_duration, "The longest retry delay")
      ->capture_default_str();
  cmd->add_option("--retry-backoff-factor", f.retry_backoff_factor, "Each retry's delay grows by this factor")
      ->capture_default_str();
  AddRunFlags(cmd, f.run);
}

}  // namespace

void RegisterSync(CLI::App& root, CLI::App& app_group, ClusterFlags& cluster) {
  auto sf = std::make_shared<SyncFlags>();
  auto* sync = root.add_subcommand("sync", "Create or update an Application from a file, sync it and wait");
  sync->add_option("-f,--file", sf->file, "The Application manifest (YAML; - for stdin)")->required();
  AddSyncFlags(sync, *sf);
  sync->callback([sf, &cluster] {
    auto app = ReadApplicationFile(sf->file);
    if (!app.ok()) return Fail(app.status());
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    auto ref = UpsertApplication(**client, *app, /*upsert=*/true);
    if (!ref.ok()) return Fail(ref.status());
    RunSync(**client, *sf, *ref, /*resume_in_progress=*/true);
  });

  auto af = std::make_shared<SyncFlags>();
  auto* app_sync = app_group.add_subcommand("sync", "Sync an Application and wait for the operation to end");
  app_sync->add_option("name", af->name, "NAME or NAMESPACE/NAME")->required();
  app_sync->add_option("-N,--app-namespace", af->app_namespace, "The Application's namespace")->capture_default_str();
  AddSyncFlags(app_sync, *af);
  app_sync->callback([af, &cluster] {
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    RunSync(**client, *af, ParseAppName(af->name, af->app_namespace), /*resume_in_progress=*/false);
  });
}

}  // namespace capstan::cli
