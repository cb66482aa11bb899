// Copyright 2026 The capstan Authors.
//
// `capstan version`: prints the version of this binary.

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands/commands.h"

namespace capstan::cli {

void RegisterVersion(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print capstan's version");
  cmd->callback([] { std::cout << "capstan " << CAPSTAN_VERSION << "\n"; });
}

}  // namespace capstan::cli
