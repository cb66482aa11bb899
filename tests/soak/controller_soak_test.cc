// Copyright 2026 The capstan Authors.
//
// Soak: `capstan controller` killed with SIGKILL at random moments of a 4-wave sync with PreSync, Sync
// and PostSync hook Pods (crash_test_util.h), then started again (Controller issue: "20 times with a
// recorded seed; report how many of 20 ended right"). Not in CI (ctest label `soak`); run it with
//
//   CAPSTAN_TEST_KUBECONFIG=$(scripts/local-cluster env | tail -n1) build/tests/soak/soak_test
//
// CAPSTAN_SOAK_SEED=<n> repeats a run (the seed is printed either way); CAPSTAN_SOAK_TRIALS=<n>
// changes the count (20).
//
// First one sync runs undisturbed, to measure how long it takes (T). Then each trial creates a new
// automated Application (the same Git repository, a destination namespace of its own), waits a random
// time drawn uniformly from [0, T] with the seeded generator, kills the controller's process group,
// notes how far the operation had come, and starts a new controller. The trial ended right when the
// operation Succeeded once (one history entry), each hook Pod was created exactly once (one ADDED watch
// event), no object keeps the hook finalizer, no operation Lease is left and every ConfigMap is there
// (crash_testing::SyncEndProblems). A table of every trial and the count that ended right is printed;
// the test fails unless all did.
//
// Thread safety: one GoogleTest case; the watch threads only append under their mutexes.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "cli_test_util.h"
#include "controller_daemon.h"
#include "crash_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using Clock = std::chrono::steady_clock;
using crash_testing::AddedCounter;
using crash_testing::kApplicationGvk;
using crash_testing::kNamespaceGvk;
using crash_testing::kPodGvk;
using std::chrono::milliseconds;
using std::chrono::seconds;

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoll(v, nullptr, 10) : fallback;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Trial {
  int64_t delay_ms = 0;
  std::string at_kill;  // the operation's phase and message when the controller was killed
  double finish_s = 0;  // from the restart to the operation's end
  std::vector<std::string> problems;
};

class ControllerSoak : public testing::ClusterTest {
 protected:
  void SetUp() override {
    testing::ClusterTest::SetUp();
    cli_testing::EnsureInstalled();
    repo_ = scratch_ / "repo";
    crash_testing::WriteFourWaveApp(repo_);
    source_testing::GitCmd(repo_, {"init", "-q"});
    source_testing::GitCmd(repo_, {"add", "-A"});
    source_testing::GitCmd(repo_, {"commit", "-q", "-m", "soak fixture"});
  }
  void TearDown() override {
    controller_.Stop();
    for (const std::string& dest : destinations_) (void)client().Delete(kNamespaceGvk, "", dest, {});
    testing::ClusterTest::TearDown();
  }

  void StartController() {
    ++starts_;
    ASSERT_TRUE(cli_testing::StartController(controller_, {.ns = ns(), .cache_dir = scratch_ / "cache",
                                                           .log = scratch_ / "controller.log", .resync = "60",
                                                           .jitter = "60"}));
  }

  // Creates trial |i|'s destination namespace; returns its name, which the trial's app also takes.
  std::string CreateDestination(int i) {
    const std::string name = ns() + "-" + std::to_string(i);
    base::Json dest = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
    auto made = client().Create(dest, {});
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    destinations_.push_back(name);
    return name;
  }

