// Copyright 2026 The capstan Authors.
//
// For the app module's unit tests that run operations end to end on kube::FakeClient: a real Git
// repository made with the git CLI in a temporary directory (removed at the end), the Application
// that renders it, and a thread playing the kubelet for run-to-completion Pods (restartPolicy Never):
// Pending becomes Running, and Running becomes whatever the test's |finish| says.
//
// Thread safety: TempGitRepo is thread-compatible; FakeKubelet's thread only calls the FakeClient
// (thread-safe) and |finish|, which must be thread-safe.

#ifndef CAPSTAN_APP_APP_TEST_UTIL_H_
#define CAPSTAN_APP_APP_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "base/subprocess.h"
#include "kube/fake_client.h"

namespace capstan::app::testing_util {

class TempGitRepo {
 public:
  TempGitRepo() {
    char tmpl[] = "/tmp/capstan-app-test-XXXXXX";
    const char* made = mkdtemp(tmpl);
    if (made == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return;
    }
    dir_ = made;
    Git({"init", "-q", "-b", "main", url()});
  }
  ~TempGitRepo() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  TempGitRepo(const TempGitRepo&) = delete;
  TempGitRepo& operator=(const TempGitRepo&) = delete;

  // The temporary directory (caches may go under it); the repository is url().
  const std::string& dir() const { return dir_; }
  std::string url() const { return dir_ + "/repo"; }

  void Write(const std::string& name, const std::string& text) { std::ofstream(url() + "/" + name) << text; }
  void Commit() {
    Git({"-C", url(), "add", "-A"});
    Git({"-C", url(), "commit", "-q", "-m", "change"});
  }

  // The Application "app" in namespace "ns" syncing this repository at HEAD into namespace "ns".
  base::Json AppJson() const {
    return {{"apiVersion", "argoproj.io/v1alpha1"},
            {"kind", "Application"},
            {"metadata", {{"name", "app"}, {"namespace", "ns"}}},
            {"spec",
             {{"project", "default"},
              {"source", {{"repoURL", url()}, {"path", "."}, {"targetRevision", "HEAD"}}},
              {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", "ns"}}}}}};
  }

 private:
  void Git(std::vector<std::string> args) {
    args.insert(args.begin(), "git");
    auto r = base::RunSubprocess({.argv = args,
                                  .env = {{"GIT_AUTHOR_NAME", "t"}, {"GIT_AUTHOR_EMAIL", "t@example.com"},
                                          {"GIT_COMMITTER_NAME", "t"}, {"GIT_COMMITTER_EMAIL", "t@example.com"}}});
    EXPECT_TRUE(r.ok() && r->exit_code == 0) << (r.ok() ? r->stderr_text : r.status().ToString());
  }

  std::string dir_;
};

// Plays the kubelet for the run-to-completion Pods of namespace |ns| until destroyed: a Pending Pod
// becomes Running; a Running one becomes finish(pod) ("Succeeded", "Failed" — with container exit
// code 1 — or "Running" to stay).
class FakeKubelet {
 public:
  FakeKubelet(kube::FakeClient& fake, std::function<std::string(const base::Json& pod)> finish,
              std::string ns = "ns")
      : thread_([&fake, finish = std::move(finish), ns = std::move(ns)](std::stop_token stop) {
          while (!stop.stop_requested()) {
            auto pods = fake.List({"", "v1", "Pod"}, ns, {});
            if (pods.ok()) {
              for (const base::Json& p : pods->items) {
                if (base::GetStringAt(p, "spec/restartPolicy") != "Never") continue;
                std::string phase = base::GetStringAt(p, "status/phase");
                std::string next = phase == "Pending" ? "Running" : phase == "Running" ? finish(p) : "";
                if (next.empty() || next == phase) continue;
                base::Json status = {{"phase", next}};
                if (next == "Failed") {
                  status["containerStatuses"] = {{{"name", "main"}, {"state", {{"terminated", {{"exitCode", 1}}}}}}};
                }
                (void)fake.Patch({"", "v1", "Pod"}, ns, base::GetStringAt(p, "metadata/name"), kube::PatchType::kMerge,
                                 {{"status", status}}, {.subresource = "status"});
              }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }) {}

 private:
  std::jthread thread_;
};

}  // namespace capstan::app::testing_util

#endif  // CAPSTAN_APP_APP_TEST_UTIL_H_
