// Copyright 2026 The capstan Authors.

#include "localnode/pod_lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace capstan::localnode {
namespace {

using base::Json;
using std::chrono::milliseconds;
using std::chrono::seconds;

const Clock::time_point kT0 = Clock::from_time_t(1767323045);  // 2026-01-02T03:04:05Z

Json MakePod(const std::string& restart_policy, Json annotations = Json::object()) {
  Json pod{{"apiVersion", "v1"},
           {"kind", "Pod"},
           {"metadata",
            {{"name", "p"}, {"namespace", "ns"}, {"uid", "uid-1"}, {"resourceVersion", "10"},
             {"annotations", std::move(annotations)}}},
           {"spec",
            {{"nodeName", "local-node"},
             {"containers", Json::array({Json{{"name", "main"}, {"image", "busybox:1.36"}}})}}},
           {"status",
            {{"phase", "Pending"},
             {"qosClass", "BestEffort"},
             {"conditions", Json::array({Json{{"type", "PodScheduled"},
                                              {"status", "True"},
                                              {"lastTransitionTime", "2026-01-02T03:00:00Z"}}})}}}};
  if (!restart_policy.empty()) pod["spec"]["restartPolicy"] = restart_policy;
  return pod;
}

// What the API server does with a merge patch of the status subresource.
void Apply(Json& pod, const Step& step) {
  ASSERT_EQ(step.kind, StepKind::kWriteStatus);
  pod["status"].merge_patch(step.status);
}

const Json& Condition(const Json& pod, const std::string& type) {
  for (const Json& c : pod["status"]["conditions"]) {
    if (c["type"] == type) return c;
  }
  static const Json kNone;
  ADD_FAILURE() << "no condition " << type;
  return kNone;
}

// Starts |pod| at |at| and returns the Attempt the agent would remember.
Attempt StartPod(Json& pod, const PodPlan& plan, Clock::time_point at) {
  Step step = Decide(pod, plan, at, nullptr);
  Apply(pod, step);
  EXPECT_TRUE(step.new_attempt.has_value());
  return Attempt{.restart_count = step.new_attempt.value_or(0), .started = at};
}

TEST(PodLifecycleTest, PendingPodStartsRunningAndReady) {
  Json pod = MakePod("Always");
  Step step = Decide(pod, PlanOf(pod), kT0, nullptr);
  ASSERT_EQ(step.kind, StepKind::kWriteStatus);
  EXPECT_EQ(step.new_attempt, 0);
  EXPECT_EQ(step.what, "Pending -> Running");
  Apply(pod, step);
  const Json& st = pod["status"];
  EXPECT_EQ(st["phase"], "Running");
  EXPECT_EQ(st["startTime"], "2026-01-02T03:04:05Z");
  EXPECT_EQ(st["hostIP"], "127.0.0.1");
  EXPECT_EQ(st["podIP"], "127.0.0.1");
  EXPECT_EQ(st["qosClass"], "BestEffort");  // untouched fields stay
  ASSERT_EQ(st["containerStatuses"].size(), 1u);
  const Json& cs = st["containerStatuses"][0];
  EXPECT_EQ(cs["name"], "main");
  EXPECT_EQ(cs["image"], "busybox:1.36");
  EXPECT_THAT(cs["imageID"].get<std::string>(), ::testing::StartsWith("busybox:1.36@sha256:"));
  EXPECT_THAT(cs["containerID"].get<std::string>(), ::testing::StartsWith("containerd://"));
  EXPECT_EQ(cs["ready"], true);
  EXPECT_EQ(cs["started"], true);
  EXPECT_EQ(cs["restartCount"], 0);
  EXPECT_EQ(cs["state"]["running"]["startedAt"], "2026-01-02T03:04:05Z");
  EXPECT_EQ(Condition(pod, "Ready")["status"], "True");
  EXPECT_EQ(Condition(pod, "ContainersReady")["status"], "True");
  EXPECT_EQ(Condition(pod, "Initialized")["status"], "True");
  // The scheduler's condition is kept as it was.
  EXPECT_EQ(Condition(pod, "PodScheduled")["lastTransitionTime"], "2026-01-02T03:00:00Z");
}

TEST(PodLifecycleTest, LongRunningPodStaysRunning) {
  Json pod = MakePod("");  // restartPolicy unset means Always
  PodPlan plan = PlanOf(pod);
  Attempt attempt = StartPod(pod, plan, kT0);
  Step step = Decide(pod, plan, kT0 + std::chrono::hours(5), &attempt);
  EXPECT_EQ(step.kind, StepKind::kWait);
  EXPECT_FALSE(step.recheck_at.has_value());
  EXPECT_EQ(pod["status"]["phase"], "Running");
}

TEST(PodLifecycleTest, ReadyFalseAnnotationNeverBecomesReady) {
  Json pod = MakePod("Always", {{"localnode.capstan.dev/ready", "false"}});
  PodPlan plan = PlanOf(pod);
  Attempt attempt = StartPod(pod, plan, kT0);
  EXPECT_EQ(pod["status"]["phase"], "Running");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["ready"], false);
  EXPECT_EQ(Condition(pod, "Ready")["status"], "False");
  EXPECT_EQ(Condition(pod, "Ready")["reason"], "ContainersNotReady");
  EXPECT_EQ(Decide(pod, plan, kT0 + seconds(60), &attempt).kind, StepKind::kWait);
}

