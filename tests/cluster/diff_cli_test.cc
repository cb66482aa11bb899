// Copyright 2026 The capstan Authors.
//
// `capstan app diff` against the local control plane: a value the API server rewrites (cpu "0.5" is
// stored as "500m") is a difference client-side and none server-side; a real change shows in both;
// exit codes 0 (no difference) / 1 (differences); and a Secret's value is shown by none of app
// diff, app manifests, app get -o yaml, app plan, sync -o yaml.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/base64.h"
#include "base/subprocess.h"
#include "cli_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecretValue[] = "Qx7-diff-secret-Vulture-93";

class DiffCliTest : public testing::ClusterTest {
 protected:
  static base::SubprocessResult Run(std::vector<std::string> argv) { return cli_testing::Run(std::move(argv)); }
  static base::SubprocessResult Capstan(std::vector<std::string> args) { return cli_testing::Capstan(std::move(args)); }
  std::string Repo() { return scratch_.path() + "/repo"; }
  std::string Cache() { return scratch_.path() + "/cache"; }

  // Writes the app's files (cpu |cpu|, ConfigMap value |value|, the Secret) and commits them.
  void Commit(const std::string& cpu, const std::string& value, const std::string& secret) {
    source_testing::WriteFile(Repo() + "/deploy.yaml",
                              "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
                              "  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n"
                              "        app: web\n    spec:\n      containers:\n      - name: main\n        image: nginx\n"
                              "        resources:\n          requests:\n            cpu: \"" + cpu + "\"\n");
    source_testing::WriteFile(Repo() + "/cm.yaml",
                              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  k: " + value + "\n");
    source_testing::WriteFile(Repo() + "/secret.yaml",
                              "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ntype: Opaque\nstringData:\n"
                              "  password: " + secret + "\n");
    ASSERT_EQ(Run({"git", "-C", Repo(), "add", "-A"}).exit_code, 0);
    ASSERT_EQ(Run({"git", "-C", Repo(), "commit", "-q", "-m", "c"}).exit_code, 0);
  }

  std::string AppFile() {
    std::string app = scratch_.path() + "/app.yaml";
    source_testing::WriteFile(app, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: " +
                                       ns() + "\nspec:\n  source:\n    repoURL: " + Repo() +
                                       "\n    path: .\n  destination:\n    server: https://kubernetes.default.svc\n"
                                       "    namespace: " + ns() + "\n");
    return app;
  }

  base::SubprocessResult Diff(bool server_side) {
    std::vector<std::string> args = {"app", "diff", "app", "-N", ns(), "--cache-dir", Cache()};
    if (server_side) args.push_back("--server-side");
    return Capstan(args);
  }

  // Fails the test when |r|'s output shows the Secret's value, plain or base64.
  void ExpectNoSecret(const base::SubprocessResult& r, const std::string& what) {
    std::string all = r.stdout_text + r.stderr_text;
    EXPECT_THAT(all, Not(HasSubstr(kSecretValue))) << what;
    EXPECT_THAT(all, Not(HasSubstr(base::Base64Encode(kSecretValue)))) << what;
  }

  source_testing::ScratchDir scratch_;
};

TEST_F(DiffCliTest, ServerSideDiffSeesServerNormalisationRealChangesShowInBothSecretsNowhere) {
  ASSERT_EQ(Run({"git", "init", "-q", "-b", "main", Repo()}).exit_code, 0);
  Commit("0.5", "one", kSecretValue);
  std::string app = AppFile();

  // Before the first sync: everything is to be created, and the Secret's value is masked.
  auto plan = Capstan({"app", "plan", "-f", app, "--cache-dir", Cache()});
  EXPECT_EQ(plan.exit_code, 0) << plan.stderr_text;
  ExpectNoSecret(plan, "app plan");
  auto manifests = Capstan({"app", "manifests", "-f", app, "--cache-dir", Cache()});
  EXPECT_EQ(manifests.exit_code, 0) << manifests.stderr_text;
  EXPECT_THAT(manifests.stdout_text, HasSubstr("name: creds"));
  ExpectNoSecret(manifests, "app manifests");

  auto sync = Capstan({"sync", "-f", app, "-o", "yaml", "--cache-dir", Cache()});
  ASSERT_EQ(sync.exit_code, 0) << sync.stderr_text;
  ExpectNoSecret(sync, "sync -o yaml");
  auto get = Capstan({"app", "get", "app", "-N", ns(), "-o", "yaml"});
  EXPECT_EQ(get.exit_code, 0) << get.stderr_text;
  ExpectNoSecret(get, "app get -o yaml");

  // Synced. Client-side, the cpu request the server stored as "500m" differs from Git's "0.5";
  // server-side it does not.
  auto client_side = Diff(false);
  EXPECT_EQ(client_side.exit_code, 1) << client_side.stdout_text << client_side.stderr_text;
  EXPECT_THAT(client_side.stdout_text, HasSubstr("===== apps/Deployment " + ns() + "/web ======"));
  EXPECT_THAT(client_side.stdout_text, HasSubstr("cpu"));
  EXPECT_THAT(client_side.stdout_text, Not(HasSubstr("/ConfigMap")));
  EXPECT_THAT(client_side.stdout_text, Not(HasSubstr("/Secret")));
  ExpectNoSecret(client_side, "app diff");
  auto server_side = Diff(true);
  EXPECT_EQ(server_side.exit_code, 0) << server_side.stdout_text << server_side.stderr_text;
  EXPECT_EQ(server_side.stdout_text, "");

  // A real change — and a new Secret value — shows in both, masked.
  Commit("0.5", "two", std::string(kSecretValue) + "-rotated");
  for (bool ss : {false, true}) {
    auto d = Diff(ss);
    EXPECT_EQ(d.exit_code, 1) << d.stderr_text;
    EXPECT_THAT(d.stdout_text, HasSubstr("===== /ConfigMap " + ns() + "/settings ======")) << ss;
    EXPECT_THAT(d.stdout_text, HasSubstr("-  k: one")) << d.stdout_text;
    EXPECT_THAT(d.stdout_text, HasSubstr("+  k: two")) << d.stdout_text;
    EXPECT_THAT(d.stdout_text, HasSubstr("===== /Secret " + ns() + "/creds ======")) << ss;
    EXPECT_THAT(d.stdout_text, HasSubstr("-  password: ")) << d.stdout_text;
    EXPECT_THAT(d.stdout_text, HasSubstr("+  password: ")) << d.stdout_text;
    EXPECT_THAT(d.stdout_text, HasSubstr("++++++++++++")) << d.stdout_text;  // the second value's mask
    ExpectNoSecret(d, ss ? "app diff --server-side" : "app diff");
    EXPECT_THAT(d.stdout_text, Not(HasSubstr("rotated")));
  }
  ExpectNoSecret(Capstan({"app", "plan", "app", "-N", ns(), "--cache-dir", Cache()}), "app plan NAME");

  // The dry-runs changed nothing: after a sync with cpu written as the server does, no difference.
  Commit("500m", "two", std::string(kSecretValue) + "-rotated");
  auto again = Capstan({"sync", "-f", app, "-o", "yaml", "--cache-dir", Cache()});
  ASSERT_EQ(again.exit_code, 0) << again.stderr_text;
  ExpectNoSecret(again, "second sync -o yaml");
  auto none = Diff(false);
  EXPECT_EQ(none.exit_code, 0) << none.stdout_text << none.stderr_text;
  EXPECT_EQ(none.stdout_text, "");
}

TEST_F(DiffCliTest, ErrorsExitTwo) {
  auto r = Capstan({"app", "diff", "no-such-app", "-N", ns()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.stderr_text, HasSubstr("no-such-app"));
}

}  // namespace
}  // namespace capstan
