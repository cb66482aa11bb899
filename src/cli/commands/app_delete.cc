// Copyright 2026 The capstan Authors.
//
// `capstan app delete APP|-l SELECTOR [-N NS] [--cascade=true|false] [--wait]`, modelled on `argocd
// app delete`. With --cascade (the default) the Application gets the cascade finalizer
// resources-finalizer.argocd.argoproj.io (unless it has one), so its resources are deleted with it;
// --cascade=false removes every cascade finalizer first and leaves them. Then the Application is
// DELETEd. Its PreDelete/PostDelete hooks run whenever their finalizers are there (spec §4.1), whatever
// --cascade says.
//
// Who finishes the deletion (app/controller_presence.h): with a controller running, this command
// only deletes, and with --wait follows until the Application is gone. Without one it runs the
// deletion itself (app/deletion.h) until the Application is gone — whatever --wait says, since
// nobody else would — printing what it does on stderr. An operation in progress is waited for.

#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "app/controller_presence.h"
#include "app/delete_finalizers.h"
#include "app/deletion.h"
#include "cli/app_output.h"
#include "cli/cluster_client.h"
#include "cli/commands/app_common.h"
#include "cli/commands/commands.h"
#include "cli/commands/health_settings.h"

namespace capstan::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct DeleteFlags {
  std::string name;
  std::string selector;
  std::string app_namespace = "capstan";
  bool cascade = true;
  bool wait = false;
  RunFlags run;
};

// Sets the cascade finalizers of |ref| as |cascade| asks (spec §4.1: an app being deleted gets no new
// finalizer). OK when the Application is gone.
base::Status SetCascade(kube::Client& client, const app::AppRef& ref, bool cascade) {
  auto r = app::EditFinalizers(client, ref, [cascade](const base::Json& a, std::vector<std::string>& list) {
    bool has = std::any_of(list.begin(), list.end(), [](const std::string& f) { return app::IsCascadeFinalizer(f); });
    if (cascade) {
      if (has || app::IsDeleting(a)) return false;
      list.emplace_back(app::kResourcesFinalizer);
      return true;
    }
    if (!has) return false;
    std::erase_if(list, [](const std::string& f) { return app::IsCascadeFinalizer(f); });
    return true;
  });
  return r.status();
}

// Follows |ref| until it no longer exists (a controller deletes it). kTimeout at |deadline|.
base::Status WaitGone(kube::Client& client, const app::AppRef& ref, std::optional<Clock::time_point> deadline) {
  while (true) {
    auto a = client.Get(app::kApplicationGvk, ref.namespace_, ref.name);
    if (!a.ok() && a.status().code() == base::StatusCode::kNotFound) return base::Status::Ok();
    if (!a.ok()) return a.status();
    if (deadline && Clock::now() >= *deadline) {
      return base::Status::Timeout("Application " + ref.ToString() + " is not deleted yet");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

void DeleteApps(kube::Client& client, const DeleteFlags& f) {
  std::vector<app::AppRef> refs;
  if (!f.selector.empty()) {
    kube::ListOptions lo;
    lo.label_selector = f.selector;
    auto list = client.List(app::kApplicationGvk, f.app_namespace, lo);
    if (!list.ok()) return Fail(list.status().Annotate("listing Applications"));
    for (const base::Json& a : list->items) {
      refs.push_back({base::GetStringAt(a, "metadata/namespace"), base::GetStringAt(a, "metadata/name")});
    }
    if (refs.empty()) return Fail(base::Status::NotFound("no apps match selector " + f.selector));
  } else {
    refs.push_back(ParseAppName(f.name, f.app_namespace));
  }

  for (const app::AppRef& ref : refs) {
    base::Status s = SetCascade(client, ref, f.cascade);
    if (s.ok()) s = client.Delete(app::kApplicationGvk, ref.namespace_, ref.name, {});
    if (!s.ok()) return Fail(s.Annotate("deleting Application " + ref.ToString()));
    std::cerr << "Application '" << ref.name << "' deletion requested" << (f.cascade ? "" : " (not cascading)") << "\n";
  }

  auto controller = app::ControllerIsRunning(client, f.run.control_plane_namespace);
  if (!controller.ok()) return Fail(controller.status().Annotate("asking whether a controller runs"));
  if (*controller && !f.wait) return;

  std::optional<Clock::time_point> deadline;
  if (f.run.timeout_seconds > 0) deadline = Clock::now() + std::chrono::seconds(f.run.timeout_seconds);
  app::DeletionOptions opts;
  opts.control_plane_namespace = f.run.control_plane_namespace;
  opts.health_override = HealthOverrideFor(client, f.run.control_plane_namespace);
  auto render = RenderOptionsFor(RenderFlagsOf(f.run), &client);
  if (!render.ok()) return Fail(render.status());
  opts.render = std::move(*render);
  for (const app::AppRef& ref : refs) {
    opts.progress = [&ref](std::string_view line) { std::cerr << ref.ToString() << ": " << line << "\n"; };
    base::Status s;
    if (*controller) {
      s = WaitGone(client, ref, deadline);
    } else {
      app::DeletionRunner runner(client, opts);
      s = runner.Run(ref, deadline);
    }
    if (!s.ok()) return Fail(s);
    std::cout << "application '" << ref.name << "' deleted\n";
  }
}

}  // namespace

void RegisterAppDelete(CLI::App& group, ClusterFlags& cluster) {
  auto f = std::make_shared<DeleteFlags>();
  auto* cmd = group.add_subcommand(
      "delete",
      "Delete an Application (and, with --cascade, its resources), running its PreDelete/PostDelete hooks; "
      "without a controller running, this command finishes the deletion itself");
  cmd->add_option("name", f->name, "NAME or NAMESPACE/NAME");
  cmd->add_option("-l,--selector", f->selector, "Delete every Application matching this label selector");
  cmd->add_option("-N,--app-namespace", f->app_namespace, "The Application's namespace")->capture_default_str();
  cmd->add_option("--cascade", f->cascade, "Delete the Application's resources too (true|false)")
      ->capture_default_str();
  cmd->add_flag("--wait", f->wait, "With a controller running: wait until the Application is gone");
  cmd->add_option("--timeout", f->run.timeout_seconds, "Give up waiting after this many seconds (0: never)")
      ->capture_default_str();
  cmd->add_option("--cache-dir", f->run.cache_dir, "Repository cache directory (default ~/.cache/capstan/repos)");
  cmd->add_option("--repo-credentials", f->run.credentials_file,
                  "Repository credentials file (default $CAPSTAN_REPOSITORIES_FILE or ~/.config/capstan/repositories.yaml)");
  cmd->add_option("--control-plane-namespace", f->run.control_plane_namespace, "The control-plane namespace")
      ->capture_default_str();
  cmd->callback([f, &cluster] {
    if (f->name.empty() == f->selector.empty()) {
      return Fail(base::Status::InvalidArgument("app delete: give either an Application name or -l SELECTOR"));
    }
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    DeleteApps(**client, *f);
  });
}

}  // namespace capstan::cli
