// Copyright 2026 The capstan Authors.

#include "app/depends_on.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace capstan::app {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const base::Json kSource = {{"repoURL", "https://git.example.com/r.git"}, {"targetRevision", "main"}, {"path", "a"}};
const base::Json kDestination = {{"server", "https://kubernetes.default.svc"}, {"namespace", "apps"}};

// An Application compared with its spec at |revision| and |reconciled_at|, |sync| and |health|.
base::Json App(const std::string& name, const std::string& depends_on = "", const std::string& sync = "Synced",
               const std::string& health = "Healthy", const std::string& revision = "aaaaaaaa1",
               const std::string& reconciled_at = "2026-11-27T10:00:00Z") {
  base::Json app = {{"metadata", {{"name", name}, {"namespace", "capstan"}}},
                    {"spec", {{"source", kSource}, {"destination", kDestination}}},
                    {"status",
                     {{"sync", {{"status", sync}, {"revision", revision},
                                {"comparedTo", {{"source", kSource}, {"destination", kDestination}}}}},
                      {"health", {{"status", health}}},
                      {"reconciledAt", reconciled_at}}}};
  if (!depends_on.empty()) app["metadata"]["annotations"]["capstan.dev/depends-on"] = depends_on;
  return app;
}

std::vector<std::string> Names(const std::vector<AppRef>& refs) {
  std::vector<std::string> out;
  for (const AppRef& r : refs) out.push_back(r.namespace_ + "/" + r.name);
  return out;
}

TEST(DependsOnTest, TheAnnotationListsNamesOrNamespaceSlashName) {
  auto deps = DependenciesOf(App("web", "db, queue\tother/cache,db"));
  ASSERT_TRUE(deps.ok()) << deps.status().ToString();
  EXPECT_THAT(Names(*deps), ElementsAre("capstan/db", "capstan/queue", "other/cache"));
  EXPECT_TRUE(DependenciesOf(App("web"))->empty());
}

