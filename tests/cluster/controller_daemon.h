// Copyright 2026 The capstan Authors.
//
// StartController: runs `capstan controller` for a test's namespace as a background process, the way
// every controller test wants it — the test namespace as the control-plane namespace (so the
// controller serves only that test's Applications), its own repository cache, a short Git poll with
// no jitter, no stats lines, /metrics on a free port — and waits for its "started:" log line. Tests add flags (sharding, the
// identity) through |extra_args| and environment (CAPSTAN_CRASH_AT) through |env|.
//
// Thread safety: as source_testing::Daemon (one test thread).

#ifndef CAPSTAN_TESTS_CLUSTER_CONTROLLER_DAEMON_H_
#define CAPSTAN_TESTS_CLUSTER_CONTROLLER_DAEMON_H_

#include <map>
#include <string>
#include <vector>

#include "cli_test_util.h"
#include "source_test_util.h"

namespace capstan::cli_testing {

struct ControllerRun {
  std::string ns;         // control-plane namespace (-n)
  std::string cache_dir;  // --cache-dir
  std::string log;        // the process's stdout and stderr
  std::string resync = "2";  // --app-resync, seconds
  std::string jitter = "0";  // --app-resync-jitter, seconds
  std::string kubeconfig;    // "" = the test cluster's
  // /metrics and /healthz: a free port by default, so that controllers of one host do not compete
  // for 8082 (the log says which port: "metrics and health on http://…").
  std::string metrics_address = "127.0.0.1:0";
  std::vector<std::string> extra_args;
  std::map<std::string, std::string> env;
};

// Installs capstan's CRDs if needed, starts the controller as |daemon| and waits until it has logged
// "started:" (it holds its Leases then). False, with a test failure carrying the log, when it died.
inline bool StartController(source_testing::Daemon& daemon, const ControllerRun& run) {
  EnsureInstalled();
  std::vector<std::string> argv = CapstanCommand();
  if (!run.kubeconfig.empty()) argv[2] = run.kubeconfig;  // CapstanCommand: {capstan, --kubeconfig, path}
  argv.insert(argv.end(), {"controller", "-n", run.ns, "--cache-dir", run.cache_dir, "--app-resync", run.resync,
                           "--app-resync-jitter", run.jitter, "--stats-every", "0", "--metrics-address",
                           run.metrics_address});
  argv.insert(argv.end(), run.extra_args.begin(), run.extra_args.end());
  return daemon.Start(argv, run.log, 0, run.env, "started:");
}

}  // namespace capstan::cli_testing

#endif  // CAPSTAN_TESTS_CLUSTER_CONTROLLER_DAEMON_H_
