// Copyright 2026 The capstan Authors.

#include "cli/commands/commands.h"

#include <CLI/CLI.hpp>

namespace capstan::cli {

void RegisterCommands(CLI::App& app) { RegisterVersion(app); }

}  // namespace capstan::cli