  // Creates the automated Application |name| syncing the repository into namespace |name|.
  void CreateApp(const std::string& name) {
    base::Json app = {{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "Application"},
                      {"metadata", {{"name", name}, {"namespace", ns()}}},
                      {"spec",
                       {{"project", "default"},
                        {"source", {{"repoURL", repo_}, {"path", "."}, {"targetRevision", "HEAD"}}},
                        {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", name}}},
                        {"syncPolicy", {{"automated", base::Json::object()}}}}}};
    auto created = client().Create(app, {});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
  }

  base::Json App(const std::string& name) {
    auto a = client().Get(kApplicationGvk, ns(), name);
    return a.ok() ? *a : base::Json();
  }
  bool Ended(const std::string& name) {
    base::Json app = App(name);
    const std::string phase = base::GetStringAt(app, "status/operationState/phase");
    return !app.contains("operation") && !phase.empty() && phase != "Running" && phase != "Terminating";
  }

  source_testing::ScratchDir scratch_;
  source_testing::Daemon controller_;
  std::string repo_;
  std::vector<std::string> destinations_;
  int starts_ = 0;
};

TEST_F(ControllerSoak, SigkillAtRandomMomentsOfASyncWithHooks) {
  const int64_t trials = EnvInt("CAPSTAN_SOAK_TRIALS", 20);
  const uint64_t seed = static_cast<uint64_t>(EnvInt("CAPSTAN_SOAK_SEED", static_cast<int64_t>(std::random_device{}())));
  std::mt19937_64 rng(seed);
  std::cout << "[soak] seed " << seed << " (CAPSTAN_SOAK_SEED=" << seed << " repeats it), " << trials << " trials\n";
  RecordProperty("seed", std::to_string(seed));

  // The undisturbed sync: how long one takes (T).
  StartController();
  ASSERT_FALSE(HasFailure());
  auto start = Clock::now();
  const std::string baseline = CreateDestination(0);
  CreateApp(baseline);
  ASSERT_TRUE(WaitFor([&] { return Ended(baseline); }, seconds(120))) << "the undisturbed sync did not end";
  const double t = Seconds(Clock::now() - start);
  ASSERT_EQ(base::GetStringAt(App(baseline), "status/operationState/phase"), "Succeeded");
  std::cout << "[soak] an undisturbed sync takes " << t << " s: kills are drawn from [0, " << t << "] s\n";
  std::uniform_int_distribution<int64_t> delay(0, static_cast<int64_t>(t * 1000));

  std::vector<Trial> results;
  for (int i = 1; i <= trials; ++i) {
    Trial trial;
    trial.delay_ms = delay(rng);
    const std::string name = CreateDestination(i);
    auto pods = std::make_unique<AddedCounter>(client(), name, kPodGvk);
    CreateApp(name);
    std::this_thread::sleep_for(milliseconds(trial.delay_ms));
    controller_.Kill();
    base::Json at_kill = App(name);
    trial.at_kill = base::GetStringAt(at_kill, "status/operationState/phase");
    if (trial.at_kill.empty()) trial.at_kill = at_kill.contains("operation") ? "requested" : "not requested";
    const std::string message = base::GetStringAt(at_kill, "status/operationState/message");
    if (!message.empty()) trial.at_kill += ": " + message;

    auto restart = Clock::now();
    StartController();
    if (!WaitFor([&] { return Ended(name); }, seconds(120))) trial.problems.push_back("did not end within 120 s");
    trial.finish_s = Seconds(Clock::now() - restart);
    base::Json app = App(name);
    for (std::string& p : crash_testing::SyncEndProblems(client(), app, name, *pods)) trial.problems.push_back(p);
    const size_t history = app["status"].value("history", base::Json::array()).size();
    if (history != 1) trial.problems.push_back("history has " + std::to_string(history) + " entries, want 1");
    std::cout << "[soak] trial " << i << ": killed after " << trial.delay_ms << " ms (" << trial.at_kill
              << "), ended " << trial.finish_s << " s after the restart: "
              << (trial.problems.empty() ? "right" : "WRONG") << "\n";
    for (const std::string& p : trial.problems) std::cout << "[soak]   " << p << "\n";
    results.push_back(std::move(trial));
  }

  int right = 0;
  for (const Trial& r : results) right += r.problems.empty() ? 1 : 0;
  std::cout << "[soak] " << right << " of " << trials << " ended right (seed " << seed << ", undisturbed sync " << t
            << " s, " << starts_ << " controller starts)\n";
  RecordProperty("ended_right", std::to_string(right));
  EXPECT_EQ(right, trials) << "see the [soak] lines; the controllers' log:\n"
                           << crash_testing::Tail(source_testing::ReadFile(scratch_ / "controller.log"), 20000);
}

}  // namespace
}  // namespace capstan
