// Copyright 2026 The capstan Authors.

#include "kube/kubeconfig.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "base/base64.h"
#include "base/json.h"
#include "kube/credential_providers.h"

namespace capstan::kube {
namespace {

namespace fs = std::filesystem;
using base::Json;
using base::StatusCode;

// Secret values that must never show up in an error message.
constexpr char kToken[] = "s3cr3t-token-value";
constexpr char kKeyPem[] = "-----BEGIN EC PRIVATE KEY-----\nSECRETKEYBYTES\n-----END EC PRIVATE KEY-----\n";
constexpr char kCertPem[] = "-----BEGIN CERTIFICATE-----\nCERTBYTES\n-----END CERTIFICATE-----\n";
constexpr char kCaPem[] = "-----BEGIN CERTIFICATE-----\nCABYTES\n-----END CERTIFICATE-----\n";

void ExpectNoSecrets(const std::string& msg) {
  EXPECT_EQ(msg.find(kToken), std::string::npos) << msg;
  EXPECT_EQ(msg.find("SECRETKEYBYTES"), std::string::npos) << msg;
  EXPECT_EQ(msg.find(base::Base64Encode(kKeyPem)), std::string::npos) << msg;
}

// Sets or unsets an environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan_kubeconfig_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes |text| to dir_/|rel| (creating directories) and returns the absolute path.
  std::string Write(const std::string& rel, const std::string& text) {
    fs::path p = fs::path(dir_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    return p.string();
  }
  std::string WriteJson(const std::string& rel, const Json& j) { return Write(rel, j.dump(2)); }
  std::string Read(const std::string& rel) {
    std::ifstream in(fs::path(dir_) / rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  base::Result<RestConfig> Load(std::vector<std::string> paths, std::string context = "", std::string ns = "") {
    KubeconfigOptions o;
    o.paths = std::move(paths);
    o.context = std::move(context);
    o.namespace_ = std::move(ns);
    return LoadKubeconfig(o);
  }

  std::string dir_;
};

Json Cluster(const std::string& name, Json body) { return {{"name", name}, {"cluster", std::move(body)}}; }
Json User(const std::string& name, Json body) { return {{"name", name}, {"user", std::move(body)}}; }
Json Context(const std::string& name, const std::string& cluster, const std::string& user, const std::string& ns = "") {
  Json c = {{"cluster", cluster}, {"user", user}};
  if (!ns.empty()) c["namespace"] = ns;
  return {{"name", name}, {"context", c}};
}

Json Config(Json clusters, Json users, Json contexts, const std::string& current = "") {
  Json j = {{"apiVersion", "v1"}, {"kind", "Config"}, {"clusters", clusters}, {"users", users}, {"contexts", contexts}};
  if (!current.empty()) j["current-context"] = current;
  return j;
}

TEST_F(KubeconfigTest, MergeTwoFilesFirstDefinitionWins) {
  std::string a = WriteJson("a/config", Config({Cluster("c1", {{"server", "https://a.example:6443"}})},
                                                {User("u1", {{"token", "token-a"}})},
                                                {Context("ctx-a", "c1", "u1", "team-a")}, "ctx-a"));
  std::string b = WriteJson("b/config", Config({Cluster("c1", {{"server", "https://b.example:6443"}}),
                                                 Cluster("c2", {{"server", "https://c2.example/"}})},
                                                {User("u1", {{"token", "token-b"}}), User("u2", {{"username", "bob"}, {"password", "pw"}})},
                                                {Context("ctx-a", "c2", "u2"), Context("ctx-b", "c2", "u2")}, "ctx-b"));
  auto cfg = Load({a, b});
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->context_name, "ctx-a");  // current-context from the first file that sets it
  EXPECT_EQ(cfg->server, "https://a.example:6443");
  EXPECT_EQ(cfg->bearer_token, "token-a");
  EXPECT_EQ(cfg->default_namespace, "team-a");

  // A context only the second file defines, pointing at a cluster only the second file defines.
  cfg = Load({a, b}, "ctx-b");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://c2.example");  // trailing slash dropped
  EXPECT_EQ(cfg->username, "bob");
  EXPECT_EQ(cfg->password, "pw");
  EXPECT_EQ(cfg->bearer_token, "");
  EXPECT_EQ(cfg->default_namespace, "default");

  // Reversed priority.
  cfg = Load({b, a});
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->context_name, "ctx-b");
  cfg = Load({b, a}, "ctx-a");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://c2.example");  // b's ctx-a wins now
}

TEST_F(KubeconfigTest, CurrentContextFromFirstFileThatSetsIt) {
  std::string a = WriteJson("a", Config({Cluster("c", {{"server", "https://a"}})}, Json::array(),
                                        {Context("x", "c", "")}));
  std::string b = WriteJson("b", Config(Json::array(), Json::array(), Json::array(), "x"));
  auto cfg = Load({a, b});
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->context_name, "x");
  EXPECT_EQ(cfg->server, "https://a");
}

TEST_F(KubeconfigTest, KubeconfigEnvListSkipsMissingFiles) {
  std::string a = WriteJson("a", Config({Cluster("c", {{"server", "https://from-env"}})}, Json::array(),
                                        {Context("x", "c", "")}, "x"));
  std::string list = dir_ + "/missing:" + a;
  ScopedEnv env("KUBECONFIG", list.c_str());
  auto cfg = LoadKubeconfig();
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://from-env");

  ScopedEnv env2("KUBECONFIG", (dir_ + "/missing").c_str());
  cfg = LoadKubeconfig();
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cfg.status().message().rfind("no kubeconfig: set KUBECONFIG or create ~/.kube/config", 0), 0u);
}

