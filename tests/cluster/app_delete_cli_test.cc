// Copyright 2026 The capstan Authors.
//
// `capstan app delete` against the real local control plane, with no controller running (so the CLI
// runs the deletion itself, app/deletion.h): a non-cascading delete leaves the app's resources; a
// cascading one keeps `Delete=false` and `helm.sh/resource-policy: keep` objects and deletes the rest
// highest wave first (the order of DELETED watch events); and a crash at each `deletion:*` point
// (CAPSTAN_CRASH_AT, base/crash_point.h) followed by `app delete` again ends with the Application gone,
// each Pre/PostDelete hook Pod created once (ADDED watch events), no finalizer and no Lease left.
//
// Thread safety: GoogleTest fixtures; the watch thread only appends under a mutex.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/crash_point.h"
#include "base/json.h"
#include "base/subprocess.h"
#include "cli_test_util.h"
#include "core/gvk.h"
#include "crash_test_util.h"
#include "kube/client.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using source_testing::GitCmd;
using source_testing::ScratchDir;
using source_testing::WriteFile;
using ::testing::HasSubstr;

const core::Gvk kPodGvk{"", "v1", "Pod"};
const core::Gvk kConfigMapGvk{"", "v1", "ConfigMap"};
const core::Gvk kLeaseGvk{"coordination.k8s.io", "v1", "Lease"};
const core::Gvk kApplicationGvk{"argoproj.io", "v1alpha1", "Application"};

