// Copyright 2026 The capstan Authors.
//
// Credentials and kubeconfig forms against the local control plane, each loaded through
// kube::LoadKubeconfig (or LoadInCluster): client certificates (data and files), bearer tokens (a
// ServiceAccount's, revoked; a garbage one), tokenFile, an exec credential plugin (refreshed after a
// 401), contexts and namespaces, several files merged, TLS verification and tls-server-name.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/base64.h"
#include "base/json.h"
#include "kube/api_error.h"
#include "kube/kubeconfig.h"
#include "kube/rest_client.h"
#include "kube_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan::testing {
namespace {

using base::Json;
using base::StatusCode;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

class KubeAuthTest : public ClusterTest {
 protected:
  // The admin config of the test cluster (server, CA, token).
  void SetUp() override {
    ClusterTest::SetUp();
    admin_ = TestRestConfig();
    cluster_dir_ = std::filesystem::path(TestKubeconfigPath()).parent_path().string();
  }

  // A client from kubeconfig |text| (written to a file) loaded the way kubectl would.
  base::Result<std::unique_ptr<kube::RestClient>> ClientFrom(const std::string& text, kube::KubeconfigOptions opts = {}) {
    std::string path = dir_.Write("kubeconfig-" + std::to_string(++files_), text);
    if (opts.paths.empty()) opts.paths = {path};
    auto config = kube::LoadKubeconfig(opts);
    if (!config.ok()) return config.status();
    return kube::RestClient::Create(*config);
  }

  Json CaData() const { return {{"certificate-authority-data", base::Base64Encode(admin_.ca_pem)}}; }

  // OK when |c| can read this test's namespace.
  base::Status CanRead(kube::Client& c) { return c.Get(kNamespace, "", ns()).status(); }

  kube::RestConfig admin_;
  std::string cluster_dir_;
  TempDir dir_;
  int files_ = 0;
};

TEST_F(KubeAuthTest, ClientCertificateKubeconfigWorks) {
  kube::KubeconfigOptions opts;
  opts.paths = {cluster_dir_ + "/kubeconfig-cert"};
  auto config = kube::LoadKubeconfig(opts);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->bearer_token.empty());
  EXPECT_FALSE(config->client_cert_pem.empty());
  auto c = kube::RestClient::Create(*config);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(CanRead(**c).ok()) << CanRead(**c).ToString();
  EXPECT_TRUE((*c)->Create(ConfigMap(ns(), "by-cert"), {}).ok());

  // The same certificate, key and CA named as files.
  Json user = {{"client-certificate", cluster_dir_ + "/admin.crt"}, {"client-key", cluster_dir_ + "/admin.key"}};
  Json cluster = {{"certificate-authority", cluster_dir_ + "/ca.crt"}};
  auto from_files = ClientFrom(KubeconfigText(admin_.server, cluster, user));
  ASSERT_TRUE(from_files.ok()) << from_files.status().ToString();
  EXPECT_TRUE(CanRead(**from_files).ok()) << CanRead(**from_files).ToString();
}

// The token of |sa|'s token Secret (made by 1.20's token controller), or "" after 30 s.
std::string WaitForSaToken(kube::Client& c, const std::string& ns, const std::string& sa, std::string* secret_name) {
  std::string token;
  WaitUntil([&] {
    kube::ListOptions lo;
    lo.field_selector = "type=kubernetes.io/service-account-token";
    auto list = c.List(kSecret, ns, lo);
    if (!list.ok()) return false;
    for (const Json& s : list->items) {
      if (s["metadata"].contains("annotations") &&
          base::GetString(s["metadata"]["annotations"], "kubernetes.io/service-account.name") == sa) {
        auto decoded = base::Base64Decode(base::GetStringAt(s, "data/token"));
        if (!decoded.ok() || decoded->empty()) return false;
        token = *decoded;
        *secret_name = base::GetStringAt(s, "metadata/name");
        return true;
      }
    }
    return false;
  }, 30s);
  return token;
}

