// Copyright 2026 The capstan Authors.
//
// `capstan app create|get|list|history|rollback|wait|terminate-op`, modelled on `argocd app …`.
// `wait` and `terminate-op` are runners too (DESIGN §8.4): when nobody holds the operation Lease —
// the CLI that asked timed out or crashed, and no controller runs — they drive the operation
// themselves, so an operation never stays Running with nobody to finish it.

#include <CLI/CLI.hpp>

#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>

#include "app/application.h"
#include "app/controller_presence.h"
#include "app/operation_runner.h"
#include "app/refresh.h"
#include "app/rollback.h"
#include "base/yaml.h"
#include "cli/app_file.h"
#include "cli/app_output.h"
#include "cli/cluster_client.h"
#include "cli/commands/app_common.h"
#include "cli/commands/commands.h"
#include "cli/commands/health_settings.h"
#include "source/credentials.h"

namespace capstan::cli {

namespace {

struct AppFlags {
  std::string name;
  std::string app_namespace = "capstan";
  std::string output;
  bool upsert = false;
  bool refresh = false;
  std::string file;
  RunFlags run;
};

// Refresh options from the runner flags; credentials from the default file when it exists; the Lua
// health checks of capstan-cm.
app::RefreshOptions RefreshOptionsOf(kube::Client& client, const RunFlags& run) {
  app::RefreshOptions opts;
  opts.health_override = HealthOverrideFor(client, run.control_plane_namespace);
  // A bad credentials file fails the render (with its message) when a source needs credentials.
  auto render = RenderOptionsFor(RenderFlagsOf(run), &client);
  if (render.ok()) opts.render = std::move(*render);
  return opts;
}

CLI::App* NamedCommand(CLI::App& group, const char* name, const char* help, AppFlags& f) {
  auto* cmd = group.add_subcommand(name, help);
  cmd->add_option("name", f.name, "NAME or NAMESPACE/NAME")->required();
  cmd->add_option("-N,--app-namespace", f.app_namespace, "The Application's namespace")->capture_default_str();
  return cmd;
}

void RegisterCreate(CLI::App& group, ClusterFlags& cluster) {
  auto f = std::make_shared<AppFlags>();
  auto* cmd = group.add_subcommand("create", "Create an Application from a manifest");
  cmd->add_option("-f,--file", f->file, "The Application manifest (YAML; - for stdin)")->required();
  cmd->add_flag("--upsert", f->upsert, "Update the Application when it exists with another spec");
  cmd->add_option("--cache-dir", f->run.cache_dir, "Repository cache directory (default ~/.cache/capstan/repos)");
  cmd->add_option("--control-plane-namespace", f->run.control_plane_namespace, "The control-plane namespace")
      ->capture_default_str();
  cmd->callback([f, &cluster] {
    auto manifest = ReadApplicationFile(f->file);
    if (!manifest.ok()) return Fail(manifest.status());
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    auto ref = UpsertApplication(**client, *manifest, f->upsert);
    if (!ref.ok()) return Fail(ref.status());
    std::cout << "application '" << ref->name << "' created\n";
    // A running controller compares a new Application itself (its spec differs from comparedTo).
    if (app::ControllerIsRunning(**client, f->run.control_plane_namespace, ref->namespace_).value_or(false)) return;
    // Else as Argo CD's controller does on a new Application: compare it once, so its status says
    // OutOfSync (or why it cannot be compared) before any sync.
    auto refreshed = app::Refresh(**client, *ref, RefreshOptionsOf(**client, f->run));
    if (!refreshed.ok()) std::cerr << "warning: comparing " << ref->ToString() << ": " << refreshed.status().ToString() << "\n";
  });
}

void RegisterGet(CLI::App& group, ClusterFlags& cluster) {
  auto f = std::make_shared<AppFlags>();
  auto* cmd = NamedCommand(group, "get", "Show an Application", *f);
  cmd->add_option("-o,--output", f->output, "json | yaml | wide")->check(CLI::IsMember({"json", "yaml", "wide", ""}));
  cmd->add_flag("--refresh", f->refresh, "Compare with Git and the cluster first, and store the result in the status");
  cmd->add_option("--cache-dir", f->run.cache_dir, "Repository cache directory (default ~/.cache/capstan/repos)");
  cmd->add_option("--control-plane-namespace", f->run.control_plane_namespace, "The control-plane namespace")
      ->capture_default_str();
  cmd->callback([f, &cluster] {
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    app::AppRef ref = ParseAppName(f->name, f->app_namespace);
    if (f->refresh) {
      // With a controller running, ask it (as argocd does) rather than write the status beside it.
      const bool controller =
          app::ControllerIsRunning(**client, f->run.control_plane_namespace, ref.namespace_).value_or(false);
      auto refreshed = controller ? app::RequestControllerRefresh(**client, ref, std::chrono::seconds(60))
                                  : app::Refresh(**client, ref, RefreshOptionsOf(**client, f->run));
      if (!refreshed.ok()) Fail(refreshed.status());
    }
    auto app = (*client)->Get(app::kApplicationGvk, ref.namespace_, ref.name);
    if (!app.ok()) return Fail(app.status().Annotate("Application " + ref.ToString()));
    const app::AppSyncWindows windows = app::LoadAppSyncWindows(**client, *app, f->run.control_plane_namespace);
    PrintApplication(std::cout, *app, f->output, DependencyLines(**client, *app), &windows, std::time(nullptr));
  });
}

void RegisterList(CLI::App& group, ClusterFlags& cluster) {
  auto f = std::make_shared<AppFlags>();
  auto* cmd = group.add_subcommand("list", "List Applications");
  cmd->add_option("-N,--app-namespace", f->app_namespace, "The namespace to list (\"\" = all)")->capture_default_str();
  cmd->add_option("-o,--output", f->output, "json | yaml | name")->check(CLI::IsMember({"json", "yaml", "name", ""}));
  cmd->callback([f, &cluster] {
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    auto list = (*client)->List(app::kApplicationGvk, f->app_namespace, {});
    if (!list.ok()) return Fail(list.status());
    if (f->output == "json") {
      std::cout << base::Json(list->items).dump(2) << "\n";
      return;
    }
    if (f->output == "yaml") {
      std::cout << base::EmitYamlStream(list->items);
      return;
    }
    if (f->output != "name") std::cout << "NAME\tSYNC STATUS\tHEALTH STATUS\tOPERATION\n";
    for (const base::Json& a : list->items) {
      std::string name = base::GetStringAt(a, "metadata/namespace") + "/" + base::GetStringAt(a, "metadata/name");
      if (f->output == "name") {
        std::cout << name << "\n";
        continue;
      }
      std::cout << name << "\t" << base::GetStringAt(a, "status/sync/status") << "\t"
                << base::GetStringAt(a, "status/health/status") << "\t"
                << base::GetStringAt(a, "status/operationState/phase") << "\n";
    }
  });
}

void RegisterHistory(CLI::App& group, ClusterFlags& cluster) {
  auto f = std::make_shared<AppFlags>();
  auto* cmd = NamedCommand(group, "history", "Show an Application's deployment history", *f);
  cmd->add_option("-o,--output", f->output, "json | yaml")->check(CLI::IsMember({"json", "yaml", ""}));
  cmd->callback([f, &cluster] {
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    app::AppRef ref = ParseAppName(f->name, f->app_namespace);
    auto app = (*client)->Get(app::kApplicationGvk, ref.namespace_, ref.name);
    if (!app.ok()) return Fail(app.status().Annotate("Application " + ref.ToString()));
    base::Json history = base::Json::array();
    if (auto st = app->find("status"); st != app->end() && st->contains("history")) history = (*st)["history"];
    if (f->output == "json") {
      std::cout << history.dump(2) << "\n";
      return;
    }
    if (f->output == "yaml") {
      std::cout << base::EmitYaml(history);
      return;
    }
    std::cout << "ID\tDATE\tREVISION\n";
    for (const base::Json& h : history) {
      std::cout << h.value("id", int64_t{0}) << "\t" << base::GetString(h, "deployedAt") << "\t"
                << base::GetString(h, "revision") << "\n";
    }
  });
}

// `app wait` and `app terminate-op`: both run (or follow) the operation to its end; terminate-op
// first asks it to terminate, and succeeds whenever it then ends.
void RegisterRunner(CLI::App& group, ClusterFlags& cluster, const char* name, const char* help, bool terminate) {
  auto f = std::make_shared<AppFlags>();
  auto* cmd = NamedCommand(group, name, help, *f);
  AddRunFlags(cmd, f->run);
  cmd->callback([f, &cluster, terminate] {
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    app::AppRef ref = ParseAppName(f->name, f->app_namespace);
    if (terminate) {
      base::Status s = app::RequestTermination(**client, ref);
      if (!s.ok()) return Fail(s);
      std::cerr << "Application '" << ref.name << "' operation terminating\n";
    }
    // The runner holding the Lease ends the operation; when there is none, this process does.
    RunAndReport(**client, ref, f->run, /*any_end=*/terminate);
  });
}

// `app rollback NAME [ID] [--prune] [--dry-run]`: syncs a history entry's revision and source with the
// apply strategy (app/rollback.h), then runs or follows it like `app sync`.
void RegisterRollback(CLI::App& group, ClusterFlags& cluster) {
  auto f = std::make_shared<AppFlags>();
  auto id = std::make_shared<int64_t>(-1);
  auto prune = std::make_shared<bool>(false);
  auto dry_run = std::make_shared<bool>(false);
  auto* cmd = NamedCommand(group, "rollback", "Roll an Application back to a deployment of its history", *f);
  cmd->add_option("id", *id, "The history ID (default: the deployment before the latest)");
  cmd->add_flag("--prune", *prune, "Delete live objects the rolled-back revision does not have");
  cmd->add_flag("--dry-run", *dry_run, "Validate every change with the API server, change nothing");
  AddRunFlags(cmd, f->run);
  cmd->callback([f, id, prune, dry_run, &cluster] {
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    app::AppRef ref = ParseAppName(f->name, f->app_namespace);
    auto application = (*client)->Get(app::kApplicationGvk, ref.namespace_, ref.name);
    if (!application.ok()) return Fail(application.status());
    auto op = app::RollbackOperation(*application, *id >= 0 ? std::optional<int64_t>(*id) : std::nullopt, *prune,
                                     *dry_run, app::Operation{}.initiated_by);
    if (!op.ok()) return Fail(op.status());
    base::Status requested = app::RequestOperation(**client, ref, *op);
    if (!requested.ok()) return Fail(requested);
    std::cerr << "Application '" << ref.name << "' rolling back to " << op->sync.revision << "\n";
    RunAndReport(**client, ref, f->run);
  });
}

}  // namespace

void RegisterAppCommands(CLI::App& group, ClusterFlags& cluster) {
  RegisterCreate(group, cluster);
  RegisterGet(group, cluster);
  RegisterList(group, cluster);
  RegisterHistory(group, cluster);
  RegisterRollback(group, cluster);
  RegisterRunner(group, cluster, "wait", "Wait for an Application's operation to end (running it if nobody does)",
                 /*terminate=*/false);
  RegisterRunner(group, cluster, "terminate-op", "Terminate an Application's running operation", /*terminate=*/true);
}

}  // namespace capstan::cli
