// Copyright 2026 The capstan Authors.
//
// The subcommand table. Each subcommand lives in its own file and registers itself here; a
// subcommand's callback reports its exit code through SetExitCode.

#ifndef CAPSTAN_CLI_COMMANDS_COMMANDS_H_
#define CAPSTAN_CLI_COMMANDS_COMMANDS_H_

#include <string>

namespace CLI {
class App;
}

namespace capstan::cli {

// Flags every command that talks to a cluster shares (kubectl's names).
struct ClusterFlags {
  std::string kubeconfig;  // "" = $KUBECONFIG or ~/.kube/config (or in-cluster)
  std::string context;     // "" = current-context
  // Client-side rate limit. Higher than client-go's defaults: one sync applies a whole wave at once,
  // and the API server protects itself (priority and fairness); a shared cluster may want less.
  double qps = 500;
  int burst = 1000;
};

// Adds every subcommand to |app|. |cluster| must outlive the parse and the callbacks.
void RegisterCommands(CLI::App& app, ClusterFlags& cluster);

void RegisterVersion(CLI::App& app);
void RegisterInstall(CLI::App& app, ClusterFlags& cluster);
// `capstan app manifests`, under the `app` group.
void RegisterAppManifests(CLI::App& app_group);
// `capstan sync -f` on |root| and `capstan app sync` on |app_group|.
void RegisterSync(CLI::App& root, CLI::App& app_group, ClusterFlags& cluster);
// `capstan app plan`.
void RegisterAppPlan(CLI::App& app_group, ClusterFlags& cluster);
// `capstan app diff`.
void RegisterAppDiff(CLI::App& app_group, ClusterFlags& cluster);
// `capstan app logs`: the kept logs of an Application's hooks.
void RegisterAppLogs(CLI::App& app_group, ClusterFlags& cluster);
// `capstan app delete`: deletes Applications, running the deletion when no controller does.
void RegisterAppDelete(CLI::App& app_group, ClusterFlags& cluster);
// `capstan app create|get|list|history|wait|terminate-op`.
void RegisterAppCommands(CLI::App& app_group, ClusterFlags& cluster);

// `capstan controller`: the reconcile loop (app/controller.h).
void RegisterController(CLI::App& app, ClusterFlags& cluster);

// The process exit code (0 unless a command set another).
void SetExitCode(int code);
int ExitCode();

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_COMMANDS_COMMANDS_H_