TEST(PodLifecycleTest, ReadinessFollowsAChangedAnnotation) {
  Json pod = MakePod("Always", {{"localnode.capstan.dev/ready", "false"}});
  Attempt attempt = StartPod(pod, PlanOf(pod), kT0);
  pod["metadata"]["annotations"]["localnode.capstan.dev/ready"] = "true";
  Step step = Decide(pod, PlanOf(pod), kT0 + seconds(7), &attempt);
  Apply(pod, step);
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["ready"], true);
  EXPECT_EQ(Condition(pod, "Ready")["status"], "True");
  EXPECT_EQ(Condition(pod, "Ready")["lastTransitionTime"], "2026-01-02T03:04:12Z");
  EXPECT_EQ(Decide(pod, PlanOf(pod), kT0 + seconds(8), &attempt).kind, StepKind::kWait);
}

TEST(PodLifecycleTest, NeverPodWaitsForItsRunTimeThenSucceeds) {
  Json pod = MakePod("Never", {{"localnode.capstan.dev/run-seconds", "2.5"}});
  PodPlan plan = PlanOf(pod);
  Attempt attempt = StartPod(pod, plan, kT0 + milliseconds(300));
  Step wait = Decide(pod, plan, kT0 + seconds(1), &attempt);
  ASSERT_EQ(wait.kind, StepKind::kWait);
  ASSERT_TRUE(wait.recheck_at.has_value());
  EXPECT_EQ(*wait.recheck_at, kT0 + milliseconds(2800));  // the precise start, not the status' second

  Step done = Decide(pod, plan, kT0 + milliseconds(2800), &attempt);
  Apply(pod, done);
  EXPECT_EQ(done.what, "Running -> Succeeded (exit 0)");
  EXPECT_EQ(pod["status"]["phase"], "Succeeded");
  const Json& cs = pod["status"]["containerStatuses"][0];
  EXPECT_EQ(cs["ready"], false);
  EXPECT_EQ(cs["state"]["terminated"]["exitCode"], 0);
  EXPECT_EQ(cs["state"]["terminated"]["reason"], "Completed");
  EXPECT_EQ(cs["state"]["terminated"]["startedAt"], "2026-01-02T03:04:05Z");
  EXPECT_EQ(cs["state"]["terminated"]["finishedAt"], "2026-01-02T03:04:07Z");
  EXPECT_FALSE(cs["state"].contains("running"));
  EXPECT_EQ(Condition(pod, "Ready")["status"], "False");
  EXPECT_EQ(Condition(pod, "Ready")["reason"], "PodCompleted");
  // Terminal: nothing more to do.
  EXPECT_EQ(Decide(pod, plan, kT0 + seconds(100), &attempt).kind, StepKind::kWait);
}

