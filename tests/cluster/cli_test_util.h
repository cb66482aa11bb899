// Copyright 2026 The capstan Authors.
//
// Running commands from cluster tests: git (with a fixed identity) and the capstan binary against
// the test cluster.
//
// Thread safety: thread-compatible.

#ifndef CAPSTAN_TESTS_CLUSTER_CLI_TEST_UTIL_H_
#define CAPSTAN_TESTS_CLUSTER_CLI_TEST_UTIL_H_

#include <gtest/gtest.h>

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

// Runs the capstan binary of this build with --kubeconfig of the test cluster.
inline base::SubprocessResult Capstan(std::vector<std::string> args) {
  args.insert(args.begin(), {std::string(CAPSTAN_BINARY_DIR) + "/capstan", "--kubeconfig", testing::TestKubeconfigPath()});
  return Run(std::move(args));
}

}  // namespace capstan::cli_testing

#endif  // CAPSTAN_TESTS_CLUSTER_CLI_TEST_UTIL_H_