TEST_F(KubeconfigTest, HomeKubeConfigAndNoKubeconfig) {
  ScopedEnv no_env("KUBECONFIG", nullptr);
  ScopedEnv home("HOME", dir_.c_str());
  auto cfg = LoadKubeconfig();
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cfg.status().message(), "no kubeconfig: set KUBECONFIG or create ~/.kube/config");

  WriteJson(".kube/config", Config({Cluster("c", {{"server", "https://home"}})}, Json::array(),
                                   {Context("x", "c", "")}, "x"));
  cfg = LoadKubeconfig();
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://home");
}

TEST_F(KubeconfigTest, RelativePathsResolveAgainstTheDefiningFile) {
  Write("one/certs/ca.pem", kCaPem);
  Write("two/client.crt", kCertPem);
  Write("two/client.key", kKeyPem);
  Write("two/token", std::string(kToken) + "\n");
  std::string a = WriteJson("one/config", Config({Cluster("c", {{"server", "https://x"}, {"certificate-authority", "certs/ca.pem"}})},
                                                 Json::array(), {Context("ctx", "c", "u")}, "ctx"));
  std::string b = WriteJson("two/config", Config(Json::array(),
                                                 {User("u", {{"client-certificate", "client.crt"},
                                                             {"client-key", "./client.key"},
                                                             {"tokenFile", "token"}})},
                                                 Json::array()));
  auto cfg = Load({a, b});
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->ca_pem, kCaPem);
  EXPECT_EQ(cfg->client_cert_pem, kCertPem);
  EXPECT_EQ(cfg->client_key_pem, kKeyPem);
  ASSERT_NE(cfg->credentials, nullptr);
  auto cred = cfg->credentials->Get();
  ASSERT_TRUE(cred.ok()) << cred.status().ToString();
  EXPECT_EQ(cred->token, kToken);  // trimmed
}

TEST_F(KubeconfigTest, DataFieldsAreBase64AndWinOverFiles) {
  std::string a = WriteJson(
      "config",
      Config({Cluster("c", {{"server", "https://x"},
                            {"certificate-authority-data", base::Base64Encode(kCaPem)},
                            {"certificate-authority", "/nonexistent/ca.pem"},
                            {"tls-server-name", "kubernetes.default"}})},
             {User("u", {{"client-certificate-data", base::Base64Encode(kCertPem)},
                         {"client-key-data", base::Base64Encode(kKeyPem)},
                         {"token", kToken}})},
             {Context("ctx", "c", "u", "apps")}, "ctx"));
  auto cfg = Load({a});
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->ca_pem, kCaPem);
  EXPECT_EQ(cfg->client_cert_pem, kCertPem);
  EXPECT_EQ(cfg->client_key_pem, kKeyPem);
  EXPECT_EQ(cfg->bearer_token, kToken);
  EXPECT_EQ(cfg->tls_server_name, "kubernetes.default");
  EXPECT_FALSE(cfg->insecure_skip_tls_verify);
  EXPECT_EQ(cfg->credentials, nullptr);
}

TEST_F(KubeconfigTest, InsecureIsOffByDefault) {
  std::string a = WriteJson("config", Config({Cluster("safe", {{"server", "https://x"}}),
                                              Cluster("unsafe", {{"server", "https://y"}, {"insecure-skip-tls-verify", true}})},
                                             Json::array(), {Context("s", "safe", ""), Context("u", "unsafe", "")}, "s"));
  auto cfg = Load({a});
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_FALSE(cfg->insecure_skip_tls_verify);
  EXPECT_EQ(cfg->ca_pem, "");
  cfg = Load({a}, "u");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_TRUE(cfg->insecure_skip_tls_verify);
}

TEST_F(KubeconfigTest, NamespaceDefaultContextAndOverride) {
  std::string a = WriteJson("config", Config({Cluster("c", {{"server", "https://x"}})}, Json::array(),
                                             {Context("plain", "c", ""), Context("ns", "c", "", "team")}, "plain"));
  auto cfg = Load({a});
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->default_namespace, "default");
  cfg = Load({a}, "ns");
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->default_namespace, "team");
  cfg = Load({a}, "ns", "override");
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->default_namespace, "override");
}

