// Copyright 2026 The capstan Authors.
//
// `capstan app manifests` run as a user runs it: the built binary, an Application manifest file, a
// repository over file:// and over smart HTTPS with a credentials file; its output as YAML and JSON,
// its errors on stderr with exit code 1, and no password anywhere in what it prints.

#include <gtest/gtest.h>

#include <thread>

#include "base/yaml.h"
#include "source_test_util.h"

namespace capstan::source_testing {
namespace {

constexpr char kPassword[] = "cli-pw-7Yx-never-printed";

base::Result<base::SubprocessResult> Capstan(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  base::SubprocessOptions o;
  o.argv = {std::string(CAPSTAN_BINARY_DIR) + "/capstan"};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env = std::move(env);
  o.timeout = std::chrono::seconds(60);
  return base::RunSubprocess(o);
}

class SourceCliTest : public SourceTest {
 protected:
  void SetUp() override {
    SourceTest::SetUp();
    repos_ = scratch_ / "srv";
    fs::create_directories(repos_);
    repo_ = std::make_unique<RepoFixture>(repos_, "apps");
    repo_->Write("guestbook/cm.yaml", ConfigMapYaml("guestbook-cm"));
    repo_->Write("guestbook/deploy.json",
                 R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"prod"}})");
    repo_->Write("guestbook/nested/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n");
    first_ = repo_->CommitAndPush("first");
    repo_->Tag("v1");
    repo_->Write("guestbook/cm.yaml", ConfigMapYaml("guestbook-cm-v2"));
    repo_->CommitAndPush("second");
  }

  std::string WriteApp(const std::string& repo_url, const std::string& extra_source = "") {
    std::string path = scratch_ / "app.yaml";
    WriteFile(path, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: guestbook\n  namespace: capstan\n"
                    "spec:\n  project: default\n  source:\n    repoURL: " + repo_url +
                        "\n    targetRevision: main\n    path: guestbook\n" + extra_source +
                        "  destination:\n    server: https://kubernetes.default.svc\n    namespace: demo\n");
    return path;
  }

  std::string repos_;
  std::unique_ptr<RepoFixture> repo_;
  std::string first_;
};

TEST_F(SourceCliTest, PrintsTheTargetObjectsAsYamlAndJson) {
  std::string app = WriteApp("file://" + repo_->bare(), "    directory:\n      recurse: true\n");
  auto yaml = Capstan({"app", "manifests", "-f", app, "--cache-dir", cache_});
  ASSERT_TRUE(yaml.ok()) << yaml.status().ToString();
  ASSERT_TRUE(yaml->success()) << yaml->stderr_text;
  auto docs = base::ParseYamlStream(yaml->stdout_text, "stdout");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ(base::GetStringAt((*docs)[0].value, "metadata/name"), "guestbook-cm-v2");
  EXPECT_EQ(base::GetString((*docs)[0].value["metadata"]["annotations"], "argocd.argoproj.io/tracking-id"),
            "guestbook:/ConfigMap:demo/guestbook-cm-v2");
  EXPECT_EQ(base::GetString((*docs)[1].value["metadata"]["annotations"], "argocd.argoproj.io/tracking-id"),
            "guestbook:apps/Deployment:prod/web");
  EXPECT_EQ(base::GetStringAt((*docs)[2].value, "kind"), "Service");

  auto json = Capstan({"app", "manifests", "-f", app, "--cache-dir", cache_, "-o", "json", "--revision", "v1"});
  ASSERT_TRUE(json.ok() && json->success()) << (json.ok() ? json->stderr_text : json.status().ToString());
  auto arr = base::ParseJson(json->stdout_text);
  ASSERT_TRUE(arr.ok()) << arr.status().ToString();
  ASSERT_TRUE(arr->is_array());
  ASSERT_EQ(arr->size(), 3u);
  EXPECT_EQ(base::GetStringAt((*arr)[0], "metadata/name"), "guestbook-cm");  // the v1 content
}

