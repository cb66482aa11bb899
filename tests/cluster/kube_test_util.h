// Copyright 2026 The capstan Authors.
//
// Small helpers shared by the kube_*_test.cc cluster tests: object builders, running
// scripts/local-cluster, scratch directories and kubeconfig files written on the fly.
//
// Thread safety: helpers are thread-compatible.

#ifndef CAPSTAN_TESTS_CLUSTER_KUBE_TEST_UTIL_H_
#define CAPSTAN_TESTS_CLUSTER_KUBE_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/subprocess.h"
#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::testing {

inline const core::Gvk kConfigMap{"", "v1", "ConfigMap"};
inline const core::Gvk kSecret{"", "v1", "Secret"};
inline const core::Gvk kNamespace{"", "v1", "Namespace"};
inline const core::Gvk kDeployment{"apps", "v1", "Deployment"};
inline const core::Gvk kReplicaSet{"apps", "v1", "ReplicaSet"};
inline const core::Gvk kService{"", "v1", "Service"};
inline const core::Gvk kServiceAccount{"", "v1", "ServiceAccount"};
inline const core::Gvk kCrd{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};

inline base::Json ConfigMap(const std::string& ns, const std::string& name, base::Json data = base::Json::object(),
                            base::Json labels = base::Json::object()) {
  base::Json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"namespace", ns}}}, {"data", data}};
  if (!name.empty()) cm["metadata"]["name"] = name;
  if (!labels.empty()) cm["metadata"]["labels"] = labels;
  return cm;
}

// A Deployment of |replicas| pause containers (0 replicas still gets a ReplicaSet).
inline base::Json Deployment(const std::string& ns, const std::string& name, int replicas = 0) {
  return base::Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": ")" + name + R"(", "namespace": ")" + ns + R"("},
    "spec": {
      "replicas": )" + std::to_string(replicas) + R"(,
      "selector": {"matchLabels": {"app": ")" + name + R"("}},
      "template": {
        "metadata": {"labels": {"app": ")" + name + R"("}},
        "spec": {"containers": [{"name": "main", "image": "registry.k8s.io/pause:3.2"}]}
      }
    }
  })");
}

// The local cluster's name, from the kubeconfig path (~/.cache/capstan/clusters/<name>/kubeconfig).
inline std::string ClusterName(const std::string& kubeconfig_path) {
  return std::filesystem::path(kubeconfig_path).parent_path().filename().string();
}

inline std::string LocalClusterScript() { return std::string(CAPSTAN_SOURCE_DIR) + "/scripts/local-cluster"; }

// Runs scripts/local-cluster with |args|; returns its output (stdout then stderr). Fails the test when
// it exits non-zero.
inline std::string RunLocalCluster(const std::vector<std::string>& args,
                                   std::chrono::seconds timeout = std::chrono::seconds(180)) {
  base::SubprocessOptions o;
  o.argv = {LocalClusterScript()};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.timeout = timeout;
  auto r = base::RunSubprocess(o);
  std::string joined;
  for (const auto& a : args) joined += " " + a;
  if (!r.ok()) {
    ADD_FAILURE() << "local-cluster" << joined << ": " << r.status().ToString();
    return {};
  }
  EXPECT_TRUE(r->success()) << "local-cluster" << joined << ": " << r->Describe() << "\n" << r->stderr_text;
  return r->stdout_text + r->stderr_text;
}

// Polls |pred| every 50 ms until it holds or |timeout| passes (ClusterTest::WaitFor for plain tests).
inline bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// A scratch directory, removed with its content at scope end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "capstan-kube-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
    EXPECT_FALSE(path_.empty());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  // Writes |content| to |name| in the directory (mode 0600, or 0700 when |executable|); returns the path.
  std::string Write(const std::string& name, const std::string& content, bool executable = false) const {
    std::string p = path_ + "/" + name;
    {
      std::ofstream f(p);
      f << content;
    }
    std::filesystem::permissions(p, executable ? std::filesystem::perms::owner_all
                                               : std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return p;
  }

 private:
  std::string path_;
};

// A kubeconfig (JSON, which is YAML) with one context for |server| and the given cluster and user
// fields, and the context's |ns| if not empty.
inline std::string KubeconfigText(const std::string& server, base::Json cluster_extra, base::Json user,
                                  const std::string& ns = "") {
  base::Json cluster = cluster_extra.is_object() ? cluster_extra : base::Json::object();
  cluster["server"] = server;
  base::Json cfg = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters", {{{"name", "c"}, {"cluster", cluster}}}},
      {"users", {{{"name", "u"}, {"user", user}}}},
      {"contexts", {{{"name", "ctx"}, {"context", {{"cluster", "c"}, {"user", "u"}}}}}},
      {"current-context", "ctx"},
  };
  if (!ns.empty()) cfg["contexts"][0]["context"]["namespace"] = ns;
  return cfg.dump(2);
}

}  // namespace capstan::testing

#endif  // CAPSTAN_TESTS_CLUSTER_KUBE_TEST_UTIL_H_
