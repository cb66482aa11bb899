// Copyright 2026 The capstan Authors.

#include "localnode/exec_runner.h"

#include <gtest/gtest.h>

#include <condition_variable>

namespace capstan::localnode {
namespace {

using base::Json;
using std::chrono::milliseconds;

// Collects on_exit calls.
class Exits {
 public:
  void Add(const std::string& key, const RunResult& r) {
    std::lock_guard lock(mu_);
    results_.emplace_back(key, r);
    cv_.notify_all();
  }
  bool WaitFor(size_t n, milliseconds timeout = milliseconds(10000)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return results_.size() >= n; });
  }
  std::vector<std::pair<std::string, RunResult>> results() {
    std::lock_guard lock(mu_);
    return results_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, RunResult>> results_;
};

TEST(ContainerRunsTest, CommandArgsEnvFromTheSpec) {
  Json pod{{"spec",
            {{"restartPolicy", "Never"},
             {"containers",
              Json::array({Json{{"name", "main"},
                                {"command", {"sh", "-c"}},
                                {"args", {"echo hi"}},
                                {"workingDir", "/no/such/dir"},
                                {"env", Json::array({Json{{"name", "A"}, {"value", "1"}},
                                                     Json{{"name", "B"}, {"valueFrom", Json::object()}}})}},
                           Json{{"name", "bare"}}})}}}};
  PodPlan plan;
  plan.exit_code = 4;
  auto runs = ContainerRunsOf(pod, plan);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].argv, (std::vector<std::string>{"sh", "-c", "echo hi"}));
  EXPECT_EQ(runs[0].env, (std::map<std::string, std::string>{{"A", "1"}}));
  EXPECT_EQ(runs[0].working_dir, "");
  EXPECT_FALSE(runs[0].forever);
  EXPECT_TRUE(runs[1].argv.empty());
  EXPECT_EQ(runs[1].exit_code, 4);
}

TEST(ExecRunnerTest, ReportsRealExitCodesAndOutput) {
  Exits exits;
  ExecRunner runner([&](const std::string& key, const RunResult& r) { exits.Add(key, r); });
  std::vector<ContainerRun> runs(2);
  runs[0].name = "ok";
  runs[0].argv = {"sh", "-c", "echo out; echo err >&2"};
  runs[1].name = "bad";
  runs[1].argv = {"sh", "-c", "exit 7"};
  runner.Launch("ns/p", "uid-1", 0, runs);
  ASSERT_TRUE(exits.WaitFor(1));
  auto results = exits.results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].first, "ns/p");
  EXPECT_EQ(results[0].second.uid, "uid-1");
  EXPECT_EQ(results[0].second.exit_codes.at("ok"), 0);
  EXPECT_EQ(results[0].second.exit_codes.at("bad"), 7);
  EXPECT_EQ(runner.Log("uid-1", "ok", false), "out\nerr\n");
  EXPECT_EQ(runner.Log("uid-1", "ok", true), std::nullopt);
  EXPECT_EQ(runner.Log("uid-2", "ok", false), std::nullopt);
}

TEST(ExecRunnerTest, MissingExecutableExits127) {
  Exits exits;
  ExecRunner runner([&](const std::string& key, const RunResult& r) { exits.Add(key, r); });
  std::vector<ContainerRun> runs(1);
  runs[0].name = "c";
  runs[0].argv = {"capstan-no-such-program-xyz"};
  runner.Launch("ns/p", "u", 0, runs);
  ASSERT_TRUE(exits.WaitFor(1));
  EXPECT_EQ(exits.results()[0].second.exit_codes.at("c"), 127);
  EXPECT_NE(runner.Log("u", "c", false)->find("not found"), std::string::npos);
}

TEST(ExecRunnerTest, ContainerWithoutCommandPlaysThePlan) {
  Exits exits;
  ExecRunner runner([&](const std::string& key, const RunResult& r) { exits.Add(key, r); });
  std::vector<ContainerRun> runs(1);
  runs[0].name = "c";
  runs[0].exit_code = 3;
  runs[0].run_time = milliseconds(50);
  runner.Launch("ns/p", "u", 2, runs);
  ASSERT_TRUE(exits.WaitFor(1));
  EXPECT_EQ(exits.results()[0].second.exit_codes.at("c"), 3);
  EXPECT_EQ(exits.results()[0].second.restart_count, 2);
}

TEST(ExecRunnerTest, StopKillsWithoutReportingAndRelaunchKeepsPreviousLog) {
  Exits exits;
  ExecRunner runner([&](const std::string& key, const RunResult& r) { exits.Add(key, r); });
  std::vector<ContainerRun> first(1);
  first[0].name = "c";
  first[0].argv = {"sh", "-c", "echo one"};
  runner.Launch("ns/p", "u", 0, first);
  ASSERT_TRUE(exits.WaitFor(1));

  std::vector<ContainerRun> second(1);
  second[0].name = "c";
  second[0].argv = {"sleep", "60"};
  auto start = std::chrono::steady_clock::now();
  runner.Launch("ns/p", "u", 1, second);
  std::this_thread::sleep_for(milliseconds(100));
  runner.Stop("u");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(exits.results().size(), 1u);  // the killed run is not reported
  EXPECT_EQ(runner.Log("u", "c", false), "one\n");
  runner.Forget("u");
  EXPECT_EQ(runner.Log("u", "c", false), std::nullopt);
}

TEST(ExecRunnerTest, ForeverContainerRunsUntilStopped) {
  Exits exits;
  ExecRunner runner([&](const std::string& key, const RunResult& r) { exits.Add(key, r); });
  std::vector<ContainerRun> runs(1);
  runs[0].name = "c";
  runs[0].forever = true;
  runner.Launch("ns/p", "u", 0, runs);
  EXPECT_FALSE(exits.WaitFor(1, milliseconds(200)));
  runner.StopAll();
  EXPECT_TRUE(exits.results().empty());
}

}  // namespace
}  // namespace capstan::localnode
