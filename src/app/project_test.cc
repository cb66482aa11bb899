// Copyright 2026 The capstan Authors.
//
// Cases follow Argo CD's app_project_types tests (TestAppProject_IsSourcePermitted,
// TestAppProject_IsDestinationPermitted, TestAppProject_IsNegatedDestinationPermitted,
// TestIsGroupKindPermitted) and util/argo ValidatePermissions' messages.

#include "app/project.h"

#include <gtest/gtest.h>

#include "kube/fake_client.h"

namespace capstan::app {
namespace {

Project Parse(const base::Json& spec) {
  auto p = ParseProject({{"metadata", {{"name", "team"}}}, {"spec", spec}});
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : Project{};
}

TEST(ProjectTest, SourceReposGlobsStopAtSlashAndIgnoreCaseAndDotGit) {
  Project p = Parse({{"sourceRepos", {"https://github.com/argoproj/*"}}});
  EXPECT_TRUE(p.IsSourcePermitted("https://github.com/argoproj/argo-cd.git"));
  EXPECT_TRUE(p.IsSourcePermitted("https://GitHub.com/argoproj/argo-cd"));
  EXPECT_FALSE(p.IsSourcePermitted("https://github.com/argoproj/a/b"));
  EXPECT_FALSE(p.IsSourcePermitted("https://github.com/other/argo-cd"));
  EXPECT_TRUE(Parse({{"sourceRepos", {"https://github.com/argoproj/**"}}}).IsSourcePermitted("https://github.com/argoproj/a/b"));
  EXPECT_TRUE(Parse({{"sourceRepos", {"*"}}}).IsSourcePermitted("anything at all/x"));
  EXPECT_FALSE(Parse({{"sourceRepos", base::Json::array()}}).IsSourcePermitted("https://github.com/a/b"));
  // scp-style SSH compares as ssh://
  EXPECT_TRUE(Parse({{"sourceRepos", {"git@github.com:argoproj/*"}}}).IsSourcePermitted("ssh://git@github.com/argoproj/x.git"));
}

TEST(ProjectTest, NegatedSourceRepoDenies) {
  Project p = Parse({{"sourceRepos", {"*", "!https://github.com/evil/*"}}});
  EXPECT_TRUE(p.IsSourcePermitted("https://github.com/good/repo"));
  EXPECT_FALSE(p.IsSourcePermitted("https://github.com/evil/repo"));
  // A deny pattern alone allows everything else: "!p" matches what p does not (Argo CD's globMatch).
  Project deny_only = Parse({{"sourceRepos", {"!https://github.com/evil/*"}}});
  EXPECT_TRUE(deny_only.IsSourcePermitted("https://github.com/good/r"));
  EXPECT_FALSE(deny_only.IsSourcePermitted("https://github.com/evil/r"));
}

TEST(ProjectTest, DestinationsMatchServerOrNameAndNamespace) {
  Project p = Parse({{"destinations", {{{"server", "https://kubernetes.default.svc"}, {"namespace", "team-*"}},
                                       {{"name", "in-cluster"}, {"namespace", "shared"}}}}});
  EXPECT_TRUE(p.IsDestinationPermitted("https://kubernetes.default.svc", "", "team-a"));
  EXPECT_FALSE(p.IsDestinationPermitted("https://kubernetes.default.svc", "", "other"));
  EXPECT_TRUE(p.IsDestinationPermitted("https://x", "in-cluster", "shared"));
  EXPECT_FALSE(p.IsDestinationPermitted("https://x", "", "shared"));
  EXPECT_FALSE(p.IsDestinationPermitted("https://other", "", "team-a"));
  EXPECT_FALSE(Parse({{"destinations", base::Json::array()}}).IsDestinationPermitted("https://a", "", "b"));
}

TEST(ProjectTest, NegatedDestinationNamespaceExcludes) {
  Project p = Parse({{"destinations", {{{"server", "*"}, {"namespace", "*"}},
                                       {{"server", "*"}, {"namespace", "!kube-system"}}}}});
  EXPECT_TRUE(p.IsDestinationPermitted("https://kubernetes.default.svc", "", "apps"));
  EXPECT_FALSE(p.IsDestinationPermitted("https://kubernetes.default.svc", "", "kube-system"));
  Project q = Parse({{"destinations", {{{"server", "!https://prod"}, {"namespace", "*"}}}}});
  EXPECT_TRUE(q.IsDestinationPermitted("https://dev", "", "x"));
  EXPECT_FALSE(q.IsDestinationPermitted("https://prod", "", "x"));
}

TEST(ProjectTest, GroupKindLists) {
  // No lists: every namespaced kind, no cluster-scoped kind.
  Project none = Parse(base::Json::object());
  EXPECT_TRUE(none.IsGroupKindPermitted("apps", "Deployment", true));
  EXPECT_FALSE(none.IsGroupKindPermitted("", "Namespace", false));
  // An empty namespace whitelist allows no namespaced kind.
  EXPECT_FALSE(Parse({{"namespaceResourceWhitelist", base::Json::array()}}).IsGroupKindPermitted("", "ConfigMap", true));
  Project p = Parse({{"clusterResourceWhitelist", {{{"group", "rbac.authorization.k8s.io"}, {"kind", "Cluster*"}}}},
                     {"clusterResourceBlacklist", {{{"group", "*"}, {"kind", "ClusterRoleBinding"}}}},
                     {"namespaceResourceWhitelist", {{{"group", ""}, {"kind", "ConfigMap"}}, {{"group", "apps"}, {"kind", "*"}}}},
                     {"namespaceResourceBlacklist", {{{"group", "apps"}, {"kind", "DaemonSet"}}}}});
  EXPECT_TRUE(p.IsGroupKindPermitted("rbac.authorization.k8s.io", "ClusterRole", false));
  EXPECT_FALSE(p.IsGroupKindPermitted("rbac.authorization.k8s.io", "ClusterRoleBinding", false));
  EXPECT_FALSE(p.IsGroupKindPermitted("", "Namespace", false));
  EXPECT_TRUE(p.IsGroupKindPermitted("", "ConfigMap", true));
  EXPECT_TRUE(p.IsGroupKindPermitted("apps", "Deployment", true));
  EXPECT_FALSE(p.IsGroupKindPermitted("apps", "DaemonSet", true));
  EXPECT_FALSE(p.IsGroupKindPermitted("", "Secret", true));
  // path.Match classes and a malformed pattern (matches nothing).
  Project c = Parse({{"clusterResourceWhitelist", {{{"group", ""}, {"kind", "[A-N]amespace"}}, {{"group", ""}, {"kind", "[Bad"}}}}});
  EXPECT_TRUE(c.IsGroupKindPermitted("", "Namespace", false));
  EXPECT_FALSE(c.IsGroupKindPermitted("", "[Bad", false));
}

TEST(ProjectTest, SourceNamespacesGlobsAndRegexps) {
  Project p = Parse({{"sourceNamespaces", {"team-*", "/^ops-[0-9]+$/"}}});
  EXPECT_TRUE(p.IsAppNamespacePermitted("capstan", "capstan"));
  EXPECT_TRUE(p.IsAppNamespacePermitted("", "capstan"));
  EXPECT_TRUE(p.IsAppNamespacePermitted("team-a", "capstan"));
  EXPECT_TRUE(p.IsAppNamespacePermitted("ops-12", "capstan"));
  EXPECT_FALSE(p.IsAppNamespacePermitted("ops-x", "capstan"));
  EXPECT_FALSE(Parse(base::Json::object()).IsAppNamespacePermitted("team-a", "capstan"));
}

TEST(ProjectTest, BadProjectNamesTheField) {
  auto p = ParseProject({{"metadata", {{"name", "team"}}}, {"spec", {{"destinations", {{{"namespace", 3}}}}}}});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "AppProject team: spec.destinations[0].namespace: must be a string");
  p = ParseProject({{"metadata", {{"name", "team"}}}, {"spec", {{"sourceRepos", "x"}}}});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "AppProject team: spec.sourceRepos: must be a list of strings");
}

