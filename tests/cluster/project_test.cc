// Copyright 2026 The capstan Authors.
//
// AppProjects enforced before anything is written (issue 8, item 1), as a user meets them: an
// AppProject in the test's namespace, which the test passes as the control-plane namespace
// (--control-plane-namespace), refuses a destination, a source repository, a cluster-scoped kind,
// an Application outside its sourceNamespaces; a project that does not exist; and capstan's default
// project lets an ordinary app through. Each checks the exit code, Argo CD's message as the user
// sees it (the operation state and the app's conditions), and that nothing of the app was applied.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/project.h"
#include "base/subprocess.h"
#include "cli_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;

const core::Gvk kConfigMap{"", "v1", "ConfigMap"};
const core::Gvk kNamespace{"", "v1", "Namespace"};

class ProjectTest : public testing::ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    cli_testing::EnsureInstalled();  // the AppProject CRD, before a test creates a project
    repo_ = scratch_.path() + "/repo";
    ASSERT_EQ(cli_testing::Run({"git", "init", "-q", "-b", "main", repo_}).exit_code, 0);
  }

  void TearDown() override {
    for (const auto& [ns, name] : projects_) (void)client().Delete(app::kAppProjectGvk, ns, name, {});
    (void)client().Delete(kNamespace, "", ns() + "-extra", {});
    ClusterTest::TearDown();
  }

  void Commit(const std::map<std::string, std::string>& files) {
    for (const auto& [name, text] : files) source_testing::WriteFile(repo_ + "/" + name, text);
    cli_testing::Run({"git", "-C", repo_, "add", "-A"});
    ASSERT_EQ(cli_testing::Run({"git", "-C", repo_, "commit", "-q", "-m", "c"}).exit_code, 0);
  }

  // Creates the AppProject |name| in |ns| with |spec| (removed again in TearDown).
  void CreateProject(const std::string& ns, const std::string& name, const base::Json& spec) {
    base::Json obj = {{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "AppProject"},
                      {"metadata", {{"name", name}, {"namespace", ns}}},
                      {"spec", spec}};
    auto created = client().Create(obj, {});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    projects_.emplace_back(ns, name);
  }

  std::string AppFile(const std::string& project, const std::string& repo) {
    std::string path = scratch_.path() + "/app.yaml";
    source_testing::WriteFile(path, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n"
                                    "  namespace: " + ns() + "\nspec:\n  project: " + project + "\n  source:\n"
                                    "    repoURL: " + repo + "\n    path: .\n    targetRevision: HEAD\n"
                                    "  destination:\n    server: https://kubernetes.default.svc\n    namespace: " +
                                        ns() + "\n");
    return path;
  }

  // `capstan sync -f` with the test's namespace as control-plane namespace (or |control_plane|).
  base::SubprocessResult Sync(const std::string& project, const std::string& repo, std::string control_plane = "") {
    return cli_testing::Capstan({"sync", "-f", AppFile(project, repo), "-o", "json", "--cache-dir",
                                 scratch_.path() + "/cache", "--control-plane-namespace",
                                 control_plane.empty() ? ns() : control_plane});
  }

  // The app's conditions after `capstan app get --refresh`, as "<type>: <message>" lines.
  std::vector<std::string> RefreshedConditions() {
    auto r = cli_testing::Capstan({"app", "get", "app", "-N", ns(), "--refresh", "-o", "json", "--cache-dir",
                                   scratch_.path() + "/cache", "--control-plane-namespace", ns()});
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    std::vector<std::string> out;
    base::Json app = base::Json::parse(r.stdout_text, nullptr, false);
    if (app.is_discarded()) return out;
    EXPECT_EQ(base::GetStringAt(app, "status/sync/status"), "Unknown");
    for (const base::Json& c : app["status"].value("conditions", base::Json::array())) {
      out.push_back(base::GetString(c, "type") + ": " + base::GetString(c, "message"));
    }
    return out;
  }

  static std::string Cm(const std::string& name) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  k: v\n";
  }

  bool ConfigMapExists(const std::string& name) { return client().Get(kConfigMap, ns(), name).ok(); }

  source_testing::ScratchDir scratch_;
  std::string repo_;
  std::vector<std::pair<std::string, std::string>> projects_;
};