TEST_F(KubeAuthTest, ServiceAccountTokenWorksUntilItsSecretIsDeleted) {
  Json sa = {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "robot"}, {"namespace", ns()}}}};
  ASSERT_TRUE(client().Create(sa, {}).ok());
  Json binding = Json::parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
      "metadata":{"name":"robot-view","namespace":")" + ns() + R"("},
      "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
      "subjects":[{"kind":"ServiceAccount","name":"robot","namespace":")" + ns() + R"("}]})");
  ASSERT_TRUE(client().Create(binding, {}).ok());
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "visible"), {}).ok());
  std::string secret_name;
  std::string token = WaitForSaToken(client(), ns(), "robot", &secret_name);
  ASSERT_FALSE(token.empty()) << "the token controller made no token Secret for the ServiceAccount";

  auto robot = ClientFrom(KubeconfigText(admin_.server, CaData(), {{"token", token}}, ns()));
  ASSERT_TRUE(robot.ok()) << robot.status().ToString();
  kube::Client& r = **robot;
  // It reads what "view" allows, in the context's namespace ("" = the context's for namespaced kinds).
  EXPECT_TRUE(WaitUntil([&] { return r.Get(kConfigMap, "", "visible").ok(); }, 10s))
      << r.Get(kConfigMap, "", "visible").status().ToString();
  // ...and nothing more.
  auto forbidden = r.Create(ConfigMap(ns(), "not-allowed"), {});
  EXPECT_EQ(forbidden.status().code(), StatusCode::kPermissionDenied) << forbidden.status().ToString();
  EXPECT_THAT(forbidden.status().message(), HasSubstr("system:serviceaccount:" + ns() + ":robot"));

  // Revoke: delete the token Secret. The API server stops accepting the token.
  ASSERT_TRUE(client().Delete(kSecret, ns(), secret_name, {}).ok());
  base::Status after;
  EXPECT_TRUE(WaitUntil([&] {
    after = r.Get(kConfigMap, "", "visible").status();
    return after.code() == StatusCode::kUnauthenticated;
  }, 20s)) << after.ToString();
  EXPECT_THAT(after.message(), HasSubstr("ConfigMap " + ns() + "/visible: Unauthorized"));
  EXPECT_THAT(after.message(), HasSubstr("rejected the bearer token"));
  EXPECT_THAT(after.message(), HasSubstr("invalid, expired or revoked"));
  EXPECT_THAT(after.message(), Not(HasSubstr(token)));
}