TEST_F(SourceCliTest, ThreeProcessesSharingOneCacheAllSucceed) {
  GitDaemon daemon;
  ASSERT_TRUE(daemon.Start(repos_, scratch_.path()));
  for (int i = 0; i < 60; ++i) repo_->Write("guestbook/many/f" + std::to_string(i) + ".yaml", ConfigMapYaml("f" + std::to_string(i)));
  repo_->CommitAndPush("many");
  std::string app = WriteApp(daemon.Url("apps"), "    directory:\n      recurse: true\n");
  for (int round = 0; round < 3; ++round) {
    std::vector<base::Result<base::SubprocessResult>> results(3, base::Status::Internal("not run"));
    std::vector<std::thread> threads;
    for (int p = 0; p < 3; ++p) {
      threads.emplace_back([&, p] { results[p] = Capstan({"app", "manifests", "-f", app, "--cache-dir", cache_, "-o", "json"}); });
    }
    for (auto& t : threads) t.join();
    for (auto& r : results) {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_TRUE(r->success()) << r->stderr_text;
      auto arr = base::ParseJson(r->stdout_text);
      ASSERT_TRUE(arr.ok());
      EXPECT_EQ(arr->size(), 63u + round);  // each round pushes one more object
    }
    repo_->Write("guestbook/many/round" + std::to_string(round) + ".yaml", ConfigMapYaml("r" + std::to_string(round)));
    repo_->CommitAndPush("round");
  }
  for (const auto& e : fs::directory_iterator(cache_)) {
    if (fs::exists(e.path() / "repo.git")) RunCmd({"git", "-C", (e.path() / "repo.git").string(), "fsck", "--full", "--strict"});
  }
}

TEST_F(SourceCliTest, ErrorsGoToStderrWithExitCode1) {
  std::string app = WriteApp("file://" + repo_->bare());
  auto missing = Capstan({"app", "manifests", "-f", app, "--cache-dir", cache_, "--revision", "no-such-tag"});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->exit_code, 1);
  EXPECT_TRUE(missing->stdout_text.empty()) << missing->stdout_text;
  EXPECT_NE(missing->stderr_text.find("error: unable to resolve revision \"no-such-tag\" to a commit SHA in file://" +
                                      repo_->bare()),
            std::string::npos)
      << missing->stderr_text;

  WriteFile(scratch_ / "not-an-app.yaml", ConfigMapYaml("x"));
  auto not_app = Capstan({"app", "manifests", "-f", scratch_ / "not-an-app.yaml", "--cache-dir", cache_});
  ASSERT_TRUE(not_app.ok());
  EXPECT_EQ(not_app->exit_code, 1);
  EXPECT_NE(not_app->stderr_text.find("no argoproj.io Application in it"), std::string::npos) << not_app->stderr_text;

  repo_->Write("kustomized/kustomization.yaml", "resources: []\n");
  repo_->CommitAndPush("kustomize");
  std::string kapp = scratch_ / "k.yaml";
  // A plugin source is refused by name (Kustomize and Helm render: tests/cluster/render_*_test.cc).
  WriteFile(kapp, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: k\nspec:\n  source:\n"
                  "    repoURL: file://" + repo_->bare() + "\n    path: kustomized\n    plugin:\n      name: cmp\n"
                  "  destination:\n    namespace: d\n");
  auto plugin = Capstan({"app", "manifests", "-f", kapp, "--cache-dir", cache_});
  ASSERT_TRUE(plugin.ok());
  EXPECT_EQ(plugin->exit_code, 1);
  EXPECT_NE(plugin->stderr_text.find("spec.source.plugin) are not supported"), std::string::npos) << plugin->stderr_text;
}

TEST_F(SourceCliTest, HttpsCredentialsFromTheCredentialsFileAndNoPasswordInOutput) {
  HttpsGit https;
  ASSERT_TRUE(https.Start(repos_, scratch_.path(), "alice", kPassword));
  WriteFile(scratch_ / "ca.pem", https.ca_pem());
  WriteFile(scratch_ / "token", std::string(kPassword) + "\n");
  std::string creds = scratch_ / "repositories.yaml";
  WriteFile(creds,
            "credentialTemplates:\n- url: https://127.0.0.1\n  username: alice\n  passwordFile: token\n  tlsCAFile: ca.pem\n",
            fs::perms::owner_read | fs::perms::owner_write);
  std::string app = WriteApp(https.Url("apps"));
  auto ok = Capstan({"--log-level", "debug", "app", "manifests", "-f", app, "--cache-dir", cache_, "--repo-credentials", creds});
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(ok->success()) << ok->stderr_text;
  EXPECT_NE(ok->stdout_text.find("guestbook-cm-v2"), std::string::npos);

  // The same with a wrong password: refused, and still nothing printed holds either password.
  WriteFile(scratch_ / "token", "wrong-" + std::string(kPassword) + "\n");
  auto bad = Capstan({"--log-level", "debug", "app", "manifests", "-f", app, "--cache-dir", cache_, "--repo-credentials", creds});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->exit_code, 1);
  EXPECT_NE(bad->stderr_text.find("authentication failed for user \"alice\""), std::string::npos) << bad->stderr_text;
  for (const auto* r : {&*ok, &*bad}) {
    EXPECT_EQ(r->stdout_text.find(kPassword), std::string::npos);
    EXPECT_EQ(r->stderr_text.find(kPassword), std::string::npos) << r->stderr_text;
  }
}

}  // namespace
}  // namespace capstan::source_testing