TEST_F(KubeconfigTest, EmptyFileIsAnEmptyConfig) {
  std::string empty = Write("empty", "\n");
  std::string a = WriteJson("a", Config({Cluster("c", {{"server", "https://x"}})}, Json::array(),
                                        {Context("x", "c", "")}, "x"));
  auto cfg = Load({empty, a});
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://x");
}

TEST_F(KubeconfigTest, KubectlYaml) {
  Write("ca.crt", kCaPem);
  std::string path = Write("config",
                           "# written by kubectl\n"
                           "apiVersion: v1\n"
                           "kind: Config\n"
                           "preferences: {}\n"
                           "clusters:\n"
                           "- cluster:\n"
                           "    certificate-authority: ca.crt\n"
                           "    server: https://127.0.0.1:6443\n"
                           "  name: local\n"
                           "- cluster:\n"
                           "    insecure-skip-tls-verify: true\n"
                           "    server: https://10.0.0.1:443\n"
                           "  name: lab\n"
                           "contexts:\n"
                           "- context:\n"
                           "    cluster: local\n"
                           "    namespace: capstan\n"
                           "    user: admin\n"
                           "  name: local\n"
                           "- context: {cluster: lab, user: admin}\n"
                           "  name: lab\n"
                           "current-context: local\n"
                           "users:\n"
                           "- name: admin\n"
                           "  user:\n"
                           "    token: " + std::string(kToken) + "\n");
  auto cfg = Load({path});
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://127.0.0.1:6443");
  EXPECT_EQ(cfg->ca_pem, kCaPem);
  EXPECT_EQ(cfg->bearer_token, kToken);
  EXPECT_EQ(cfg->default_namespace, "capstan");
  EXPECT_FALSE(cfg->insecure_skip_tls_verify);
  cfg = Load({path}, "lab");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_TRUE(cfg->insecure_skip_tls_verify);

  // A kubeconfig with empty lists, as `kubectl config view` prints for a fresh file.
  std::string bare = Write("bare", "apiVersion: v1\nclusters: null\ncontexts: null\nusers: null\ncurrent-context: \"\"\n");
  cfg = Load({bare, path});
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->context_name, "local");

  // A syntax error names the file and the line.
  std::string broken = Write("broken", "users:\n- name: admin\n  user:\n    token: " + std::string(kToken) + "\n   bad: [\n");
  cfg = Load({broken});
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cfg.status().message().rfind("kubeconfig " + broken + ": ", 0), 0u) << cfg.status().message();
  EXPECT_NE(cfg.status().message().find("line"), std::string::npos) << cfg.status().message();
  ExpectNoSecrets(cfg.status().message());
}

TEST_F(KubeconfigTest, MissingContextClusterUserAndFileErrors) {
  Json users = {User("admin", {{"token", kToken}, {"client-certificate-data", base::Base64Encode(kCertPem)},
                               {"client-key", "k.pem"}}),
                User("ok", {{"token", kToken}})};
  std::string path = WriteJson("config", Config({Cluster("c", {{"server", "https://x"}})}, users,
                                                {Context("admin", "c", "admin"), Context("nouser", "c", "ghost"),
                                                 Context("nocluster", "gone", "ok")},
                                                "admin"));
  // The client key file is missing.
  auto cfg = Load({path});
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cfg.status().message(), "kubeconfig " + path + ": users[admin].client-key: open " + dir_ +
                                        "/k.pem: No such file or directory");
  ExpectNoSecrets(cfg.status().message());

  cfg = Load({path}, "foo");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cfg.status().message(), "kubeconfig " + path + ": context \"foo\" not found");

  cfg = Load({path}, "nouser");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cfg.status().message(), "kubeconfig " + path + ": contexts[nouser].user: user \"ghost\" not found");

  cfg = Load({path}, "nocluster");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().message(), "kubeconfig " + path + ": contexts[nocluster].cluster: cluster \"gone\" not found");
  ExpectNoSecrets(cfg.status().message());

  cfg = Load({dir_ + "/nope"});
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cfg.status().message(), "kubeconfig: open " + dir_ + "/nope: No such file or directory");
}