TEST_F(ProjectTest, RefusedDestinationFailsTheSyncBeforeAnythingIsApplied) {
  Commit({{"cm.yaml", Cm("cm")}});
  CreateProject(ns(), "team", {{"sourceRepos", {"*"}}, {"destinations", {{{"server", "*"}, {"namespace", "team-*"}}}}});
  auto r = Sync("team", repo_);
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  base::Json app = base::Json::parse(r.stdout_text);
  const std::string expected = "application destination server 'https://kubernetes.default.svc' and namespace '" +
                               ns() + "' do not match any of the allowed destinations in project 'team'";
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/phase"), "Error");
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/message"), "InvalidSpecError: " + expected);
  EXPECT_THAT(r.stderr_text, HasSubstr(expected));
  EXPECT_FALSE(ConfigMapExists("cm"));
  EXPECT_THAT(RefreshedConditions(), ::testing::ElementsAre("InvalidSpecError: " + expected));
}

TEST_F(ProjectTest, RefusedSourceRepoFailsTheSyncBeforeAnythingIsApplied) {
  Commit({{"cm.yaml", Cm("cm")}});
  CreateProject(ns(), "team",
                {{"sourceRepos", {"https://git.example.com/team/*"}}, {"destinations", {{{"server", "*"}, {"namespace", "*"}}}}});
  auto r = Sync("team", repo_);
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  base::Json app = base::Json::parse(r.stdout_text);
  const std::string expected = "application repo " + repo_ + " is not permitted in project 'team'";
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/phase"), "Error");
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/message"), "InvalidSpecError: " + expected);
  EXPECT_FALSE(ConfigMapExists("cm"));
  EXPECT_THAT(RefreshedConditions(), ::testing::ElementsAre("InvalidSpecError: " + expected));
}

