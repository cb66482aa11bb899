// Copyright 2026 The capstan Authors.

#include "testing/cluster_fixture.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <random>
#include <thread>

#include "base/json.h"
#include "kube/kubeconfig.h"

namespace capstan::testing {

std::string TestKubeconfigPath() {
  const char* path = std::getenv("CAPSTAN_TEST_KUBECONFIG");
  if (path == nullptr || *path == '\0') {
    ADD_FAILURE() << "CAPSTAN_TEST_KUBECONFIG is not set: run cluster tests through scripts/test, or "
                     "export CAPSTAN_TEST_KUBECONFIG=$(scripts/local-cluster env | tail -n1)";
    return {};
  }
  return path;
}

kube::RestConfig TestRestConfig() {
  kube::KubeconfigOptions opts;
  opts.paths = {TestKubeconfigPath()};
  auto config = kube::LoadKubeconfig(opts);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return config.ok() ? *config : kube::RestConfig{};
}

void ClusterTest::SetUp() {
  auto client = kube::RestClient::Create(TestRestConfig());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  client_ = std::move(*client);

  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string base = std::string("t-") + info->name();
  std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) {
    return std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '-';
  });
  if (base.size() > 50) base.resize(50);
  std::random_device rd;
  ns_ = base + "-" + std::to_string(rd() % 100000);

  base::Json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns_}}}};
  auto created = client_->Create(ns, {});
  ASSERT_TRUE(created.ok()) << "creating test namespace: " << created.status().ToString();
}

void ClusterTest::TearDown() {
  if (client_ && !ns_.empty()) {
    // Never wait on namespace deletion (DESIGN §5): pods of a stopped node agent would block it.
    (void)client_->Delete(core::Gvk{"", "v1", "Namespace"}, "", ns_, {});
  }
}

bool ClusterTest::WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace capstan::testing
