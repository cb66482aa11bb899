// Copyright 2026 The capstan Authors.
//
// deploy/ on the local control plane. The controller runs as deploy/ installs it: under the
// ServiceAccount capstan:capstan-controller with only the permissions of deploy/rbac.yaml — a token
// from the TokenRequest API in a kubeconfig of its own (mode 0600; the token is never printed). An
// automated app whose destination namespace has the RoleBinding to capstan-deployer syncs; one whose
// destination has none ends its sync with the API server's Forbidden message and creates nothing.
// Meanwhile /metrics (the port from the controller's log line) counts the sync, the API requests and
// the reconciles, and /healthz answers 200 "ok". Every file of deploy/ passes a server-side dry-run,
// and deploy/install.yaml is exactly `capstan install --print` (scripts/gen-deploy).
//
// Thread safety: GoogleTest fixtures.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "base/base64.h"
#include "base/json.h"
#include "base/yaml.h"
#include "cli_test_util.h"
#include "controller_daemon.h"
#include "kube/http_transport.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using std::chrono::seconds;

const core::Gvk kApplication{"argoproj.io", "v1alpha1", "Application"};
const core::Gvk kNamespace{"", "v1", "Namespace"};
const core::Gvk kConfigMap{"", "v1", "ConfigMap"};
const core::Gvk kRoleBinding{"rbac.authorization.k8s.io", "v1", "RoleBinding"};
const char kServiceAccountUser[] = "system:serviceaccount:capstan:capstan-controller";

std::string DeployDir() { return std::string(CAPSTAN_SOURCE_DIR) + "/deploy"; }

// The objects of the YAML file deploy/|file|.
std::vector<base::Json> DeployObjects(const std::string& file) {
  std::string path = DeployDir() + "/" + file;
  auto docs = base::ParseYamlStream(source_testing::ReadFile(path), path);
  EXPECT_TRUE(docs.ok()) << docs.status().ToString();
  std::vector<base::Json> out;
  if (!docs.ok()) return out;
  for (auto& d : *docs) {
    if (d.value.is_object() && !d.value.empty()) out.push_back(d.value);
  }
  return out;
}

// GET http://<address><path> with capstan's own transport: the status and the body.
std::pair<long, std::string> HttpGet(const std::string& address, const std::string& path) {
  kube::RestConfig c;
  c.server = "http://" + address;
  c.qps = 0;
  auto t = kube::HttpTransport::Create(c);
  if (!t.ok()) return {0, t.status().ToString()};
  kube::HttpRequest req;
  req.path_and_query = path;
  req.accept = "*/*";
  auto resp = (*t)->Do(req);
  if (!resp.ok()) return {0, resp.status().ToString()};
  return {resp->code, resp->body};
}

// The value of the sample line that starts with |series| ("name{labels}") in |text|, if any.
std::optional<double> Sample(const std::string& text, const std::string& series) {
  size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      size_t end = text.find('\n', at);
      return std::stod(text.substr(at + series.size() + 1, end - at - series.size() - 1));
    }
    ++at;
  }
  return std::nullopt;
}

// The sum of every sample of the family |name| (lines "name{...} v" or "name v").
double FamilySum(const std::string& text, const std::string& name) {
  double sum = 0;
  std::regex line("^" + name + "(\\{[^}]*\\})? ([0-9.e+]+)$", std::regex::multiline);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator(); ++it) {
    sum += std::stod((*it)[2].str());
  }
  return sum;
}

class DeployTest : public testing::ClusterTest {
 protected:
  void SetUp() override {
    testing::ClusterTest::SetUp();
    cli_testing::EnsureInstalled();  // the CRDs and the namespace capstan
    repo_.emplace(scratch_.path(), "apps");
  }
  void TearDown() override {
    controller_.Stop();
    for (const std::string& n : namespaces_) (void)client().Delete(kNamespace, "", n, {});
    testing::ClusterTest::TearDown();
  }

