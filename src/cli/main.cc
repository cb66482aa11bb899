// Copyright 2026 The capstan Authors.
//
// capstan's entry point: parses flags into the command table and runs one command.

#include <CLI/CLI.hpp>

#include <iostream>

#include "base/log.h"
#include "cli/commands/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"capstan: GitOps continuous delivery in phases and waves with hooks, Argo CD compatible"};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "debug|info|warn|error|off")->capture_default_str();
  capstan::cli::RegisterCommands(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