// The watch events (type letter + name: "A:pre-hook", "D:cm-w1") of one kind in one namespace, in
// order, from the resourceVersion of a list taken at construction.
class EventLog {
 public:
  EventLog(kube::Client& client, const std::string& ns, const core::Gvk& gvk) {
    auto list = client.List(gvk, ns, {});
    if (!list.ok()) {
      ADD_FAILURE() << "listing " << gvk.kind << ": " << list.status().ToString();
      return;
    }
    thread_ = std::jthread([this, &client, ns, gvk, rv = list->resource_version](std::stop_token stop) mutable {
      while (!stop.stop_requested()) {
        kube::WatchOptions opts;
        opts.resource_version = rv;
        (void)client.Watch(gvk, ns, opts, [this, &rv](const kube::WatchEvent& ev) {
          std::string v = base::GetStringAt(ev.object, "metadata/resourceVersion");
          if (!v.empty()) rv = v;
          const char* t = ev.type == kube::WatchEventType::kAdded     ? "A:"
                          : ev.type == kube::WatchEventType::kDeleted ? "D:"
                                                                      : nullptr;
          if (t != nullptr) {
            std::lock_guard<std::mutex> lock(mu_);
            events_.push_back(t + base::GetStringAt(ev.object, "metadata/name"));
          }
          return true;
        }, stop);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
  }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  int Count(const std::string& event) {
    auto e = events();
    return static_cast<int>(std::count(e.begin(), e.end(), event));
  }
  // The index of |event|, or -1.
  int IndexOf(const std::string& event) {
    auto e = events();
    auto it = std::find(e.begin(), e.end(), event);
    return it == e.end() ? -1 : static_cast<int>(it - e.begin());
  }
  std::string Describe() {
    std::string out;
    for (const std::string& e : events()) out += e + " ";
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> events_;  // guarded by mu_
  std::jthread thread_;              // last: joined first
};

std::string ConfigMap(const std::string& name, const std::string& annotations = "") {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n" +
         (annotations.empty() ? "" : "  annotations:\n" + annotations) + "data:\n  k: v\n";
}

std::string HookPod(const std::string& name, const std::string& hook) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  annotations:\n    argocd.argoproj.io/hook: " +
         hook + "\n    localnode.capstan.dev/run-seconds: \"0.5\"\nspec:\n  restartPolicy: Never\n  containers:\n"
         "    - name: main\n      image: busybox\n      command: [\"true\"]\n";
}

class AppDeleteCliTest : public testing::ClusterTest {
 protected:
  // Writes |files| into a Git repository, writes app.yaml and syncs it (exit 0 required).
  void SyncApp(const std::vector<std::pair<std::string, std::string>>& files) {
    repo_ = scratch_ / "repo";
    for (const auto& [name, text] : files) WriteFile(repo_ + "/" + name, text);
    GitCmd(repo_, {"init", "-q"});
    GitCmd(repo_, {"add", "-A"});
    GitCmd(repo_, {"commit", "-q", "-m", "fixture"});
    base::Json app = {{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "Application"},
                      {"metadata", {{"name", "app"}, {"namespace", ns()}}},
                      {"spec",
                       {{"project", "default"},
                        {"source", {{"repoURL", repo_}, {"path", "."}, {"targetRevision", "HEAD"}}},
                        {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", ns()}}}}}};
    WriteFile(scratch_ / "app.yaml", app.dump(2));
    auto r = cli_testing::Capstan({"sync", "-f", scratch_ / "app.yaml", "--cache-dir", scratch_ / "cache"});
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  }

  // `capstan app delete app -N ns <flags>` with CAPSTAN_CRASH_AT=|crash_at| ("" = none).
  base::SubprocessResult Delete(std::vector<std::string> flags = {}, const std::string& crash_at = "") {
    cli_testing::EnsureInstalled();
    base::SubprocessOptions opts;
    opts.argv = cli_testing::CapstanCommand();
    opts.argv.insert(opts.argv.end(), {"app", "delete", "app", "-N", ns(), "--cache-dir", scratch_ / "cache",
                                       "--timeout", "90"});
    opts.argv.insert(opts.argv.end(), flags.begin(), flags.end());
    opts.env["CAPSTAN_CRASH_AT"] = crash_at;
    opts.timeout = std::chrono::seconds(120);
    auto r = base::RunSubprocess(opts);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : base::SubprocessResult{};
  }

  bool Exists(const core::Gvk& gvk, const std::string& name) { return client().Get(gvk, ns(), name).ok(); }

  ScratchDir scratch_;
  std::string repo_;
};

TEST_F(AppDeleteCliTest, NonCascadingDeleteLeavesResources) {
  SyncApp({{"cm.yaml", ConfigMap("cm")}});
  ASSERT_TRUE(Exists(kConfigMapGvk, "cm"));
  auto r = Delete({"--cascade=false"});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_FALSE(Exists(kApplicationGvk, "app"));
  EXPECT_TRUE(Exists(kConfigMapGvk, "cm")) << "a non-cascading delete deleted the app's ConfigMap";
}

TEST_F(AppDeleteCliTest, CascadeKeepsProtectedObjectsAndDeletesHighestWaveFirst) {
  SyncApp({{"cm-w0.yaml", ConfigMap("cm-w0")},
           {"cm-w1.yaml", ConfigMap("cm-w1", "    argocd.argoproj.io/sync-wave: \"1\"\n")},
           {"cm-w2.yaml", ConfigMap("cm-w2", "    argocd.argoproj.io/sync-wave: \"2\"\n")},
           {"kept.yaml", ConfigMap("kept", "    argocd.argoproj.io/sync-options: Delete=false\n")},
           {"helm-kept.yaml", ConfigMap("helm-kept", "    helm.sh/resource-policy: keep\n")}});
  EventLog log(client(), ns(), kConfigMapGvk);
  auto r = Delete();
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stderr_text, HasSubstr("wave 2 deleted: ConfigMap " + ns() + "/cm-w2"));
  EXPECT_FALSE(Exists(kApplicationGvk, "app"));
  EXPECT_TRUE(Exists(kConfigMapGvk, "kept")) << "Delete=false was deleted";
  EXPECT_TRUE(Exists(kConfigMapGvk, "helm-kept")) << "helm.sh/resource-policy: keep was deleted";
  for (const char* cm : {"cm-w0", "cm-w1", "cm-w2"}) EXPECT_FALSE(Exists(kConfigMapGvk, cm)) << cm;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the watch may lag the command
  int w2 = log.IndexOf("D:cm-w2"), w1 = log.IndexOf("D:cm-w1"), w0 = log.IndexOf("D:cm-w0");
  EXPECT_TRUE(w2 >= 0 && w2 < w1 && w1 < w0) << "DELETED order: " << log.Describe();
}

// A crash at |point| during the deletion, then `app delete` again.
class AppDeleteCrashTest : public AppDeleteCliTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(AppDeleteCrashTest, ResumesAndCreatesEachHookOnce) {
  const std::string point = GetParam();
  SyncApp({{"cm-w0.yaml", ConfigMap("cm-w0")},
           {"cm-w1.yaml", ConfigMap("cm-w1", "    argocd.argoproj.io/sync-wave: \"1\"\n")},
           {"pre-hook.yaml", HookPod("pre-hook", "PreDelete")},
           {"post-hook.yaml", HookPod("post-hook", "PostDelete")}});
  EventLog pods(client(), ns(), kPodGvk);
  auto crashed = Delete({}, point);
  ASSERT_EQ(crashed.exit_code, base::kCrashExitCode) << "CAPSTAN_CRASH_AT=" << point << " was not reached:\n"
                                                     << crashed.stderr_text;
  if (Exists(kApplicationGvk, "app")) {  // removing the last finalizer deletes it before the crash
    auto rerun = Delete();
    EXPECT_EQ(rerun.exit_code, 0) << rerun.stderr_text;
  }
  EXPECT_FALSE(Exists(kApplicationGvk, "app"));
  EXPECT_FALSE(Exists(kConfigMapGvk, "cm-w0"));
  EXPECT_FALSE(Exists(kConfigMapGvk, "cm-w1"));
  EXPECT_FALSE(Exists(kLeaseGvk, "capstan-op-app")) << "the operation Lease was left behind";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(pods.Count("A:pre-hook"), 1) << pods.Describe();
  EXPECT_EQ(pods.Count("A:post-hook"), 1) << pods.Describe();
  // The PreDelete hook went with the app's resources; the PostDelete hook (default delete policy) stays.
  EXPECT_FALSE(Exists(kPodGvk, "pre-hook"));
  EXPECT_TRUE(Exists(kPodGvk, "post-hook"));
}

INSTANTIATE_TEST_SUITE_P(Deletion, AppDeleteCrashTest,
                         ::testing::ValuesIn(crash_testing::kDeletionCrashPoints),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return crash_testing::ParamName(info.param);
                         });

}  // namespace
}  // namespace capstan
