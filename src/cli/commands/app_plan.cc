// Copyright 2026 The capstan Authors.
//
// `capstan app plan NAME | -f app.yaml [--prune] [-o json]`: the ordered plan a sync would run now
// (app/plan_view.h), changing nothing. Exit 0 when the plan could be made.

#include <CLI/CLI.hpp>

#include <iomanip>
#include <iostream>
#include <memory>

#include "app/plan_view.h"
#include "cli/app_file.h"
#include "cli/app_output.h"
#include "cli/cluster_client.h"
#include "cli/commands/app_common.h"
#include "cli/commands/commands.h"
#include "source/credentials.h"

namespace capstan::cli {

namespace {

struct PlanFlags {
  std::string name;
  std::string file;
  std::string app_namespace = "capstan";
  std::string revision;
  bool prune = false;
  RunFlags run;
};

void PrintPlan(const std::vector<app::PlanRow>& rows, const std::string& output) {
  if (output == "json") {
    base::Json out = base::Json::array();
    for (const app::PlanRow& r : rows) {
      out.push_back({{"phase", r.phase}, {"wave", r.wave}, {"group", r.group}, {"kind", r.kind},
                     {"namespace", r.namespace_}, {"name", r.name}, {"action", r.action}});
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  size_t kind_w = 4, name_w = 14;
  for (const app::PlanRow& r : rows) {
    kind_w = std::max(kind_w, r.kind.size() + (r.group.empty() ? 0 : r.group.size() + 1));
    name_w = std::max(name_w, r.name.size() + (r.namespace_.empty() ? 0 : r.namespace_.size() + 1));
  }
  std::cout << std::left << std::setw(10) << "PHASE" << std::setw(6) << "WAVE" << std::setw(kind_w + 2) << "KIND"
            << std::setw(name_w + 2) << "NAMESPACE/NAME" << "ACTION\n";
  for (const app::PlanRow& r : rows) {
    std::string kind = r.group.empty() ? r.kind : r.kind + "." + r.group;
    std::string name = r.namespace_.empty() ? r.name : r.namespace_ + "/" + r.name;
    std::cout << std::left << std::setw(10) << r.phase << std::setw(6) << (r.phase == "-" ? "-" : std::to_string(r.wave))
              << std::setw(kind_w + 2) << kind << std::setw(name_w + 2) << name << r.action << "\n";
  }
}

}  // namespace

void RegisterAppPlan(CLI::App& group, ClusterFlags& cluster) {
  auto f = std::make_shared<PlanFlags>();
  auto* cmd = group.add_subcommand("plan", "Show the ordered plan a sync would run now, changing nothing");
  cmd->add_option("name", f->name, "NAME or NAMESPACE/NAME of an Application in the cluster");
  cmd->add_option("-f,--file", f->file, "An Application manifest instead (YAML; - for stdin)");
  cmd->add_option("-N,--app-namespace", f->app_namespace, "The Application's namespace")->capture_default_str();
  cmd->add_option("--revision", f->revision, "Plan this revision instead of spec.source.targetRevision");
  cmd->add_flag("--prune", f->prune, "Plan as `sync --prune` would");
  AddRunFlags(cmd, f->run);
  cmd->callback([f, &cluster] {
    if (f->name.empty() == f->file.empty()) return Fail(base::Status::InvalidArgument("give NAME or -f FILE"));
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    base::Json application;
    if (!f->file.empty()) {
      auto read = ReadApplicationFile(f->file);
      if (!read.ok()) return Fail(read.status());
      application = std::move(*read);
    } else {
      app::AppRef ref = ParseAppName(f->name, f->app_namespace);
      auto got = (*client)->Get(app::kApplicationGvk, ref.namespace_, ref.name);
      if (!got.ok()) return Fail(got.status().Annotate("Application " + ref.ToString()));
      application = std::move(*got);
    }
    app::PlanViewOptions opts;
    opts.prune = f->prune;
    auto render = RenderOptionsFor(RenderFlagsOf(f->run, f->revision), client->get());
    if (!render.ok()) return Fail(render.status());
    opts.render = std::move(*render);
    auto rows = app::PlanApp(**client, application, opts);
    if (!rows.ok()) return Fail(rows.status());
    if (f->run.output != "json" && !f->name.empty()) {
      std::vector<std::string> deps = DependencyLines(**client, application);
      std::string list;
      for (const std::string& d : deps) list += (list.empty() ? "" : ", ") + d;
      if (!list.empty()) std::cout << "Depends on: " << list << "\n\n";
    }
    PrintPlan(*rows, f->run.output);
  });
}

}  // namespace capstan::cli
