// Copyright 2026 The capstan Authors.
//
// The subcommand table. Each subcommand lives in its own file and registers itself here.

#ifndef CAPSTAN_CLI_COMMANDS_COMMANDS_H_
#define CAPSTAN_CLI_COMMANDS_COMMANDS_H_

namespace CLI {
class App;
}

namespace capstan::cli {

// Adds every subcommand to |app|. A subcommand's callback sets the process exit code through
// ExitWith (commands.cc).
void RegisterCommands(CLI::App& app);

void RegisterVersion(CLI::App& app);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_COMMANDS_COMMANDS_H_
