// Copyright 2026 The capstan Authors.
//
// ClusterTest: the GoogleTest fixture of every `cluster`-labelled test. It connects to the local
// control plane named by $CAPSTAN_TEST_KUBECONFIG (DESIGN §8.8) — failing, never skipping, when it is
// unset or the cluster does not answer — and gives each test a namespace of its own
// ("t-<test-name>-<random>"), deleted after the test without waiting for it to go.
//
// Thread safety: as GoogleTest fixtures (one test at a time per process).

#ifndef CAPSTAN_TESTING_CLUSTER_FIXTURE_H_
#define CAPSTAN_TESTING_CLUSTER_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "kube/rest_client.h"
#include "kube/rest_config.h"

namespace capstan::testing {

// The kubeconfig path of the test cluster; fails the test when unset.
std::string TestKubeconfigPath();

// A RestConfig for the test cluster (the kubeconfig's current context).
kube::RestConfig TestRestConfig();

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  kube::RestClient& client() { return *client_; }
  // This test's namespace, created in SetUp.
  const std::string& ns() const { return ns_; }

  // Polls |pred| every 50 ms until it returns true or |timeout| passes; returns the last result.
  static bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

 private:
  std::unique_ptr<kube::RestClient> client_;
  std::string ns_;
};

}  // namespace capstan::testing

#endif  // CAPSTAN_TESTING_CLUSTER_FIXTURE_H_
