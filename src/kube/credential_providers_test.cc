// Copyright 2026 The capstan Authors.

#include "kube/credential_providers.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/json.h"
#include "kube/kubeconfig.h"

namespace capstan::kube {
namespace {

namespace fs = std::filesystem;
using base::Json;
using base::StatusCode;
using std::chrono::system_clock;

constexpr char kExecToken[] = "exec-token-0123456789";

// A temp dir holding a shell-script exec plugin. The plugin counts its runs in <dir>/count, saves
// KUBERNETES_EXEC_INFO, its arguments and $GREETING, and prints <dir>/response.json; when
// <dir>/fail exists it prints a token to stdout, a message to stderr and exits 1.
class ExecPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan_exec_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ + "/bin");
    plugin_ = dir_ + "/bin/plugin.sh";
    Write(plugin_,
          "#!/bin/sh\n"
          "D='" + dir_ + "'\n"
          "echo run >> \"$D/count\"\n"
          "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$D/info.json\"\n"
          "printf '%s\\n' \"$@\" > \"$D/args\"\n"
          "printf '%s' \"$GREETING\" > \"$D/env\"\n"
          "if [ -f \"$D/fail\" ]; then\n"
          "  echo '{\"status\":{\"token\":\"" + std::string(kExecToken) + "\"}}'\n"
          "  echo 'error: token expired, run `login`' >&2\n"
          "  exit 1\n"
          "fi\n"
          "if [ -f \"$D/slow\" ]; then sleep 30; fi\n"
          "cat \"$D/response.json\"\n");
    fs::permissions(plugin_, fs::perms::owner_all);
    Respond(TokenResponse(""));
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }
  std::string Read(const std::string& rel) {
    std::ifstream in(dir_ + "/" + rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  int Runs() {
    std::string c = Read("count");
    return static_cast<int>(std::count(c.begin(), c.end(), '\n'));
  }
  void Respond(const Json& j) { Write(dir_ + "/response.json", j.dump()); }
  void Respond(const std::string& text) { Write(dir_ + "/response.json", text); }

  static Json TokenResponse(const std::string& expiration, const std::string& api = std::string(kExecApiV1)) {
    Json status = {{"token", kExecToken}};
    if (!expiration.empty()) status["expirationTimestamp"] = expiration;
    return {{"apiVersion", api}, {"kind", "ExecCredential"}, {"status", status}};
  }

  ExecPluginConfig Config() {
    ExecPluginConfig c;
    c.command = plugin_;
    return c;
  }

  void ExpectNoToken(const base::Status& s) {
    EXPECT_EQ(s.message().find(kExecToken), std::string::npos) << s.message();
  }

  std::string dir_;
  std::string plugin_;
};

TEST_F(ExecPluginTest, FromKubeconfigWithArgsEnvAndClusterInfo) {
  Json kc = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"current-context", "prod"},
      {"clusters", {{{"name", "prod"}, {"cluster", {{"server", "https://prod.example:6443"}}}}}},
      {"contexts", {{{"name", "prod"}, {"context", {{"cluster", "prod"}, {"user", "sso"}}}}}},
      {"users",
       {{{"name", "sso"},
         {"user",
          {{"exec",
            {{"apiVersion", kExecApiV1},
             {"command", "./bin/plugin.sh"},  // relative to the kubeconfig's directory
             {"args", {"get-token", "--cluster", "prod"}},
             {"env", {{{"name", "GREETING"}, {"value", "hello"}}}},
             {"provideClusterInfo", true},
             {"interactiveMode", "Never"}}}}}}}},
  };
  Write(dir_ + "/config", kc.dump());
  KubeconfigOptions o;
  o.paths = {dir_ + "/config"};
  auto cfg = LoadKubeconfig(o);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_NE(cfg->credentials, nullptr);
  EXPECT_EQ(Runs(), 0);  // nothing runs until a credential is needed

  auto cred = cfg->credentials->Get();
  ASSERT_TRUE(cred.ok()) << cred.status().ToString();
  EXPECT_EQ(cred->token, kExecToken);
  EXPECT_EQ(Runs(), 1);
  EXPECT_EQ(Read("args"), "get-token\n--cluster\nprod\n");
  EXPECT_EQ(Read("env"), "hello");
  auto info = base::ParseJson(Read("info.json"));
  ASSERT_TRUE(info.ok()) << Read("info.json");
  EXPECT_EQ((*info)["apiVersion"], kExecApiV1);
  EXPECT_EQ((*info)["kind"], "ExecCredential");
  EXPECT_EQ((*info)["spec"]["interactive"], false);
  EXPECT_EQ((*info)["spec"]["cluster"]["server"], "https://prod.example:6443");

  // Cached: no expiry means until invalidated.
  cred = cfg->credentials->Get();
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ(Runs(), 1);
  cfg->credentials->Invalidate();  // after a 401
  cred = cfg->credentials->Get();
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ(Runs(), 2);
}