base::Json App(const std::string& project, const std::string& repo, const std::string& ns) {
  return {{"metadata", {{"name", "guestbook"}, {"namespace", "capstan"}}},
          {"spec",
           {{"project", project},
            {"source", {{"repoURL", repo}, {"path", "."}}},
            {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", ns}}}}}};
}

TEST(ProjectTest, CheckApplicationUsesArgoCdsMessages) {
  Project p = Parse({{"sourceRepos", {"https://git.example/team/*"}},
                     {"destinations", {{{"server", "*"}, {"namespace", "team"}}}}});
  base::Json app = App("team", "https://git.example/other/repo", "prod");
  auto problems = CheckApplication(app, p, "capstan");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].condition, "InvalidSpecError");
  EXPECT_EQ(problems[0].message, "application repo https://git.example/other/repo is not permitted in project 'team'");
  EXPECT_EQ(problems[1].message,
            "application destination server 'https://kubernetes.default.svc' and namespace 'prod' do not match any of "
            "the allowed destinations in project 'team'");
  EXPECT_EQ(OperationMessage(app, p, problems),
            "InvalidSpecError: " + problems[0].message + ";InvalidSpecError: " + problems[1].message);
  EXPECT_TRUE(CheckApplication(App("team", "https://git.example/team/repo", "team"), p, "capstan").empty());
}

TEST(ProjectTest, CheckApplicationMissingProjectAndForeignNamespace) {
  base::Json app = App("nope", "https://git.example/r", "x");
  base::Result<Project> missing = base::Status::NotFound("appprojects.argoproj.io \"nope\" not found");
  auto problems = CheckApplication(app, missing, "capstan");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].condition, "InvalidSpecError");
  EXPECT_EQ(problems[0].message, "Application referencing project nope which does not exist");
  EXPECT_EQ(OperationMessage(app, missing, problems),
            "Failed to load application project: error getting app project \"nope\": appproject.argoproj.io \"nope\" "
            "not found");

  Project p = Parse({{"sourceRepos", {"*"}}, {"destinations", {{{"server", "*"}, {"namespace", "*"}}}}});
  app["metadata"]["namespace"] = "team-a";
  problems = CheckApplication(app, p, "capstan");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].condition, "UnknownError");
  EXPECT_EQ(problems[0].message, "application 'guestbook' in namespace 'team-a' is not allowed to use project team");
  EXPECT_EQ(OperationMessage(app, p, problems), "Failed to load application project: " + problems[0].message);
}

