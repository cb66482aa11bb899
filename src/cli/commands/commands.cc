// Copyright 2026 The capstan Authors.

#include "cli/commands/commands.h"

#include <CLI/CLI.hpp>

#include <atomic>

namespace capstan::cli {
namespace {
std::atomic<int> exit_code{0};
}  // namespace

void SetExitCode(int code) { exit_code = code; }
int ExitCode() { return exit_code; }

void RegisterCommands(CLI::App& app, ClusterFlags& cluster) {
  RegisterVersion(app);
  RegisterInstall(app, cluster);
  RegisterController(app, cluster);
  CLI::App* app_group = app.add_subcommand("app", "Work with applications");
  app_group->require_subcommand(1);
  RegisterAppManifests(*app_group);
  RegisterAppCommands(*app_group, cluster);
  RegisterAppDelete(*app_group, cluster);
  RegisterAppPlan(*app_group, cluster);
  RegisterAppDiff(*app_group, cluster);
  RegisterAppLogs(*app_group, cluster);
  RegisterSync(app, *app_group, cluster);
}

}  // namespace capstan::cli