TEST(DependsOnTest, ABadEntryOrItselfIsAnErrorNamingTheAnnotation) {
  auto bad = DependenciesOf(App("web", "db, Not_A_Name"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("Application capstan/web: annotation capstan.dev/depends-on: "
                                                "'Not_A_Name' is not an Application name or namespace/name"));
  EXPECT_THAT(DependenciesOf(App("web", "web")).status().message(), HasSubstr("cannot depend on itself"));
}

TEST(DependsOnTest, ADependencyIsReadyOnlyWhenFreshlySyncedAndHealthy) {
  const base::Json web = App("web", "db", "OutOfSync", "Healthy", "bbbbbbbb2", "2026-11-27T10:05:00Z");
  EXPECT_EQ(NotReadyReason(web, nullptr), "does not exist");
  base::Json db = App("db", "", "Synced", "Healthy", "bbbbbbbb2", "2026-11-27T10:05:01Z");
  EXPECT_EQ(NotReadyReason(web, &db), std::nullopt);

  // The stale verdict: Synced and Healthy, but about the previous commit of the same repository and
  // revision — whether compared before web or after.
  base::Json stale = App("db", "", "Synced", "Healthy", "aaaaaaaa1", "2026-11-27T10:00:00Z");
  EXPECT_EQ(NotReadyReason(web, &stale), "compared at aaaaaaa, not bbbbbbb");
  base::Json other = App("db", "", "Synced", "Healthy", "aaaaaaaa1", "2026-11-27T10:06:00Z");
  EXPECT_EQ(NotReadyReason(web, &other), "compared at aaaaaaa, not bbbbbbb");
  // At web's commit, compared earlier than web (web was refreshed again since): still ready — the
  // steady state of two synced apps, where each refresh of web would otherwise make db look stale.
  base::Json earlier = App("db", "", "Synced", "Healthy", "bbbbbbbb2", "2026-11-27T10:04:00Z");
  EXPECT_EQ(NotReadyReason(web, &earlier), std::nullopt);
  // Another repository: no commit to compare, so the time decides.
  base::Json elsewhere = earlier;
  elsewhere["spec"]["source"]["repoURL"] = "https://git.example.com/other.git";
  elsewhere["status"]["sync"]["comparedTo"]["source"]["repoURL"] = "https://git.example.com/other.git";
  EXPECT_EQ(NotReadyReason(web, &elsewhere), "compared before web saw the change");
  elsewhere["status"]["reconciledAt"] = "2026-11-27T10:05:00Z";
  EXPECT_EQ(NotReadyReason(web, &elsewhere), std::nullopt);

  base::Json spec_changed = db;
  spec_changed["spec"]["source"]["path"] = "b";
  EXPECT_EQ(NotReadyReason(web, &spec_changed), "not compared since its spec changed");
  base::Json running = db;
  running["status"]["operationState"]["phase"] = "Running";
  EXPECT_EQ(NotReadyReason(web, &running), "its sync is running");
  base::Json out_of_sync = App("db", "", "OutOfSync", "Healthy", "bbbbbbbb2", "2026-11-27T10:05:01Z");
  EXPECT_EQ(NotReadyReason(web, &out_of_sync), "OutOfSync");
  base::Json progressing = App("db", "", "Synced", "Progressing", "bbbbbbbb2", "2026-11-27T10:05:01Z");
  EXPECT_EQ(NotReadyReason(web, &progressing), "Progressing");
}

TEST(DependsOnTest, CyclesAreFoundThroughTheStart) {
  std::map<std::string, std::vector<std::string>> graph = {
      {"ns/a", {"ns/b"}}, {"ns/b", {"ns/c"}}, {"ns/c", {"ns/a"}}, {"ns/d", {"ns/a"}}};
  EXPECT_THAT(CycleThrough(graph, "ns/a"), ElementsAre("ns/a", "ns/b", "ns/c", "ns/a"));
  EXPECT_TRUE(CycleThrough(graph, "ns/d").empty());  // d leads into a cycle but is not on one
  EXPECT_TRUE(CycleThrough({{"ns/x", {"ns/y"}}}, "ns/x").empty());
}

TEST(DependsOnTest, TheVerdictSaysWhomItWaitsForAndWhatToRefresh) {
  const base::Json web = App("web", "db, queue", "OutOfSync", "Healthy", "bbbbbbbb2", "2026-11-27T10:05:00Z");
  std::map<std::string, base::Json> apps = {
      {"db", App("db", "", "Synced", "Healthy", "aaaaaaaa1", "2026-11-27T10:00:00Z")},
      {"queue", App("queue", "", "Synced", "Progressing", "bbbbbbbb2", "2026-11-27T10:05:02Z")}};
  auto get = [&](const AppRef& ref) -> std::optional<base::Json> {
    auto it = apps.find(ref.name);
    return it == apps.end() ? std::nullopt : std::optional<base::Json>(it->second);
  };
  DependencyVerdict v = CheckDependencies(web, get, {{"capstan/web", {"capstan/db", "capstan/queue"}}});
  EXPECT_FALSE(v.ready());
  EXPECT_EQ(v.Message(), "waiting for db (compared at aaaaaaa, not bbbbbbb), queue (Progressing)");
  EXPECT_THAT(Names(v.to_refresh), ElementsAre("capstan/db"));

  apps["db"] = App("db", "", "Synced", "Healthy", "bbbbbbbb2", "2026-11-27T10:05:01Z");
  apps["queue"] = App("queue", "", "Synced", "Healthy", "bbbbbbbb2", "2026-11-27T10:05:02Z");
  EXPECT_TRUE(CheckDependencies(web, get, {}).ready());

  DependencyVerdict cycle = CheckDependencies(web, get, {{"capstan/web", {"capstan/db"}}, {"capstan/db", {"capstan/web"}}});
  EXPECT_FALSE(cycle.ready());
  EXPECT_EQ(cycle.Message(), "dependency cycle: capstan/web -> capstan/db -> capstan/web");
}

}  // namespace
}  // namespace capstan::app