TEST(ProjectTest, CheckResourceMessages) {
  Project p = Parse({{"destinations", {{{"server", "https://kubernetes.default.svc"}, {"namespace", "team"}}}}});
  EXPECT_EQ(CheckResource(p, {"", "Namespace", "", "team"}, false, "https://kubernetes.default.svc", ""),
            "resource :Namespace is not permitted in project team");
  EXPECT_EQ(CheckResource(p, {"", "ConfigMap", "other", "cm"}, true, "", "in-cluster"),
            "namespace other is not permitted in project 'team'");
  EXPECT_EQ(CheckResource(p, {"", "ConfigMap", "team", "cm"}, true, "", "in-cluster"), "");
}

TEST(ProjectTest, LoadProjectFallsBackToCapstansDefault) {
  kube::FakeClient fake;
  auto d = LoadProject(fake, "capstan", "default");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->IsAppNamespacePermitted("anywhere", "capstan"));
  EXPECT_TRUE(d->IsGroupKindPermitted("", "Namespace", false));
  EXPECT_TRUE(LoadProject(fake, "capstan", "team").status().IsNotFound());
}

TEST(ProjectTest, SetProjectConditionsReplacesOnlyItsOwn) {
  base::Json status = {{"conditions",
                        {{{"type", "SyncError"}, {"message", "s"}, {"lastTransitionTime", "t0"}},
                         {{"type", "InvalidSpecError"}, {"message", "a"}, {"lastTransitionTime", "t1"}},
                         {{"type", "InvalidSpecError"}, {"message", "b"}, {"lastTransitionTime", "t1"}}}}};
  SetProjectConditions(status, {{"InvalidSpecError", "a"}, {"UnknownError", "c"}}, "t2");
  ASSERT_EQ(status["conditions"].size(), 3u);
  EXPECT_EQ(status["conditions"][1]["lastTransitionTime"], "t1");  // unchanged problem keeps its time
  EXPECT_EQ(status["conditions"][2]["message"], "c");
  EXPECT_EQ(status["conditions"][2]["lastTransitionTime"], "t2");
  SetProjectConditions(status, {}, "t3");
  ASSERT_EQ(status["conditions"].size(), 1u);
  EXPECT_EQ(status["conditions"][0]["type"], "SyncError");
}

}  // namespace
}  // namespace capstan::app
