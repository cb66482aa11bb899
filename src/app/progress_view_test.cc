// Copyright 2026 The capstan Authors.
//
// The progress view's plain-line output for a whole operation (PreSync hook, two waves, PostSync
// hook) is compared with testdata/progress_plain.golden; the terminal rendering is checked for what a
// user looks at: the wave being worked on, what it waits for, and the final state of every task.
// Set CAPSTAN_UPDATE_GOLDEN=1 to rewrite the golden file after an intended change.

#include "app/progress_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/json.h"

namespace capstan::app {
namespace {

using core::OperationPhase;
using core::ResultCode;
using core::SyncPhase;
using ::testing::HasSubstr;
using ::testing::Not;

sync::ResourceResult Result(std::string group, std::string kind, std::string name, SyncPhase phase,
                            std::optional<OperationPhase> hook_phase, bool hook, std::string message = "") {
  sync::ResourceResult r;
  r.group = std::move(group);
  r.version = "v1";
  r.kind = std::move(kind);
  r.namespace_ = "demo";
  r.name = std::move(name);
  r.sync_phase = phase;
  r.hook_phase = hook_phase;
  if (hook) r.hook_type = static_cast<core::HookType>(static_cast<int>(phase));
  r.message = std::move(message);
  return r;
}

// The operation of examples/demo, step by step, as the runner reports it.
class Operation {
 public:
  Operation() {
    plan_ = {
        {.key = "batch/Job/demo/migrate:PreSync", .phase = SyncPhase::kPreSync, .wave = 0, .hook = true,
         .group = "batch", .kind = "Job", .namespace_ = "demo", .name = "migrate"},
        {.key = "/ConfigMap/demo/settings:Sync", .phase = SyncPhase::kSync, .wave = 0, .kind = "ConfigMap",
         .namespace_ = "demo", .name = "settings"},
        {.key = "apps/Deployment/demo/web:Sync", .phase = SyncPhase::kSync, .wave = 1, .group = "apps",
         .kind = "Deployment", .namespace_ = "demo", .name = "web"},
        {.key = "batch/Job/demo/notify:PostSync", .phase = SyncPhase::kPostSync, .wave = 0, .hook = true,
         .group = "batch", .kind = "Job", .namespace_ = "demo", .name = "notify"},
    };
    for (const PlannedTask& t : plan_) keys_.push_back(t.key);
  }

  // Feeds |view| the whole operation; |clock| advances as the steps go.
  void Play(ProgressView& view, double& clock, bool fail_notify = false) {
    auto step = [&](double at, std::string message, base::Json resources = base::Json::array()) {
      clock = at;
      state_.message = std::move(message);
      view.Update({.state = state_, .plan = plan_, .resources = &resources});
    };
    view.Note("operation Running (started 2026-11-27T09:00:00Z)");
    state_.Record(Result("batch", "Job", "migrate", SyncPhase::kPreSync, OperationPhase::kRunning, true,
                         "job.batch/migrate created"));
    step(0.4, "waiting for completion of hook batch/Job/migrate");
    step(1.9, "waiting for completion of hook batch/Job/migrate");  // nothing new: no line
    state_.Record(Result("batch", "Job", "migrate", SyncPhase::kPreSync, OperationPhase::kSucceeded, true,
                         "job.batch/migrate created"));
    state_.Record(Result("", "ConfigMap", "settings", SyncPhase::kSync, OperationPhase::kRunning, false,
                         "configmap/settings created"));
    step(2.3, "waiting for healthy state of /ConfigMap/settings");
    state_.Record(Result("", "ConfigMap", "settings", SyncPhase::kSync, OperationPhase::kSucceeded, false,
                         "configmap/settings created"));
    state_.Record(Result("apps", "Deployment", "web", SyncPhase::kSync, OperationPhase::kRunning, false,
                         "deployment.apps/web created"));
    base::Json progressing = base::Json::array(
        {{{"group", "apps"}, {"kind", "Deployment"}, {"namespace", "demo"}, {"name", "web"},
          {"health", {{"status", "Progressing"}}}}});
    step(2.6, "waiting for healthy state of apps/Deployment/web", progressing);
    step(4.1, "waiting for healthy state of apps/Deployment/web", progressing);
    state_.Record(Result("apps", "Deployment", "web", SyncPhase::kSync, OperationPhase::kSucceeded, false,
                         "deployment.apps/web created"));
    state_.Record(Result("batch", "Job", "notify", SyncPhase::kPostSync, OperationPhase::kRunning, true,
                         "job.batch/notify created"));
    base::Json healthy = progressing;
    healthy[0]["health"]["status"] = "Healthy";
    step(5.0, "waiting for completion of hook batch/Job/notify", healthy);
    if (fail_notify) {
      state_.Record(Result("batch", "Job", "notify", SyncPhase::kPostSync, OperationPhase::kFailed, true,
                           "Job has reached the specified backoff limit"));
      state_.phase = OperationPhase::kFailed;
      step(6.2, "one or more synchronization tasks completed unsuccessfully", healthy);
    } else {
      state_.Record(Result("batch", "Job", "notify", SyncPhase::kPostSync, OperationPhase::kSucceeded, true,
                           "job.batch/notify created"));
      state_.phase = OperationPhase::kSucceeded;
      step(6.2, "successfully synced (all tasks run)", healthy);
    }
    clock = 6.3;
    view.Finish();
  }

