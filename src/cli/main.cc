// Copyright 2026 The capstan Authors.
//
// capstan's entry point: parses flags into the command table and runs one command.

#include <CLI/CLI.hpp>
#include <signal.h>

#include "base/log.h"
#include "cli/commands/commands.h"

int main(int argc, char** argv) {
  // A closed output pipe (`capstan sync … | head`) must not kill a sync half way: writes to it fail
  // instead, and the operation runs to its end.
  signal(SIGPIPE, SIG_IGN);
  CLI::App app{"capstan: GitOps continuous delivery in phases and waves with hooks, Argo CD compatible"};
  app.require_subcommand(1);
  std::string log_level = "warn";
  capstan::cli::ClusterFlags cluster;
  app.add_option("--log-level", log_level, "debug|info|warn|error|off")->capture_default_str();
  app.add_option("--kubeconfig", cluster.kubeconfig, "Path to the kubeconfig file (default: $KUBECONFIG, ~/.kube/config)");
  app.add_option("--context", cluster.context, "The kubeconfig context to use");
  app.add_option("--qps", cluster.qps, "API requests per second at most (<= 0: no limit)")->capture_default_str();
  app.add_option("--burst", cluster.burst, "API requests allowed in a burst above --qps")->capture_default_str();
  app.fallthrough();
  app.parse_complete_callback([&] { capstan::base::InitLogging(log_level); });
  capstan::cli::RegisterCommands(app, cluster);
  CLI11_PARSE(app, argc, argv);
  return capstan::cli::ExitCode();
}
