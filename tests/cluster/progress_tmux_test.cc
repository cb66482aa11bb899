// Copyright 2026 The capstan Authors.
//
// The progress view in a real terminal: `capstan sync -f` runs inside tmux against the local control
// plane while its second wave (of three) waits for a Deployment that never becomes ready. The captured screen
// must show the block once (redrawn in place, not scrolled), the phase and wave being worked on, the
// finished first wave, and the line saying what the wave waits for.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "base/subprocess.h"
#include "cli_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;

class ProgressTmuxTest : public testing::ClusterTest {
 protected:
  void TearDown() override {
    if (!socket_.empty()) (void)cli_testing::Run({"tmux", "-L", socket_, "kill-server"});
    testing::ClusterTest::TearDown();
  }
  std::string Screen() { return cli_testing::Run({"tmux", "-L", socket_, "capture-pane", "-p", "-t", "sync"}).stdout_text; }

  source_testing::ScratchDir scratch_;
  std::string socket_;
};

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(ProgressTmuxTest, ScreenShowsTheWaveAndWhatItWaitsFor) {
  std::string repo = scratch_.path() + "/repo";
  ASSERT_EQ(cli_testing::Run({"git", "init", "-q", "-b", "main", repo}).exit_code, 0);
  source_testing::WriteFile(repo + "/settings.yaml",
                            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n"
                            "    argocd.argoproj.io/sync-wave: \"0\"\ndata:\n  k: v\n");
  source_testing::WriteFile(repo + "/web.yaml",
                            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n"
                            "    argocd.argoproj.io/sync-wave: \"1\"\nspec:\n  replicas: 1\n  selector:\n"
                            "    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
                            "      annotations:\n        localnode.capstan.dev/ready: \"false\"\n    spec:\n"
                            "      containers:\n      - name: main\n        image: web\n");
  // A later wave: without one, the last wave's health is not waited for (Argo CD's rule).
  source_testing::WriteFile(repo + "/after.yaml",
                            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n  annotations:\n"
                            "    argocd.argoproj.io/sync-wave: \"2\"\ndata:\n  k: v\n");
  ASSERT_EQ(cli_testing::Run({"git", "-C", repo, "add", "-A"}).exit_code, 0);
  ASSERT_EQ(cli_testing::Run({"git", "-C", repo, "commit", "-q", "-m", "c"}).exit_code, 0);
  std::string app = scratch_.path() + "/app.yaml";
  source_testing::WriteFile(app, "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: tui\n  namespace: " +
                                     ns() + "\nspec:\n  source:\n    repoURL: " + repo +
                                     "\n    path: .\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: " +
                                     ns() + "\n");

  cli_testing::EnsureInstalled();
  socket_ = "capstan-" + ns();
  std::string command = std::string(CAPSTAN_BINARY_DIR) + "/capstan --kubeconfig " + testing::TestKubeconfigPath() +
                        " sync -f " + app + " --timeout 60 --cache-dir " + scratch_.path() + "/cache; sleep 120";
  auto started = cli_testing::Run({"tmux", "-L", socket_, "new-session", "-d", "-s", "sync", "-x", "160", "-y", "40",
                                   "env", "TERM=xterm-256color", "sh", "-c", command});
  ASSERT_EQ(started.exit_code, 0) << started.stderr_text;

  const std::string waiting = "waiting for healthy state of apps/Deployment/web";
  std::string screen;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(45);
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(std::chrono::milliseconds(500))) {
    screen = Screen();
    // The Deployment's health reaches the block a redraw after the "waiting for" line: wait for both.
    if (screen.find(waiting) != std::string::npos && screen.find("Synced · Progressing") != std::string::npos) break;
  }
  std::cout << "--- screen ---\n" << screen << "--------------\n";
  EXPECT_THAT(screen, HasSubstr(waiting));
  EXPECT_THAT(screen, HasSubstr(ns() + "/tui  Running  Sync · wave 1"));
  EXPECT_THAT(screen, HasSubstr("✓ Sync     wave 0  ConfigMap " + ns() + "/settings  Synced"));
  EXPECT_THAT(screen, HasSubstr("◌ Sync     wave 1  apps/Deployment " + ns() + "/web  Synced · Progressing"));
  // Redrawn in place: one block on the screen, however many steps ran.
  EXPECT_EQ(Count(screen, ns() + "/tui  Running"), 1u) << screen;
  EXPECT_EQ(Count(screen, waiting), 1u) << screen;
  EXPECT_THAT(screen, HasSubstr("· Sync     wave 2  ConfigMap " + ns() + "/after  pending"));
}

}  // namespace
}  // namespace capstan