TEST(PodLifecycleTest, NeverPodWithExitCodeFails) {
  Json pod = MakePod("Never", {{"localnode.capstan.dev/exit-code", "3"}});
  PodPlan plan = PlanOf(pod);
  Attempt attempt = StartPod(pod, plan, kT0);
  Step step = Decide(pod, plan, kT0 + seconds(1), &attempt);
  Apply(pod, step);
  EXPECT_EQ(pod["status"]["phase"], "Failed");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 3);
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["state"]["terminated"]["reason"], "Error");
}

TEST(PodLifecycleTest, OnFailurePodRestartsInPlaceWithGrowingRestartCount) {
  Json pod = MakePod("OnFailure", {{"localnode.capstan.dev/exit-code", "1"}, {"localnode.capstan.dev/run-seconds", "1"}});
  PodPlan plan = PlanOf(pod);
  Attempt attempt = StartPod(pod, plan, kT0);
  Clock::time_point now = kT0;
  for (int i = 1; i <= 3; ++i) {
    now += seconds(1);
    Step step = Decide(pod, plan, now, &attempt);
    ASSERT_EQ(step.kind, StepKind::kWriteStatus);
    ASSERT_EQ(step.new_attempt, i);
    Apply(pod, step);
    attempt = Attempt{.restart_count = i, .started = now};
    const Json& cs = pod["status"]["containerStatuses"][0];
    EXPECT_EQ(pod["status"]["phase"], "Running");
    EXPECT_EQ(cs["restartCount"], i);
    EXPECT_EQ(cs["lastState"]["terminated"]["exitCode"], 1);
    EXPECT_EQ(cs["state"]["running"]["startedAt"], FormatTime(now));
    EXPECT_EQ(cs["ready"], true);
  }
  // The next restart is due one run time after the last one.
  Step wait = Decide(pod, plan, now + milliseconds(500), &attempt);
  ASSERT_EQ(wait.kind, StepKind::kWait);
  EXPECT_EQ(wait.recheck_at, now + seconds(1));
}

TEST(PodLifecycleTest, OnFailurePodSucceedsOnExitZero) {
  Json pod = MakePod("OnFailure");
  PodPlan plan = PlanOf(pod);
  Attempt attempt = StartPod(pod, plan, kT0);
  Apply(pod, Decide(pod, plan, kT0 + seconds(1), &attempt));
  EXPECT_EQ(pod["status"]["phase"], "Succeeded");
}

TEST(PodLifecycleTest, RestartedAgentFinishesAPodWhoseTimePassed) {
  Json pod = MakePod("Never", {{"localnode.capstan.dev/run-seconds", "3"}});
  PodPlan plan = PlanOf(pod);
  StartPod(pod, plan, kT0);
  // A new agent knows nothing of the run: it reads the start from the status.
  Step early = Decide(pod, plan, kT0 + seconds(1), nullptr);
  ASSERT_EQ(early.kind, StepKind::kWait);
  EXPECT_EQ(early.recheck_at, kT0 + seconds(3));
  Step late = Decide(pod, plan, kT0 + seconds(30), nullptr);
  Apply(pod, late);
  EXPECT_EQ(pod["status"]["phase"], "Succeeded");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"], "2026-01-02T03:04:08Z");
}

TEST(PodLifecycleTest, RestartedAgentKeepsARunningPodRunning) {
  Json pod = MakePod("Always");
  StartPod(pod, PlanOf(pod), kT0);
  Json before = pod;
  Step step = Decide(pod, PlanOf(pod), kT0 + std::chrono::hours(1), nullptr);
  EXPECT_EQ(step.kind, StepKind::kWait);
  EXPECT_EQ(pod, before);
}

