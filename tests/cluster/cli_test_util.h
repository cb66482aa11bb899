// Copyright 2026 The capstan Authors.
//
// Running commands from cluster tests: git (with a fixed identity) and the capstan binary against
// the test cluster.
//
// Thread safety: thread-compatible.

#ifndef CAPSTAN_TESTS_CLUSTER_CLI_TEST_UTIL_H_
#define CAPSTAN_TESTS_CLUSTER_CLI_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "base/subprocess.h"
#include "testing/cluster_fixture.h"

namespace capstan::cli_testing {

// Runs |argv| (90 s at most) with a git identity in the environment; a failure to start fails the test.
inline base::SubprocessResult Run(std::vector<std::string> argv) {
  base::SubprocessOptions opts{.argv = std::move(argv),
                               .env = {{"GIT_AUTHOR_NAME", "t"}, {"GIT_AUTHOR_EMAIL", "t@example.com"},
                                       {"GIT_COMMITTER_NAME", "t"}, {"GIT_COMMITTER_EMAIL", "t@example.com"}}};
  opts.timeout = std::chrono::seconds(90);
  auto r = base::RunSubprocess(opts);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : base::SubprocessResult{};
}

inline std::vector<std::string> CapstanCommand() {
  return {std::string(CAPSTAN_BINARY_DIR) + "/capstan", "--kubeconfig", testing::TestKubeconfigPath()};
}

// Runs `capstan install` once per process (idempotent): tests run in any order on a fresh cluster,
// and every capstan command but install needs the Application CRD.
inline void EnsureInstalled() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    std::vector<std::string> install = CapstanCommand();
    install.push_back("install");
    auto r = Run(std::move(install));
    EXPECT_EQ(r.exit_code, 0) << "capstan install: " << r.stderr_text;
  });
}

// Runs the capstan binary of this build with --kubeconfig of the test cluster, installed.
inline base::SubprocessResult Capstan(std::vector<std::string> args) {
  EnsureInstalled();
  std::vector<std::string> argv = CapstanCommand();
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(std::move(argv));
}

}  // namespace capstan::cli_testing

#endif  // CAPSTAN_TESTS_CLUSTER_CLI_TEST_UTIL_H_