TEST_F(ExecPluginTest, KubeconfigRejectsUnsupportedApiVersion) {
  Json kc = {{"current-context", "c"},
             {"clusters", {{{"name", "c"}, {"cluster", {{"server", "https://x"}}}}}},
             {"contexts", {{{"name", "c"}, {"context", {{"cluster", "c"}, {"user", "u"}}}}}},
             {"users", {{{"name", "u"}, {"user", {{"exec", {{"apiVersion", "client.authentication.k8s.io/v1alpha1"},
                                                          {"command", "plugin"}}}}}}}}};
  Write(dir_ + "/config", kc.dump());
  KubeconfigOptions o;
  o.paths = {dir_ + "/config"};
  auto cfg = LoadKubeconfig(o);
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cfg.status().message().find("users[u].exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" is not supported"),
            std::string::npos)
      << cfg.status().message();
}

TEST_F(ExecPluginTest, KubeconfigRefusesInteractiveAlways) {
  Json kc = {{"current-context", "c"},
             {"clusters", {{{"name", "c"}, {"cluster", {{"server", "https://x"}}}}}},
             {"contexts", {{{"name", "c"}, {"context", {{"cluster", "c"}, {"user", "u"}}}}}},
             {"users", {{{"name", "u"}, {"user", {{"exec", {{"apiVersion", kExecApiV1}, {"command", "plugin"},
                                                          {"interactiveMode", "Always"}}}}}}}}};
  Write(dir_ + "/config", kc.dump());
  KubeconfigOptions o;
  o.paths = {dir_ + "/config"};
  auto cfg = LoadKubeconfig(o);
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().message(), "kubeconfig " + dir_ + "/config: users[u].exec.interactiveMode: Always needs a "
                                    "terminal; capstan runs exec plugins without one");
}

TEST_F(ExecPluginTest, CachedUntilExpiry) {
  Respond(TokenResponse("2030-01-01T00:00:00Z"));
  system_clock::time_point now = system_clock::from_time_t(1893456000 - 3600);  // 2029-12-31T23:00Z
  ExecPluginConfig c = Config();
  c.now = [&now] { return now; };
  ExecCredentialProvider p(c);
  ASSERT_TRUE(p.Get().ok());
  ASSERT_TRUE(p.Get().ok());
  EXPECT_EQ(Runs(), 1);
  EXPECT_EQ(p.runs_for_testing(), 1);

  now = system_clock::from_time_t(1893456000 + 1);  // just past expiry
  auto cred = p.Get();
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ(cred->token, kExecToken);
  EXPECT_EQ(Runs(), 2);
}

TEST_F(ExecPluginTest, AlreadyExpiredCredentialRerunsEachTime) {
  Respond(TokenResponse("2001-01-01T00:00:00Z"));
  ExecCredentialProvider p(Config());
  ASSERT_TRUE(p.Get().ok());
  ASSERT_TRUE(p.Get().ok());
  ASSERT_TRUE(p.Get().ok());
  EXPECT_EQ(Runs(), 3);
}

