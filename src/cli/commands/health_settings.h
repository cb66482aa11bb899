// Copyright 2026 The capstan Authors.
//
// The user's Lua health checks for the commands that run, refresh or follow an operation: the
// LuaHealthOverride of capstan-cm in the control-plane namespace (spec §5.3, DESIGN §8.6).
//
// Thread safety: call from the command's thread; the returned override itself is thread-safe.

#ifndef CAPSTAN_CLI_COMMANDS_HEALTH_SETTINGS_H_
#define CAPSTAN_CLI_COMMANDS_HEALTH_SETTINGS_H_

#include <string>

#include "health/health.h"
#include "kube/client.h"

namespace capstan::cli {

// The health override built from capstan-cm in |control_plane_namespace|, loaded once per process and
// namespace and kept for the process's life; nullptr when no script is configured. Never fails the
// command: settings that cannot be read or used are a warning on stderr, and a script that does not
// compile makes its kind's health Unknown with the error.
health::HealthOverride* HealthOverrideFor(kube::Client& client, const std::string& control_plane_namespace);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_COMMANDS_HEALTH_SETTINGS_H_
