// Copyright 2026 The capstan Authors.
//
// `capstan app plan` against the local control plane: it lists the tasks in the engine's order
// (phase → wave → kind → name) with what each would do, and changes nothing in the cluster.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/subprocess.h"
#include "cli_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

class PlanCliTest : public testing::ClusterTest {
 protected:
  static base::SubprocessResult Run(std::vector<std::string> argv) { return cli_testing::Run(std::move(argv)); }
  static base::SubprocessResult Capstan(std::vector<std::string> args) { return cli_testing::Capstan(std::move(args)); }
  // Every object of the kinds the fixture uses in the namespace, as name → resourceVersion.
  std::map<std::string, std::string> Versions() {
    std::map<std::string, std::string> out;
    for (core::Gvk gvk : {core::Gvk{"", "v1", "ConfigMap"}, core::Gvk{"", "v1", "Pod"}}) {
      auto list = client().List(gvk, ns(), {});
      EXPECT_TRUE(list.ok());
      if (!list.ok()) continue;
      for (const base::Json& o : list->items) {
        out[gvk.kind + "/" + base::GetStringAt(o, "metadata/name")] = base::GetStringAt(o, "metadata/resourceVersion");
      }
    }
    return out;
  }
  source_testing::ScratchDir scratch_;
};

std::string Object(const std::string& kind, const std::string& name, const std::string& annotations) {
  std::string spec = kind == "Pod" ? "spec:\n  restartPolicy: Never\n  containers:\n  - name: main\n    image: x\n"
                                   : "data:\n  k: v\n";
  return "apiVersion: v1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n  annotations:\n" + annotations + spec;
}

TEST_F(PlanCliTest, ListsThreePhasesOfThreeWavesInEngineOrderAndChangesNothing) {
  std::string repo = scratch_.path() + "/repo";
  ASSERT_EQ(Run({"git", "init", "-q", "-b", "main", repo}).exit_code, 0);
  // Written in scrambled order: the plan must sort them.
  for (const char* phase : {"PostSync", "PreSync"}) {
    for (int wave : {2, 0, 1}) {
      std::string name = std::string(phase == std::string("PreSync") ? "pre" : "post") + "-w" + std::to_string(wave);
      source_testing::WriteFile(repo + "/" + name + ".yaml",
                                Object("Pod", name, "    argocd.argoproj.io/hook: " + std::string(phase) +
                                                        "\n    argocd.argoproj.io/sync-wave: \"" + std::to_string(wave) + "\"\n"));
    }
  }
  for (int wave : {1, 2, 0}) {
    std::string name = "cm-w" + std::to_string(wave);
    source_testing::WriteFile(repo + "/" + name + ".yaml",
                              Object("ConfigMap", name, "    argocd.argoproj.io/sync-wave: \"" + std::to_string(wave) + "\"\n"));
  }
  ASSERT_EQ(Run({"git", "-C", repo, "add", "-A"}).exit_code, 0);
  ASSERT_EQ(Run({"git", "-C", repo, "commit", "-q", "-m", "c"}).exit_code, 0);
  // cm-w1 exists already with other data: an update; the rest are creates.
  base::Json existing = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                         {"metadata", {{"name", "cm-w1"}, {"namespace", ns()}}}, {"data", {{"k", "old"}}}};
  ASSERT_TRUE(client().Create(existing, {}).ok());
  std::string app = scratch_.path() + "/app.yaml";
  source_testing::WriteFile(app, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: " +
                                     ns() + "\nspec:\n  source:\n    repoURL: " + repo +
                                     "\n    path: .\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: " +
                                     ns() + "\n");

  auto before = Versions();
  auto r = Capstan({"app", "plan", "-f", app, "-o", "json", "--cache-dir", scratch_.path() + "/cache"});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(Versions(), before) << "the plan changed the cluster";

  std::vector<std::string> rows;
  for (const base::Json& row : base::Json::parse(r.stdout_text)) {
    rows.push_back(row["phase"].get<std::string>() + " " + std::to_string(row["wave"].get<int64_t>()) + " " +
                   row["name"].get<std::string>() + " " + row["action"].get<std::string>());
  }
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "PreSync 0 pre-w0 hook (BeforeHookCreation)", "PreSync 1 pre-w1 hook (BeforeHookCreation)",
                      "PreSync 2 pre-w2 hook (BeforeHookCreation)", "Sync 0 cm-w0 create", "Sync 1 cm-w1 update",
                      "Sync 2 cm-w2 create", "PostSync 0 post-w0 hook (BeforeHookCreation)",
                      "PostSync 1 post-w1 hook (BeforeHookCreation)", "PostSync 2 post-w2 hook (BeforeHookCreation)"}));
}

}  // namespace
}  // namespace capstan