 private:
  std::vector<PlannedTask> plan_;
  std::vector<std::string> keys_;
  sync::OperationState state_;
};

std::string GoldenPath() { return std::string(CAPSTAN_APP_TESTDATA) + "/progress_plain.golden"; }

TEST(ProgressViewTest, PlainLinesMatchGolden) {
  std::ostringstream out;
  double clock = 0;
  ProgressView view(out, {.terminal = false, .title = "demo/demo", .now = [&clock] { return clock; }});
  Operation().Play(view, clock);
  if (std::getenv("CAPSTAN_UPDATE_GOLDEN")) {
    std::ofstream(GoldenPath()) << out.str();
  }
  std::ifstream golden(GoldenPath());
  ASSERT_TRUE(golden.good()) << GoldenPath();
  std::stringstream want;
  want << golden.rdbuf();
  EXPECT_EQ(out.str(), want.str());
}

TEST(ProgressViewTest, PlainLinesSayWhatTheWaveWaitsForOnce) {
  std::ostringstream out;
  double clock = 0;
  ProgressView view(out, {.now = [&clock] { return clock; }});
  Operation().Play(view, clock);
  std::string text = out.str();
  const std::string waiting = "Sync · wave 1: waiting for healthy state of apps/Deployment/web";
  size_t first = text.find(waiting);
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("waiting for healthy state of apps/Deployment/web", first + waiting.size()), std::string::npos)
      << "the same waiting message was printed twice:\n" << text;
  EXPECT_THAT(text, HasSubstr("operation Succeeded after 6.3s: successfully synced (all tasks run)"));
  EXPECT_THAT(text, Not(HasSubstr("\x1b[")));
}

TEST(ProgressViewTest, TerminalBlockShowsWaveWaitingAndFinalStates) {
  std::ostringstream out;
  double clock = 0;
  ProgressView view(out, {.terminal = true, .title = "demo/demo", .now = [&clock] { return clock; }, .width = 200});
  Operation().Play(view, clock, /*fail_notify=*/true);
  std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("demo/demo  Running  Sync · wave 1"));
  EXPECT_THAT(text, HasSubstr("  waiting for healthy state of apps/Deployment/web"));
  EXPECT_THAT(text, HasSubstr("\x1b["));  // redrawn in place
  // The last block on screen: every task's final state.
  std::string last = text.substr(text.rfind("demo/demo  Failed"));
  EXPECT_THAT(last, HasSubstr("✓ PreSync  wave 0  hook batch/Job demo/migrate  Succeeded  1.9s  job.batch/migrate created"));
  EXPECT_THAT(last, HasSubstr("✓ Sync     wave 1  apps/Deployment demo/web  Synced · Healthy"));
  EXPECT_THAT(last, HasSubstr("✗ PostSync wave 0  hook batch/Job demo/notify  Failed  1.2s  Job has reached the specified backoff limit"));
}

// A PreSync hook Job "migrate", a ConfigMap "settings" in Sync and a SyncFail hook Job |sync_fail|.
std::vector<PlannedTask> MigrateSettingsSyncFailPlan(const std::string& sync_fail) {
  return {{.key = "batch/Job/demo/migrate:PreSync", .phase = SyncPhase::kPreSync, .hook = true, .group = "batch",
           .kind = "Job", .namespace_ = "demo", .name = "migrate"},
          {.key = "/ConfigMap/demo/settings:Sync", .phase = SyncPhase::kSync, .kind = "ConfigMap",
           .namespace_ = "demo", .name = "settings"},
          {.key = "batch/Job/demo/" + sync_fail + ":SyncFail", .phase = SyncPhase::kSyncFail, .hook = true,
           .group = "batch", .kind = "Job", .namespace_ = "demo", .name = sync_fail}};
}