TEST_F(ProjectTest, ClusterScopedKindNotWhitelistedFailsTheDryRunStageAndNothingIsApplied) {
  // A project with no clusterResourceWhitelist: every namespaced kind, no cluster-scoped one.
  Commit({{"cm.yaml", Cm("cm")},
          {"ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns() + "-extra\n"}});
  CreateProject(ns(), "team", {{"sourceRepos", {"*"}}, {"destinations", {{{"server", "*"}, {"namespace", "*"}}}}});
  base::Json app = {{"apiVersion", "argoproj.io/v1alpha1"},
                    {"kind", "Application"},
                    {"metadata", {{"name", "app"}, {"namespace", ns()}}},
                    {"spec",
                     {{"project", "team"},
                      {"source", {{"repoURL", repo_}, {"path", "."}, {"targetRevision", "HEAD"}}},
                      {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", ns()}}}}}};
  ASSERT_TRUE(client().Create(app, {}).ok());
  auto r = cli_testing::Capstan({"app", "sync", "app", "-N", ns(), "-o", "json", "--cache-dir",
                                 scratch_.path() + "/cache", "--control-plane-namespace", ns()});
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  base::Json got = base::Json::parse(r.stdout_text);
  const std::string refused = "resource :Namespace is not permitted in project team";
  EXPECT_EQ(base::GetStringAt(got, "status/operationState/phase"), "Failed");
  EXPECT_EQ(base::GetStringAt(got, "status/operationState/message"),
            "one or more synchronization tasks are not valid: " + refused);
  bool found = false;
  for (const base::Json& res : got["status"]["operationState"]["syncResult"]["resources"]) {
    if (res["kind"] == "Namespace") {
      found = true;
      EXPECT_EQ(res["status"], "SyncFailed");
      EXPECT_EQ(res["message"], refused);
    }
  }
  EXPECT_TRUE(found) << got["status"]["operationState"].dump(2);
  EXPECT_THAT(r.stderr_text, HasSubstr(refused));
  EXPECT_FALSE(ConfigMapExists("cm"));
  EXPECT_FALSE(client().Get(kNamespace, "", ns() + "-extra").ok());
}

TEST_F(ProjectTest, LiveObjectOfAKindTheProjectRefusesIsNotPruned) {
  // The app once had a ConfigMap; the project now refuses ConfigMaps: the prune task is refused
  // like any other, and the ConfigMap stays.
  Commit({{"cm.yaml", Cm("cm")}});
  ASSERT_EQ(Sync("default", repo_).exit_code, 0);
  ASSERT_TRUE(ConfigMapExists("cm"));
  cli_testing::Run({"git", "-C", repo_, "rm", "-q", "cm.yaml"});
  Commit({{"other.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: v\n"}});
  CreateProject(ns(), "team", {{"sourceRepos", {"*"}},
                               {"destinations", {{{"server", "*"}, {"namespace", "*"}}}},
                               {"namespaceResourceBlacklist", {{{"group", ""}, {"kind", "ConfigMap"}}}}});
  auto r = cli_testing::Capstan({"sync", "-f", AppFile("team", repo_), "--prune", "-o", "json", "--cache-dir",
                                 scratch_.path() + "/cache", "--control-plane-namespace", ns()});
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  base::Json app = base::Json::parse(r.stdout_text);
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/message"),
            "one or more synchronization tasks are not valid: resource :ConfigMap is not permitted in project team");
  EXPECT_TRUE(ConfigMapExists("cm"));
  EXPECT_FALSE(client().Get({"", "v1", "Secret"}, ns(), "s").ok());
}

TEST_F(ProjectTest, MissingProjectFailsTheSync) {
  Commit({{"cm.yaml", Cm("cm")}});
  auto r = Sync("ghost", repo_);
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  base::Json app = base::Json::parse(r.stdout_text);
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/phase"), "Error");
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/message"),
            "Failed to load application project: error getting app project \"ghost\": appproject.argoproj.io "
            "\"ghost\" not found");
  EXPECT_FALSE(ConfigMapExists("cm"));
  EXPECT_THAT(RefreshedConditions(),
              ::testing::ElementsAre("InvalidSpecError: Application referencing project ghost which does not exist"));
}

TEST_F(ProjectTest, ApplicationOutsideTheControlPlaneNeedsTheProjectsSourceNamespaces) {
  // The project lives in the installed control-plane namespace "capstan"; the app in the test's.
  Commit({{"cm.yaml", Cm("cm")}});
  const std::string project = "team-" + ns();
  CreateProject("capstan", project, {{"sourceRepos", {"*"}}, {"destinations", {{{"server", "*"}, {"namespace", "*"}}}}});
  auto r = Sync(project, repo_, "capstan");
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  base::Json app = base::Json::parse(r.stdout_text);
  EXPECT_EQ(base::GetStringAt(app, "status/operationState/message"),
            "Failed to load application project: application 'app' in namespace '" + ns() +
                "' is not allowed to use project " + project);
  EXPECT_FALSE(ConfigMapExists("cm"));

  // Listing the namespace (a glob) in sourceNamespaces lets it through.
  auto patched = client().Patch(app::kAppProjectGvk, "capstan", project, kube::PatchType::kMerge,
                                {{"spec", {{"sourceNamespaces", {ns().substr(0, ns().size() - 1) + "*"}}}}}, {});
  ASSERT_TRUE(patched.ok()) << patched.status().ToString();
  r = Sync(project, repo_, "capstan");
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_TRUE(ConfigMapExists("cm"));
}

TEST_F(ProjectTest, DefaultProjectAllowsAnOrdinaryApp) {
  // The installed default project in "capstan" (and, in a control-plane namespace without one,
  // capstan's built-in default) allows every repository, destination and kind.
  Commit({{"cm.yaml", Cm("cm")},
          {"ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns() + "-extra\n"}});
  auto r = Sync("default", repo_, "capstan");
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_TRUE(ConfigMapExists("cm"));
  EXPECT_TRUE(client().Get(kNamespace, "", ns() + "-extra").ok());
  r = Sync("default", repo_);  // the test's namespace holds no AppProject at all
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
}

}  // namespace
}  // namespace capstan