TEST_F(KubeAuthTest, GarbageTokenIsUnauthenticated) {
  auto c = ClientFrom(KubeconfigText(admin_.server, CaData(), {{"token", "garbage-token-4711"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  base::Status s = CanRead(**c);
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("Unauthorized"));
  EXPECT_THAT(s.message(), Not(HasSubstr("garbage-token-4711")));
  ASSERT_NE(kube::ApiErrorOf(s), nullptr);
  EXPECT_EQ(kube::ApiErrorOf(s)->code, 401);
  // No credentials at all: the anonymous user is refused too.
  auto anon = ClientFrom(KubeconfigText(admin_.server, CaData(), Json::object()));
  ASSERT_TRUE(anon.ok());
  base::Status a = CanRead(**anon);
  EXPECT_TRUE(a.code() == StatusCode::kUnauthenticated || a.code() == StatusCode::kPermissionDenied) << a.ToString();
}

TEST_F(KubeAuthTest, TokenFileIsRead) {
  std::string token_file = dir_.Write("token", admin_.bearer_token + "\n");
  auto c = ClientFrom(KubeconfigText(admin_.server, CaData(), {{"tokenFile", token_file}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(CanRead(**c).ok()) << CanRead(**c).ToString();
}

TEST_F(KubeAuthTest, ExecPluginCredentialsAreUsedAndRefreshedAfterA401) {
  // The plugin prints a wrong token the first time and the admin token after: the client must ask it
  // again after the 401. The token sits in a file of the scratch directory, not in the script.
  dir_.Write("admin-token", admin_.bearer_token);
  std::string d = dir_.path();
  std::string script = dir_.Write("plugin.sh", R"(#!/bin/sh
n=$(cat ")" + d + R"(/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > ")" + d + R"(/count"
if [ "$n" -eq 1 ]; then tok=stale-token; else tok=$(cat ")" + d + R"(/admin-token"); fi
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}' "$tok"
)", /*executable=*/true);
  Json user = {{"exec", {{"apiVersion", "client.authentication.k8s.io/v1beta1"}, {"command", script}}}};
  auto c = ClientFrom(KubeconfigText(admin_.server, CaData(), user));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(CanRead(**c).ok()) << CanRead(**c).ToString();
  EXPECT_TRUE((*c)->Create(ConfigMap(ns(), "by-plugin"), {}).ok());
  std::ifstream count(d + "/count");
  int n = 0;
  count >> n;
  EXPECT_EQ(n, 2);  // once, then once more after the 401; cached since
  EXPECT_GE((*c)->stats().retries, 1);
}

TEST_F(KubeAuthTest, TlsIsVerifiedAgainstTheCaAndServerName) {
  Json token = {{"token", admin_.bearer_token}};
  // The serving certificate names 127.0.0.1 and localhost.
  Json named = CaData();
  named["tls-server-name"] = "localhost";
  auto ok = ClientFrom(KubeconfigText(admin_.server, named, token));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(CanRead(**ok).ok()) << CanRead(**ok).ToString();

  Json wrong = CaData();
  wrong["tls-server-name"] = "not-the-apiserver.example";
  auto bad = ClientFrom(KubeconfigText(admin_.server, wrong, token));
  ASSERT_TRUE(bad.ok());
  base::Status s = CanRead(**bad);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("not verified"));

  // Without the cluster's CA the system bundle does not vouch for it: verification is on by default.
  auto no_ca = ClientFrom(KubeconfigText(admin_.server, Json::object(), token));
  ASSERT_TRUE(no_ca.ok());
  EXPECT_EQ(CanRead(**no_ca).code(), StatusCode::kUnavailable);
  // insecure-skip-tls-verify is the explicit way out.
  auto insecure = ClientFrom(KubeconfigText(admin_.server, {{"insecure-skip-tls-verify", true}}, token));
  ASSERT_TRUE(insecure.ok()) << insecure.status().ToString();
  EXPECT_TRUE(CanRead(**insecure).ok()) << CanRead(**insecure).ToString();
}

TEST_F(KubeAuthTest, ContextsNamespacesAndSeveralFiles) {
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "here", {{"v", "1"}}), {}).ok());
  // File 1: only contexts; the current one is broken, "good" uses this test's namespace.
  Json contexts = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"contexts",
       {{{"name", "broken"}, {"context", {{"cluster", "nowhere"}, {"user", "admin"}}}},
        {{"name", "good"}, {"context", {{"cluster", "local"}, {"user", "admin"}, {"namespace", ns()}}}}}},
      {"current-context", "broken"},
  };
  // File 2: clusters and users.
  Json creds = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters",
       {{{"name", "local"}, {"cluster", {{"server", admin_.server}, {"certificate-authority-data", base::Base64Encode(admin_.ca_pem)}}}},
        {{"name", "nowhere"}, {"cluster", {{"server", "https://127.0.0.1:1"}}}}}},
      {"users", {{{"name", "admin"}, {"user", {{"token", admin_.bearer_token}}}}}},
  };
  kube::KubeconfigOptions opts;
  opts.paths = {dir_.Write("contexts", contexts.dump()), dir_.Write("creds", creds.dump())};
  opts.context = "good";
  auto config = kube::LoadKubeconfig(opts);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->default_namespace, ns());
  auto c = kube::RestClient::Create(*config);
  ASSERT_TRUE(c.ok());
  // "" = the context's namespace for a namespaced kind.
  auto got = (*c)->Get(kConfigMap, "", "here");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(base::GetStringAt(*got, "data/v"), "1");
  auto created = (*c)->Create(ConfigMap("", "placed"), {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(base::GetStringAt(*created, "metadata/namespace"), ns());

  // The current context (file 1) points nowhere: a connection error naming the URL.
  kube::KubeconfigOptions current;
  current.paths = opts.paths;
  auto broken = kube::LoadKubeconfig(current);
  ASSERT_TRUE(broken.ok()) << broken.status().ToString();
  broken->connect_timeout_seconds = 2;
  auto bc = kube::RestClient::Create(*broken);
  ASSERT_TRUE(bc.ok());
  base::Status s = (*bc)->Get(kNamespace, "", ns()).status();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("https://127.0.0.1:1/api/v1"));
}

TEST_F(KubeAuthTest, InClusterConfigFromAServiceAccountDirectory) {
  TempDir sa_dir;
  sa_dir.Write("token", admin_.bearer_token);
  sa_dir.Write("ca.crt", admin_.ca_pem);
  sa_dir.Write("namespace", ns());
  kube::InClusterOptions opts;
  opts.secrets_dir = sa_dir.path();
  std::string hostport = admin_.server.substr(std::string("https://").size());
  opts.host = hostport.substr(0, hostport.rfind(':'));
  opts.port = hostport.substr(hostport.rfind(':') + 1);
  auto config = kube::LoadInCluster(opts);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->default_namespace, ns());
  auto c = kube::RestClient::Create(*config);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(CanRead(**c).ok()) << CanRead(**c).ToString();
}

}  // namespace
}  // namespace capstan::testing
