// Copyright 2026 The capstan Authors.

#include "cli/commands/app_common.h"

#include <CLI/CLI.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "app/depends_on.h"
#include "app/operation_runner.h"
#include "app/progress_view.h"
#include "cli/app_output.h"
#include "cli/cluster_client.h"
#include "cli/commands/commands.h"
#include "cli/commands/health_settings.h"
#include "source/credentials.h"

namespace capstan::cli {

void AddRunFlags(CLI::App* cmd, RunFlags& f) {
  cmd->add_option("--timeout", f.timeout_seconds, "Give up waiting after this many seconds (0: never)")
      ->capture_default_str();
  cmd->add_option("-o,--output", f.output, "json | yaml (the Application alone) | wide")
      ->check(CLI::IsMember({"json", "yaml", "wide", ""}));
  cmd->add_option("--cache-dir", f.cache_dir, "Repository cache directory (default ~/.cache/capstan/repos)");
  cmd->add_option("--repo-credentials", f.credentials_file,
                  "Repository credentials file (default $CAPSTAN_REPOSITORIES_FILE or ~/.config/capstan/repositories.yaml)");
  cmd->add_option("--control-plane-namespace", f.control_plane_namespace, "The control-plane namespace")
      ->capture_default_str();
}

namespace {

// The progress view on stderr: redrawn in place on a terminal (not TERM=dumb), plain lines otherwise.
app::ProgressView::Options ProgressViewOptions(const app::AppRef& ref) {
  app::ProgressView::Options o;
  o.title = ref.ToString();
  const char* term = std::getenv("TERM");
  o.terminal = isatty(STDERR_FILENO) && term != nullptr && std::string_view(term) != "dumb";
  struct winsize ws {};
  if (o.terminal && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) o.width = ws.ws_col;
  return o;
}

}  // namespace

RenderFlags RenderFlagsOf(const RunFlags& f, const std::string& revision) {
  return RenderFlags{.revision = revision, .cache_dir = f.cache_dir, .credentials_file = f.credentials_file,
                     .control_plane_namespace = f.control_plane_namespace};
}

void RunAndReport(kube::Client& client, const app::AppRef& ref, const RunFlags& f, bool any_end) {
  app::RunnerOptions opts;
  opts.control_plane_namespace = f.control_plane_namespace;
  opts.health_override = HealthOverrideFor(client, f.control_plane_namespace);
  auto render = RenderOptionsFor(RenderFlagsOf(f), &client);
  if (!render.ok()) return Fail(render.status());
  opts.render = std::move(*render);
  if (f.timeout_seconds > 0) {
    opts.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(f.timeout_seconds);
  }
  app::ProgressView view(std::cerr, ProgressViewOptions(ref));
  opts.report_results = false;
  opts.progress = [&view](std::string_view line) { view.Note(line); };
  opts.on_step = [&view](const app::StepSnapshot& s) { view.Update(s); };
  opts.defer_to_controller = true;  // a running controller runs it; this shows its progress
  app::OperationRunner runner(client, std::move(opts));
  auto app = runner.Run(ref);
  view.Finish();
  if (!app.ok()) {
    Fail(app.status());
    if (f.output == "json" || f.output == "yaml") {
      // stdout still holds the Application as it stands, for pipelines that parse it.
      auto now = client.Get(app::kApplicationGvk, ref.namespace_, ref.name);
      if (now.ok()) PrintApplication(std::cout, *now, f.output);
    }
    return;
  }
  PrintApplication(std::cout, *app, f.output);
  std::string phase = base::GetStringAt(*app, "status/operationState/phase");
  if (phase != "Succeeded" && !any_end) SetExitCode(1);
}

base::Result<app::AppRef> UpsertApplication(kube::Client& client, base::Json manifest, bool upsert) {
  CAPSTAN_ASSIGN_OR_RETURN(app::AppRef ref, app::RefOf(manifest, "capstan"));
  manifest["metadata"]["namespace"] = ref.namespace_;
  manifest.erase("status");
  manifest.erase("operation");
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto live = client.Get(app::kApplicationGvk, ref.namespace_, ref.name);
    if (!live.ok() && live.status().code() != base::StatusCode::kNotFound) return live.status();
    if (!live.ok()) {
      auto created = client.Create(manifest, {});
      if (created.ok()) return ref;
      if (created.status().code() == base::StatusCode::kAlreadyExists) continue;
      return created.status().Annotate("creating Application " + ref.ToString());
    }
    base::Json updated = *live;
    bool same = updated.value("spec", base::Json()) == manifest.value("spec", base::Json());
    if (same) {
      for (const char* key : {"labels", "annotations"}) {
        if (manifest["metadata"].contains(key) && updated["metadata"].value(key, base::Json()) != manifest["metadata"][key]) {
          same = false;
        }
      }
    }
    if (same) return ref;
    if (!upsert) {
      return base::Status::AlreadyExists("Application " + ref.ToString() +
                                         ": existing application spec is different, use upsert flag to force update");
    }
    updated["spec"] = manifest.value("spec", base::Json::object());
    for (const char* key : {"labels", "annotations", "finalizers"}) {
      if (manifest["metadata"].contains(key)) updated["metadata"][key] = manifest["metadata"][key];
    }
    auto written = client.Update(updated, {});
    if (written.ok()) return ref;
    if (written.status().code() != base::StatusCode::kConflict) {
      return written.status().Annotate("updating Application " + ref.ToString());
    }
  }
  return base::Status::Conflict("Application " + ref.ToString() + ": kept changing while being updated");
}

// "<app> (ready)" or "<app> (<why not>)" for each app |app| depends on; the annotation's error alone
// when it is bad.
std::vector<std::string> DependencyLines(kube::Client& client, const base::Json& app) {
  auto deps = app::DependenciesOf(app);
  if (!deps.ok()) return {std::string(deps.status().message())};
  std::vector<std::string> lines;
  for (const app::AppRef& ref : *deps) {
    auto dep = client.Get(app::kApplicationGvk, ref.namespace_, ref.name);
    std::optional<std::string> why = app::NotReadyReason(app, dep.ok() ? &*dep : nullptr);
    std::string name = ref.namespace_ == base::GetStringAt(app, "metadata/namespace") ? ref.name : ref.ToString();
    lines.push_back(name + " (" + why.value_or("ready") + ")");
  }
  return lines;
}

}  // namespace capstan::cli