TEST(PodLifecycleTest, InitContainersAreShownCompleted) {
  Json pod = MakePod("Never");
  pod["spec"]["initContainers"] = Json::array({Json{{"name", "setup"}, {"image", "busybox"}}});
  Apply(pod, Decide(pod, PlanOf(pod), kT0, nullptr));
  ASSERT_EQ(pod["status"]["initContainerStatuses"].size(), 1u);
  const Json& init = pod["status"]["initContainerStatuses"][0];
  EXPECT_EQ(init["name"], "setup");
  EXPECT_EQ(init["state"]["terminated"]["exitCode"], 0);
  EXPECT_EQ(init["state"]["terminated"]["reason"], "Completed");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["state"].contains("running"), true);
}

TEST(PodLifecycleTest, EveryContainerGetsAStatus) {
  Json pod = MakePod("Never", {{"localnode.capstan.dev/exit-code", "2"}});
  pod["spec"]["containers"].push_back(Json{{"name", "sidecar"}, {"image", "nginx"}});
  PodPlan plan = PlanOf(pod);
  Attempt attempt = StartPod(pod, plan, kT0);
  ASSERT_EQ(pod["status"]["containerStatuses"].size(), 2u);
  EXPECT_NE(pod["status"]["containerStatuses"][0]["containerID"], pod["status"]["containerStatuses"][1]["containerID"]);
  Apply(pod, Decide(pod, plan, kT0 + seconds(1), &attempt));
  EXPECT_EQ(pod["status"]["phase"], "Failed");
  EXPECT_EQ(pod["status"]["containerStatuses"][1]["state"]["terminated"]["exitCode"], 2);
}

TEST(PodLifecycleTest, DeletionRemovesTheNamedFinalizerStopsAndDeletes) {
  Json pod = MakePod("Always", {{"localnode.capstan.dev/remove-finalizer-on-delete", "example.com/pre-stop"}});
  PodPlan plan = PlanOf(pod);
  Attempt attempt = StartPod(pod, plan, kT0);
  pod["metadata"]["finalizers"] = Json::array({"example.com/pre-stop"});
  pod["metadata"]["deletionTimestamp"] = "2026-01-02T03:05:00Z";
  pod["metadata"]["deletionGracePeriodSeconds"] = 30;

  Step first = Decide(pod, plan, kT0 + seconds(60), &attempt);
  ASSERT_EQ(first.kind, StepKind::kRemoveFinalizer);
  EXPECT_EQ(first.finalizer, "example.com/pre-stop");
  pod["metadata"]["finalizers"] = Json::array();

  Step second = Decide(pod, plan, kT0 + seconds(60), &attempt);
  ASSERT_EQ(second.kind, StepKind::kWriteStatus);
  Apply(pod, second);
  const Json& cs = pod["status"]["containerStatuses"][0];
  EXPECT_TRUE(cs["state"].contains("terminated"));
  EXPECT_EQ(cs["ready"], false);
  EXPECT_EQ(Condition(pod, "Ready")["status"], "False");

  EXPECT_EQ(Decide(pod, plan, kT0 + seconds(60), &attempt).kind, StepKind::kDelete);
  // Once deleted with grace 0, a pod held by someone else's finalizer just waits.
  pod["metadata"]["deletionGracePeriodSeconds"] = 0;
  pod["metadata"]["finalizers"] = Json::array({"example.com/other"});
  Step wait = Decide(pod, plan, kT0 + seconds(61), &attempt);
  EXPECT_EQ(wait.kind, StepKind::kWait);
  EXPECT_FALSE(wait.recheck_at.has_value());
}

TEST(PodLifecycleTest, PendingPodBeingDeletedIsDeletedAtOnce) {
  Json pod = MakePod("Always");
  pod["metadata"]["deletionTimestamp"] = "2026-01-02T03:05:00Z";
  pod["metadata"]["deletionGracePeriodSeconds"] = 30;
  EXPECT_EQ(Decide(pod, PlanOf(pod), kT0, nullptr).kind, StepKind::kDelete);
}