TEST_F(ExecPluginTest, ClientCertificateCredential) {
  Respond(Json{{"apiVersion", kExecApiV1beta1},
               {"kind", "ExecCredential"},
               {"status", {{"clientCertificateData", "CERT PEM"}, {"clientKeyData", "KEY PEM"}}}});
  ExecPluginConfig c = Config();
  c.api_version = std::string(kExecApiV1beta1);
  ExecCredentialProvider p(c);
  auto cred = p.Get();
  ASSERT_TRUE(cred.ok()) << cred.status().ToString();
  EXPECT_EQ(cred->token, "");
  EXPECT_EQ(cred->client_cert_pem, "CERT PEM");
  EXPECT_EQ(cred->client_key_pem, "KEY PEM");
}

TEST_F(ExecPluginTest, FailingPluginShowsStderrNotStdout) {
  Write(dir_ + "/fail", "");
  ExecCredentialProvider p(Config());
  auto cred = p.Get();
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(cred.status().message(),
            "exec plugin \"" + plugin_ + "\": exit status 1: error: token expired, run `login`");
  ExpectNoToken(cred.status());

  // Not cached: the next call tries again, and succeeds once the plugin does.
  fs::remove(dir_ + "/fail");
  cred = p.Get();
  ASSERT_TRUE(cred.ok()) << cred.status().ToString();
  EXPECT_EQ(Runs(), 2);
}

TEST_F(ExecPluginTest, BadAnswers) {
  ExecCredentialProvider p(Config());

  Respond(TokenResponse("", std::string(kExecApiV1beta1)));
  auto cred = p.Get();
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cred.status().message(), "exec plugin \"" + plugin_ + "\": configured for API version " +
                                         std::string(kExecApiV1) + ", plugin returned version \"" +
                                         std::string(kExecApiV1beta1) + "\"");
  ExpectNoToken(cred.status());

  Respond(Json{{"apiVersion", kExecApiV1}, {"kind", "ExecCredential"}});
  cred = p.Get();
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.status().message(), "exec plugin \"" + plugin_ + "\": ExecCredential has no status");

  Respond(Json{{"apiVersion", kExecApiV1}, {"kind", "ExecCredential"}, {"status", Json::object()}});
  cred = p.Get();
  ASSERT_FALSE(cred.ok());
  EXPECT_NE(cred.status().message().find("neither token nor clientCertificateData"), std::string::npos);

  Respond(std::string("token: ") + kExecToken + " {");  // not JSON, and holds the token
  cred = p.Get();
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.status().code(), StatusCode::kInvalidArgument);
  ExpectNoToken(cred.status());

  Json bad_time = TokenResponse("tomorrow");
  Respond(bad_time);
  cred = p.Get();
  ASSERT_FALSE(cred.ok());
  EXPECT_NE(cred.status().message().find("status.expirationTimestamp"), std::string::npos);
  ExpectNoToken(cred.status());
}

TEST_F(ExecPluginTest, MissingCommandShowsInstallHint) {
  ExecPluginConfig c;
  c.command = "capstan-no-such-credential-plugin";
  c.install_hint = "install it with: brew install capstan-login";
  ExecCredentialProvider p(c);
  auto cred = p.Get();
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cred.status().message(),
            "exec plugin \"capstan-no-such-credential-plugin\": executable file not found\n\n"
            "install it with: brew install capstan-login");
}

TEST_F(ExecPluginTest, TimeoutKillsThePlugin) {
  Write(dir_ + "/slow", "");
  ExecPluginConfig c = Config();
  c.timeout = std::chrono::milliseconds(300);
  ExecCredentialProvider p(c);
  auto start = std::chrono::steady_clock::now();
  auto cred = p.Get();
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.status().code(), StatusCode::kTimeout);
  EXPECT_EQ(cred.status().message(), "exec plugin \"" + plugin_ + "\": timed out after 300ms");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(ExecPluginTest, ConcurrentCallersShareOneRun) {
  ExecCredentialProvider p(Config());
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto cred = p.Get();
      if (cred.ok() && cred->token == kExecToken) ++good;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 8);
  EXPECT_EQ(Runs(), 1);
}

}  // namespace
}  // namespace capstan::kube