  // Server-side applies every object of deploy/|file| (dry-run when asked). Objects of the
  // namespace "guestbook" (the example binding) go to |example_ns| instead.
  void ApplyDeployFile(const std::string& file, bool dry_run, const std::string& example_ns = "") {
    std::vector<base::Json> objects = DeployObjects(file);
    ASSERT_FALSE(objects.empty()) << file;
    for (base::Json obj : objects) {
      if (base::GetStringAt(obj, "metadata/namespace") == "guestbook") obj["metadata"]["namespace"] = example_ns;
      auto applied = client().Apply(obj, {.dry_run = dry_run, .field_manager = "deploy-test", .force = true});
      EXPECT_TRUE(applied.ok()) << file << ": " << applied.status().ToString();
    }
  }

  // The namespace "deploy-<this test's random part>-<suffix>" (the test's name would be too long).
  std::string NewNamespace(const std::string& suffix) {
    std::string name = "deploy-" + ns().substr(ns().rfind('-') + 1) + "-" + suffix;
    auto created = client().Create({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}}, {});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    namespaces_.push_back(name);
    return name;
  }

  // The ServiceAccount, its permissions, and a kubeconfig with a fresh token for it (mode 0600).
  std::string ServiceAccountKubeconfig() {
    for (const base::Json& obj : DeployObjects("controller.yaml")) {
      if (base::GetString(obj, "kind") != "ServiceAccount") continue;
      auto applied = client().Apply(obj, {.field_manager = "deploy-test", .force = true});
      EXPECT_TRUE(applied.ok()) << applied.status().ToString();
    }
    ApplyDeployFile("rbac.yaml", false);
    kube::RestConfig admin = testing::TestRestConfig();
    auto transport = kube::HttpTransport::Create(admin);
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    if (!transport.ok()) return "";
    kube::HttpRequest req;
    req.method = "POST";
    req.idempotent = false;
    req.path_and_query = "/api/v1/namespaces/capstan/serviceaccounts/capstan-controller/token";
    req.content_type = "application/json";
    req.body = base::Json({{"apiVersion", "authentication.k8s.io/v1"},
                           {"kind", "TokenRequest"},
                           {"spec", {{"expirationSeconds", 3600}}}})
                   .dump();
    auto resp = (*transport)->Do(req);
    EXPECT_TRUE(resp.ok() && resp->code == 201) << "TokenRequest: "
                                                 << (resp.ok() ? std::to_string(resp->code) : resp.status().ToString());
    if (!resp.ok() || resp->code != 201) return "";
    std::string token = base::GetStringAt(base::Json::parse(resp->body), "status/token");
    EXPECT_FALSE(token.empty()) << "TokenRequest answered without status.token";
    base::Json cluster = {{"server", admin.server}};
    if (!admin.ca_pem.empty()) cluster["certificate-authority-data"] = base::Base64Encode(admin.ca_pem);
    if (!admin.tls_server_name.empty()) cluster["tls-server-name"] = admin.tls_server_name;
    base::Json config = {
        {"apiVersion", "v1"},
        {"kind", "Config"},
        {"clusters", {{{"name", "test"}, {"cluster", cluster}}}},
        {"users", {{{"name", "capstan-controller"}, {"user", {{"token", token}}}}}},
        {"contexts", {{{"name", "sa"}, {"context", {{"cluster", "test"}, {"user", "capstan-controller"}}}}}},
        {"current-context", "sa"}};
    std::string path = scratch_.path() + "/sa-kubeconfig";
    {
      std::ofstream out(path);
      out << config.dump();  // JSON is YAML
    }
    ::chmod(path.c_str(), 0600);
    return path;
  }

  // Starts `capstan controller` with |kubeconfig| for this test's namespace and an endpoint on a
  // free port; returns the endpoint's host:port from the log line.
  std::string StartController(const std::string& kubeconfig) {
    EXPECT_TRUE(cli_testing::StartController(controller_, {.ns = ns(),
                                                           .cache_dir = scratch_.path() + "/cache",
                                                           .log = scratch_.path() + "/controller.log",
                                                           .kubeconfig = kubeconfig}));
    std::smatch m;
    std::string log = Log();
    std::regex bound("metrics and health on http://([0-9.]+:[0-9]+)");
    EXPECT_TRUE(std::regex_search(log, m, bound)) << "no endpoint line in the log:\n" << log;
    return m.empty() ? "" : m[1].str();
  }

  void CreateApp(const std::string& name, const std::string& path, const std::string& dest_ns) {
    base::Json app = {{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "Application"},
                      {"metadata", {{"name", name}, {"namespace", ns()}}},
                      {"spec",
                       {{"project", "default"},
                        {"source", {{"repoURL", repo_->bare()}, {"path", path}, {"targetRevision", "main"}}},
                        {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", dest_ns}}},
                        // One retry, soon: the denied app's operation ends within the test's wait.
                        {"syncPolicy",
                         {{"automated", base::Json::object()},
                          {"retry", {{"limit", 1}, {"backoff", {{"duration", "1s"}, {"factor", 1}}}}}}}}}};
    auto created = client().Create(app, {});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }

  base::Json App(const std::string& name) {
    auto a = client().Get(kApplication, ns(), name);
    return a.ok() ? *a : base::Json();
  }
  std::string Log() const { return source_testing::ReadFile(scratch_.path() + "/controller.log"); }

  // Waits until the operation of |name| ended (no .operation, a final phase); returns the app.
  base::Json WaitOperationEnded(const std::string& name) {
    base::Json app;
    bool ended = WaitFor(
        [&] {
          app = App(name);
          std::string phase = base::GetStringAt(app, "status/operationState/phase");
          return !app.contains("operation") && (phase == "Succeeded" || phase == "Failed" || phase == "Error");
        },
        std::chrono::seconds(90));
    EXPECT_TRUE(ended) << name << " did not finish an operation: " << app["status"].dump() << "\ncontroller log:\n"
                       << Log();
    return app;
  }

  source_testing::ScratchDir scratch_;
  std::optional<source_testing::RepoFixture> repo_;
  source_testing::Daemon controller_;
  std::vector<std::string> namespaces_;
};