TEST(PodLifecycleTest, OddPodsNeverThrow) {
  PodPlan plan;
  for (const Json& odd : {Json(), Json::array(), Json{{"spec", 3}}, Json{{"status", {{"phase", 4}}}},
                          Json{{"spec", {{"containers", Json::array({1, Json{{"image", "x"}}})}}}},
                          Json{{"metadata", {{"deletionTimestamp", "x"}}}, {"status", {{"containerStatuses", 5}}}}}) {
    Step step = Decide(odd, plan, kT0, nullptr);
    EXPECT_TRUE(step.kind == StepKind::kWait || step.kind == StepKind::kDelete) << odd.dump();
  }
  // Junk in the status of a running pod still gives a decision.
  Json pod = MakePod("Never");
  pod["status"]["phase"] = "Running";
  pod["status"]["containerStatuses"] = Json::array({Json{{"name", "main"}, {"restartCount", "x"}, {"ready", true},
                                                         {"state", {{"running", {{"startedAt", 12}}}}}}});
  Step step = Decide(pod, plan, kT0, nullptr);
  EXPECT_EQ(step.kind, StepKind::kWait);
  EXPECT_EQ(step.recheck_at, kT0 + milliseconds(500));
}

TEST(PodLifecycleTest, ExecModeWaitsForTheProcesses) {
  Json pod = MakePod("Never");
  PodPlan plan = PlanOf(pod);
  DecideOptions exec{.exec = true};
  Step start = Decide(pod, plan, kT0, nullptr, exec);
  Apply(pod, start);
  Attempt attempt{.restart_count = 0, .started = kT0};
  EXPECT_EQ(Decide(pod, plan, kT0, &attempt, exec).kind, StepKind::kRunContainers);
  attempt.launched = true;
  Step wait = Decide(pod, plan, kT0 + std::chrono::hours(1), &attempt, exec);
  EXPECT_EQ(wait.kind, StepKind::kWait);
  EXPECT_FALSE(wait.recheck_at.has_value());
  attempt.exited = true;
  attempt.exit_codes = {{"main", 42}};
  attempt.finished = kT0 + seconds(9);
  Apply(pod, Decide(pod, plan, kT0 + seconds(10), &attempt, exec));
  EXPECT_EQ(pod["status"]["phase"], "Failed");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 42);
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"], "2026-01-02T03:04:14Z");
}

TEST(PodLifecycleTest, ExecModeRestartsAnExitedLongRunningProcess) {
  Json pod = MakePod("Always");
  PodPlan plan = PlanOf(pod);
  DecideOptions exec{.exec = true};
  Apply(pod, Decide(pod, plan, kT0, nullptr, exec));
  Attempt attempt{.restart_count = 0, .started = kT0, .launched = true, .exited = true,
                  .exit_codes = {{"main", 0}}, .finished = kT0 + seconds(2)};
  Step step = Decide(pod, plan, kT0 + seconds(2), &attempt, exec);
  EXPECT_EQ(step.new_attempt, 1);
  Apply(pod, step);
  EXPECT_EQ(pod["status"]["phase"], "Running");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["restartCount"], 1);
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["reason"], "Completed");
}

TEST(PodLifecycleTest, Helpers) {
  Json pod = MakePod("");
  EXPECT_EQ(RestartPolicyOf(pod), "Always");
  EXPECT_EQ(RestartCountOf(pod), 0);
  pod["spec"]["initContainers"] = Json::array({Json{{"name", "init"}}});
  EXPECT_TRUE(HasContainer(pod, "main"));
  EXPECT_TRUE(HasContainer(pod, "init"));
  EXPECT_FALSE(HasContainer(pod, "other"));
}

}  // namespace
}  // namespace capstan::localnode