TEST(ProgressViewTest, ARunningSyncFailHookIsTheStepAtWorkNotTheWavesThatNeverRan) {
  std::ostringstream out;
  double clock = 0;
  ProgressView view(out, {.now = [&clock] { return clock; }});
  std::vector<PlannedTask> plan = MigrateSettingsSyncFailPlan("failed");
  sync::OperationState state;
  state.Record(Result("batch", "Job", "migrate", SyncPhase::kPreSync, OperationPhase::kFailed, true, "exit 1"));
  state.Record(Result("batch", "Job", "failed", SyncPhase::kSyncFail, OperationPhase::kRunning, true, ""));
  state.message = "waiting for completion of hook batch/Job/failed";
  base::Json none = base::Json::array();
  view.Update({.state = state, .plan = plan, .resources = &none});
  EXPECT_THAT(out.str(), HasSubstr("SyncFail · wave 0: waiting for completion of hook batch/Job/failed"));
}

TEST(ProgressViewTest, TerminalLinesAreCutToTheWidth) {
  std::ostringstream out;
  double clock = 0;
  ProgressView view(out, {.terminal = true, .now = [&clock] { return clock; }, .width = 30});
  Operation().Play(view, clock);
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    std::string visible = line.substr(line.rfind('J') == std::string::npos || line.find("\x1b[") == std::string::npos
                                          ? 0
                                          : line.rfind('J') + 1);
    size_t cols = 0;
    for (unsigned char c : visible) cols += (c & 0xC0) != 0x80;
    EXPECT_LE(cols, 30u) << visible;
  }
}

TEST(ProgressViewTest, UnplannedResultsSitInTheirPhaseAndUnrunTasksSaySo) {
  std::ostringstream out;
  double clock = 0;
  ProgressView view(out, {.now = [&clock] { return clock; }});
  std::vector<PlannedTask> plan = MigrateSettingsSyncFailPlan("notify-failed");
  sync::OperationState state;
  // The Namespace CreateNamespace adds (not in the plan), still Running in its last record.
  sync::ResourceResult ns = Result("", "Namespace", "demo", SyncPhase::kPreSync, OperationPhase::kRunning, false,
                                   "namespace/demo created");
  ns.namespace_ = "";
  state.Record(ns);
  state.Record(Result("batch", "Job", "migrate", SyncPhase::kPreSync, OperationPhase::kSucceeded, true, ""));
  state.Record(Result("", "ConfigMap", "settings", SyncPhase::kSync, OperationPhase::kSucceeded, false, ""));
  base::Json none = base::Json::array();
  clock = 0.5;
  view.Update({.state = state, .plan = plan, .resources = &none});
  EXPECT_THAT(out.str(), Not(HasSubstr("PreSync: "))) << "the unplanned Namespace is not the step at work";
  // A resource without health finishing within the same tenth of a second still gets its line.
  state.Record(Result("", "ConfigMap", "settings", SyncPhase::kSync, OperationPhase::kRunning, false, ""));
  clock = 0.51;
  view.Update({.state = state, .plan = plan, .resources = &none});
  state.Record(Result("", "ConfigMap", "settings", SyncPhase::kSync, OperationPhase::kSucceeded, false, ""));
  clock = 0.52;
  view.Update({.state = state, .plan = plan, .resources = &none});
  EXPECT_THAT(out.str(), HasSubstr("   0.52s  ✓ Sync     wave 0  ConfigMap demo/settings  Synced  0.0s\n"));
  state.phase = OperationPhase::kSucceeded;
  base::Json missing = base::Json::array({{{"kind", "ConfigMap"}, {"namespace", "demo"}, {"name", "settings"},
                                           {"health", {{"status", "Missing"}}}}});
  clock = 1;
  view.Update({.state = state, .plan = plan, .resources = &missing});
  view.Finish();
  std::string summary = out.str().substr(out.str().find("operation Succeeded after"));
  EXPECT_THAT(summary, HasSubstr("  ✓ PreSync  wave 0  hook batch/Job demo/migrate  Succeeded  0.0s\n"
                                 "  ✓ PreSync          Namespace demo  Synced  0.5s  namespace/demo created\n"
                                 "  ✓ Sync     wave 0  ConfigMap demo/settings  Synced  0.0s\n"
                                 "  · SyncFail wave 0  hook batch/Job demo/notify-failed  not run\n"))
      << summary;
}

}  // namespace
}  // namespace capstan::app