TEST_F(DeployTest, ServiceAccountControllerSyncsBoundNamespacesOnlyAndServesMetrics) {
  repo_->Write("allowed/cm.yaml", source_testing::ConfigMapYaml("allowed-config"));
  repo_->Write("denied/cm.yaml", source_testing::ConfigMapYaml("denied-config"));
  repo_->CommitAndPush("two apps");
  const std::string allowed = NewNamespace("allowed");
  const std::string denied = NewNamespace("denied");
  ApplyDeployFile("deployer-binding-example.yaml", false, allowed);
  std::string kubeconfig = ServiceAccountKubeconfig();
  ASSERT_FALSE(kubeconfig.empty());
  struct stat st {};
  ASSERT_EQ(::stat(kubeconfig.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const std::string endpoint = StartController(kubeconfig);
  ASSERT_FALSE(endpoint.empty());
  auto [health_code, health_body] = HttpGet(endpoint, "/healthz");
  EXPECT_EQ(health_code, 200);
  EXPECT_EQ(health_body, "ok");
  auto [code0, before] = HttpGet(endpoint, "/metrics");
  ASSERT_EQ(code0, 200) << before;
  const std::string ok_series =
      "capstan_app_sync_total{namespace=\"" + ns() + "\",name=\"ok\",phase=\"Succeeded\"}";
  EXPECT_EQ(Sample(before, ok_series), std::nullopt) << before;
  const double requests_before = FamilySum(before, "capstan_kube_api_requests_total");
  EXPECT_GT(requests_before, 0) << before;

  CreateApp("ok", "allowed", allowed);
  CreateApp("no", "denied", denied);

  base::Json ok = WaitOperationEnded("ok");
  EXPECT_EQ(base::GetStringAt(ok, "status/operationState/phase"), "Succeeded") << ok["status"].dump();
  EXPECT_TRUE(WaitFor(
      [&] {
        ok = App("ok");
        return base::GetStringAt(ok, "status/sync/status") == "Synced" &&
               base::GetStringAt(ok, "status/health/status") == "Healthy";
      },
      std::chrono::seconds(30)))
      << ok["status"].dump();
  EXPECT_TRUE(client().Get(kConfigMap, allowed, "allowed-config").ok());

  base::Json no = WaitOperationEnded("no");
  const base::Json& state = no["status"]["operationState"];
  EXPECT_NE(base::GetString(state, "phase"), "Succeeded") << state.dump();
  std::cout << "[deploy_test] denied app: phase " << base::GetString(state, "phase") << ", message: "
            << base::GetString(state, "message") << "; resource: "
            << state.value("syncResult", base::Json::object())
                   .value("resources", base::Json::array({base::Json::object()}))[0]
                   .value("message", "") << "\n";
  EXPECT_THAT(state.dump(), HasSubstr("is forbidden: User \\\"" + std::string(kServiceAccountUser) + "\\\" cannot"));
  EXPECT_THAT(state.dump(), HasSubstr("in the namespace \\\"" + denied + "\\\""));
  auto denied_cm = client().Get(kConfigMap, denied, "denied-config");
  EXPECT_TRUE(denied_cm.status().IsNotFound()) << denied_cm.status().ToString();
  EXPECT_THAT(Log(), Not(HasSubstr("token: ")));

  auto [code1, after] = HttpGet(endpoint, "/metrics");
  ASSERT_EQ(code1, 200) << after;
  EXPECT_EQ(Sample(after, ok_series), 1) << after;
  EXPECT_GT(FamilySum(after, "capstan_kube_api_requests_total"), requests_before);
  EXPECT_GT(Sample(after, "capstan_app_reconcile_seconds_count").value_or(0), 0) << after;
  EXPECT_THAT(after, HasSubstr("# TYPE capstan_app_reconcile_seconds histogram\n"));
  EXPECT_THAT(after, HasSubstr("capstan_app_reconcile_seconds_bucket{le=\"+Inf\"} "));
  EXPECT_THAT(after, HasSubstr("capstan_workqueue_depth{queue=\"status\"} "));
  EXPECT_GT(Sample(after, "capstan_cluster_cache_objects").value_or(0), 0) << after;
  std::cout << "[deploy_test] metrics:\n";
  for (const std::string& series : {ok_series, std::string("capstan_app_reconcile_seconds_count")}) {
    std::cout << "  " << series << " " << Sample(after, series).value_or(-1) << "\n";
  }
  std::cout << "  capstan_kube_api_requests_total (all) " << requests_before << " -> "
            << FamilySum(after, "capstan_kube_api_requests_total") << "\n";
}

// A listening socket on 127.0.0.1 (a free port), closed on destruction.
class BusyPort {
 public:
  BusyPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
  }
  ~BusyPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(DeployTest, ControllerRunsWithoutTheEndpointWhenItsAddressIsTaken) {
  BusyPort busy;
  const std::string address = "127.0.0.1:" + std::to_string(busy.port());
  ASSERT_TRUE(cli_testing::StartController(
      controller_, {.ns = ns(), .cache_dir = scratch_.path() + "/cache", .log = scratch_.path() + "/controller.log",
                    .metrics_address = address}));
  EXPECT_THAT(Log(), HasSubstr("cannot listen on " + address + ": running without /metrics and /healthz"));
  EXPECT_THAT(Log(), Not(HasSubstr("metrics and health on")));
}

TEST_F(DeployTest, MalformedMetricsAddressIsRefused) {
  auto r = cli_testing::Capstan({"controller", "-n", ns(), "--metrics-address", "localhost:http"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.stderr_text, HasSubstr("--metrics-address \"localhost:http\": the port is not a number from 0 to 65535"));
}

TEST_F(DeployTest, EveryDeployFileAppliesWithServerSideDryRun) {
  for (const auto& entry : std::filesystem::directory_iterator(DeployDir())) {
    std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".yaml" || file == "kustomization.yaml") continue;
    SCOPED_TRACE(file);
    ApplyDeployFile(file, true, ns());
  }
  // kustomization.yaml lists every manifest but the example binding.
  std::string kustomization = source_testing::ReadFile(DeployDir() + "/kustomization.yaml");
  for (const char* file : {"install.yaml", "rbac.yaml", "controller.yaml"}) {
    EXPECT_THAT(kustomization, HasSubstr(std::string("- ") + file));
  }
}

TEST_F(DeployTest, InstallYamlIsCapstanInstallPrint) {
  auto printed = cli_testing::Capstan({"install", "--print"});
  ASSERT_EQ(printed.exit_code, 0) << printed.stderr_text;
  std::string file = source_testing::ReadFile(DeployDir() + "/install.yaml");
  std::string header = "# Generated by scripts/gen-deploy from `capstan install --print`: do not edit.\n";
  EXPECT_EQ(file, header + printed.stdout_text)
      << "deploy/install.yaml differs from `capstan install --print`: run scripts/gen-deploy";
}

}  // namespace
}  // namespace capstan