TEST_F(KubeconfigTest, BadValuesNameTheFieldNotTheValue) {
  std::string bad_key = std::string("!!") + kToken;  // not base64, and holds the secret
  std::string path = WriteJson(
      "config", Config({Cluster("c", {{"server", "https://x"}}), Cluster("noserver", Json::object())},
                       {User("u", {{"client-certificate-data", base::Base64Encode(kCertPem)}, {"client-key-data", bad_key}}),
                        User("half", {{"client-certificate-data", base::Base64Encode(kCertPem)}}),
                        User("legacy", {{"auth-provider", {{"name", "gcp"}}}})},
                       {Context("u", "c", "u"), Context("half", "c", "half"), Context("noserver", "noserver", ""),
                        Context("legacy", "c", "legacy")}));
  auto cfg = Load({path});
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().message(), "kubeconfig " + path + ": current-context is not set and no context was given");

  cfg = Load({path}, "u");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cfg.status().message().rfind("kubeconfig " + path + ": users[u].client-key-data: invalid base64", 0), 0u)
      << cfg.status().message();
  ExpectNoSecrets(cfg.status().message());

  cfg = Load({path}, "half");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().message().find("users[half].client-key: not set"), std::string::npos) << cfg.status().message();

  cfg = Load({path}, "noserver");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().message(), "kubeconfig " + path + ": clusters[noserver].server: not set");

  cfg = Load({path}, "legacy");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().message().find("users[legacy].auth-provider: not supported"), std::string::npos);

  std::string garbage = Write("garbage", std::string("{\"token\": \"") + kToken);
  cfg = Load({garbage});
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cfg.status().message().find(garbage), std::string::npos);
  ExpectNoSecrets(cfg.status().message());
}

TEST_F(KubeconfigTest, InClusterFromSecretsDir) {
  Write("sa/token", std::string(kToken) + "\n");
  Write("sa/ca.crt", kCaPem);
  Write("sa/namespace", "capstan\n");
  InClusterOptions o;
  o.secrets_dir = dir_ + "/sa";
  o.host = "10.96.0.1";
  o.port = "443";
  auto cfg = LoadInCluster(o);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://10.96.0.1:443");
  EXPECT_EQ(cfg->ca_pem, kCaPem);
  EXPECT_EQ(cfg->default_namespace, "capstan");
  EXPECT_FALSE(cfg->insecure_skip_tls_verify);
  ASSERT_NE(cfg->credentials, nullptr);
  auto cred = cfg->credentials->Get();
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ(cred->token, kToken);

  // The projected token rotates: the provider serves the new one.
  Write("sa/token.new", "rotated-token");
  fs::rename(dir_ + "/sa/token.new", dir_ + "/sa/token");
  cred = cfg->credentials->Get();
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ(cred->token, "rotated-token");

  o.host = "fd00::1";
  o.port = "6443";
  cfg = LoadInCluster(o);
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->server, "https://[fd00::1]:6443");
}

TEST_F(KubeconfigTest, InClusterFromEnvAndNotInCluster) {
  Write("sa/token", "t");
  InClusterOptions o;
  o.secrets_dir = dir_ + "/sa";
  {
    ScopedEnv host("KUBERNETES_SERVICE_HOST", nullptr);
    ScopedEnv port("KUBERNETES_SERVICE_PORT", nullptr);
    auto cfg = LoadInCluster(o);
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  }
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "kubernetes.default.svc");
  ScopedEnv port("KUBERNETES_SERVICE_PORT", "8443");
  auto cfg = LoadInCluster(o);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://kubernetes.default.svc:8443");
  EXPECT_EQ(cfg->default_namespace, "default");  // no namespace file
  EXPECT_EQ(cfg->ca_pem, "");

  o.secrets_dir = dir_ + "/none";
  cfg = LoadInCluster(o);
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  EXPECT_NE(cfg.status().message().find(dir_ + "/none/token"), std::string::npos) << cfg.status().message();
}

TEST_F(KubeconfigTest, LoadDefaultPrefersANamedKubeconfig) {
  std::string a = WriteJson("a", Config({Cluster("c", {{"server", "https://named"}})}, Json::array(),
                                        {Context("x", "c", "")}, "x"));
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.0.0.1");
  ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
  ScopedEnv kc("KUBECONFIG", a.c_str());
  auto cfg = LoadDefault();
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://named");
}

TEST_F(KubeconfigTest, TokenFileRotation) {
  std::string path = Write("token", "first");
  TokenFileProvider p(path);
  auto cred = p.Get();
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ(cred->token, "first");

  // Rewritten in place with the same size: the mtime tells.
  Write("token", "secnd");
  struct timespec times[2] = {{0, UTIME_OMIT}, {time(nullptr) + 10, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  cred = p.Get();
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ(cred->token, "secnd");

  // Replaced by rename (a new inode), as projected volumes do.
  Write("token.tmp", "  third\n");
  fs::rename(dir_ + "/token.tmp", path);
  cred = p.Get();
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ(cred->token, "third");

  Write("token", "");
  auto empty = p.Get();
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "token file " + path + " is empty");

  TokenFileProvider missing(dir_ + "/absent");
  auto m = missing.Get();
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(m.status().message(), "token file " + dir_ + "/absent: open: No such file or directory");
}

}  // namespace
}  // namespace capstan::kube
