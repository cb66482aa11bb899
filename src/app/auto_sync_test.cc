// Copyright 2026 The capstan Authors.

#include "app/auto_sync.h"

#include <gtest/gtest.h>

#include "sync/operation_state.h"

namespace capstan::app {
namespace {

using Kind = AutoSyncDecision::Kind;

constexpr int64_t kNow = 1800000000;

// An auto-synced app at revision "new", OutOfSync on ConfigMap "a" (ConfigMap "b" Synced).
base::Json App() {
  return base::Json::parse(R"({
    "metadata": {"name": "app", "namespace": "capstan"},
    "spec": {"source": {"repoURL": "https://git.example/r.git", "path": "p"},
             "syncPolicy": {"automated": {}, "syncOptions": ["CreateNamespace=true"]}},
    "status": {"sync": {"status": "OutOfSync", "revision": "new"},
               "resources": [
                 {"group": "", "kind": "ConfigMap", "namespace": "ns", "name": "a", "status": "OutOfSync"},
                 {"group": "", "kind": "ConfigMap", "namespace": "ns", "name": "b", "status": "Synced"}]}
  })");
}

// The app after an operation that synced |revision| from the app's source and ended |phase| at
// |finished| seconds before kNow, having self-healed |attempts| times.
base::Json AfterOperation(base::Json app, const std::string& revision, const std::string& phase, int64_t finished,
                          int64_t attempts = 0) {
  app["status"]["operationState"] = {
      {"phase", phase},
      {"message", phase == "Succeeded" ? "successfully synced (all tasks run)" : "one or more objects failed to apply"},
      {"finishedAt", sync::FormatTime(kNow - finished)},
      {"operation", {{"sync", {{"revision", revision}}}}},
      {"syncResult", {{"revision", revision}, {"source", app["spec"]["source"]}}}};
  if (attempts > 0) app["status"]["operationState"]["operation"]["sync"]["autoHealAttemptsCount"] = attempts;
  return app;
}

TEST(AutoSyncTest, OffUnlessAutomatedAndEnabled) {
  base::Json app = App();
  app["spec"]["syncPolicy"].erase("automated");
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kNone);
  app = App();
  app["spec"]["syncPolicy"]["automated"]["enabled"] = false;
  EXPECT_FALSE(AutoSyncEnabled(app));
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kNone);
}

TEST(AutoSyncTest, NothingWhenSyncedBusyOrDeleting) {
  base::Json app = App();
  app["status"]["sync"]["status"] = "Synced";
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kNone);
  app = App();
  app["operation"] = {{"sync", base::Json::object()}};
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kNone);
  app = AfterOperation(App(), "old", "Running", 0);
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kNone);
  app = App();
  app["metadata"]["deletionTimestamp"] = "2027-01-01T00:00:00Z";
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kNone);
}

TEST(AutoSyncTest, NewRevisionIsSyncedWithThePolicy) {
  base::Json app = AfterOperation(App(), "old", "Succeeded", 100);
  app["spec"]["syncPolicy"]["automated"]["prune"] = true;
  AutoSyncDecision d = DecideAutoSync(app, kNow, {});
  ASSERT_EQ(d.kind, Kind::kSync) << d.reason << d.message;
  EXPECT_EQ(d.operation->sync.revision, "new");
  EXPECT_TRUE(d.operation->sync.prune);
  EXPECT_TRUE(d.operation->automated);
  EXPECT_EQ(d.operation->sync.sync_options, std::vector<std::string>{"CreateNamespace=true"});
  EXPECT_EQ(d.operation->retry.limit, 5);  // Argo CD's default for auto-sync
  EXPECT_TRUE(d.operation->sync.resources.empty());
  EXPECT_EQ(ToJson(*d.operation)["initiatedBy"], (base::Json{{"automated", true}}));
}

TEST(AutoSyncTest, SpecRetryReplacesTheDefault) {
  base::Json app = App();
  app["spec"]["syncPolicy"]["retry"] = {{"limit", 2}, {"backoff", {{"duration", "1s"}}}};
  AutoSyncDecision d = DecideAutoSync(app, kNow, {});
  ASSERT_EQ(d.kind, Kind::kSync);
  EXPECT_EQ(d.operation->retry.limit, 2);
  EXPECT_EQ(d.operation->retry.backoff_seconds, 1);
}

TEST(AutoSyncTest, PruneOnlyNeedsPruneEnabled) {
  base::Json app = App();
  app["status"]["resources"][0]["requiresPruning"] = true;
  AutoSyncDecision d = DecideAutoSync(app, kNow, {});
  EXPECT_EQ(d.kind, Kind::kNone);
  EXPECT_EQ(d.reason, "need to prune extra resources only but automated prune is disabled");
  app["spec"]["syncPolicy"]["automated"]["prune"] = true;
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kSync);
}

TEST(AutoSyncTest, AFailedAttemptIsNotRepeated) {
  base::Json app = AfterOperation(App(), "new", "Failed", 10);
  AutoSyncDecision d = DecideAutoSync(app, kNow, {});
  ASSERT_EQ(d.kind, Kind::kCondition);
  EXPECT_EQ(d.message, "Failed last sync attempt to [new]: one or more objects failed to apply");
  EXPECT_TRUE(IsAutoSyncMessage(d.message));
  // Even with self-heal on.
  app["spec"]["syncPolicy"]["automated"]["selfHeal"] = true;
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kCondition);
  // A new commit is tried.
  app["status"]["sync"]["revision"] = "newer";
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kSync);
}

TEST(AutoSyncTest, ASourceChangeIsANewAttempt) {
  base::Json app = AfterOperation(App(), "new", "Failed", 10);
  app["spec"]["source"]["path"] = "other";
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kSync);
}

TEST(AutoSyncTest, SucceededWithoutSelfHealIsLeftAlone) {
  AutoSyncDecision d = DecideAutoSync(AfterOperation(App(), "new", "Succeeded", 10), kNow, {});
  EXPECT_EQ(d.kind, Kind::kNone);
  EXPECT_EQ(d.reason, "most recent sync already to [new]");
}

TEST(AutoSyncTest, SelfHealSyncsOnlyWhatDriftedAfterItsBackoff) {
  base::Json app = AfterOperation(App(), "new", "Succeeded", 0);
  app["spec"]["syncPolicy"]["automated"]["selfHeal"] = true;
  // First attempt: no wait.
  AutoSyncDecision d = DecideAutoSync(app, kNow, {});
  ASSERT_EQ(d.kind, Kind::kSync) << d.reason;
  EXPECT_EQ(d.operation->sync.self_heal_attempts, 1);
  ASSERT_EQ(d.operation->sync.resources.size(), 1u);
  EXPECT_EQ(d.operation->sync.resources[0].kind, "ConfigMap");
  EXPECT_EQ(d.operation->sync.resources[0].name, "a");
  EXPECT_EQ(ToJson(*d.operation)["sync"]["autoHealAttemptsCount"], 1);

  // After one attempt, 1 s ago: 2 s back-off → wait 1 s more; after 2 attempts 6 s.
  app = AfterOperation(App(), "new", "Succeeded", 1, 1);
  app["spec"]["syncPolicy"]["automated"]["selfHeal"] = true;
  d = DecideAutoSync(app, kNow, {});
  ASSERT_EQ(d.kind, Kind::kWait);
  EXPECT_EQ(d.wait_seconds, 1);
  app = AfterOperation(App(), "new", "Succeeded", 2, 2);
  app["spec"]["syncPolicy"]["automated"]["selfHeal"] = true;
  d = DecideAutoSync(app, kNow, {});
  ASSERT_EQ(d.kind, Kind::kWait);
  EXPECT_EQ(d.wait_seconds, 4);
  // Past the back-off: attempt 3.
  app = AfterOperation(App(), "new", "Succeeded", 7, 2);
  app["spec"]["syncPolicy"]["automated"]["selfHeal"] = true;
  d = DecideAutoSync(app, kNow, {});
  ASSERT_EQ(d.kind, Kind::kSync);
  EXPECT_EQ(d.operation->sync.self_heal_attempts, 3);
}

TEST(AutoSyncTest, SelfHealAttemptsRestartAfterTheCooldown) {
  base::Json app = AfterOperation(App(), "new", "Succeeded", 400, 5);
  app["spec"]["syncPolicy"]["automated"]["selfHeal"] = true;
  AutoSyncDecision d = DecideAutoSync(app, kNow, {});
  ASSERT_EQ(d.kind, Kind::kSync);
  EXPECT_EQ(d.operation->sync.self_heal_attempts, 1);
}

TEST(AutoSyncTest, FixedSelfHealTimeoutWhenBackoffIsOff) {
  base::Json app = AfterOperation(App(), "new", "Succeeded", 3, 1);
  app["spec"]["syncPolicy"]["automated"]["selfHeal"] = true;
  AutoSyncDecision d = DecideAutoSync(app, kNow, {.exponential = false, .timeout_seconds = 5});
  ASSERT_EQ(d.kind, Kind::kWait);
  EXPECT_EQ(d.wait_seconds, 2);
}

TEST(AutoSyncTest, BackoffDelays) {
  SelfHealBackoff b;
  EXPECT_EQ(b.Delay(0), 0);
  EXPECT_EQ(b.Delay(1), 2);
  EXPECT_EQ(b.Delay(2), 6);
  EXPECT_EQ(b.Delay(3), 18);
  EXPECT_EQ(b.Delay(10), 300);
}

TEST(AutoSyncTest, WipingEverythingOutNeedsAllowEmpty) {
  base::Json app = App();
  app["spec"]["syncPolicy"]["automated"]["prune"] = true;
  for (base::Json& r : app["status"]["resources"]) r["requiresPruning"] = true;
  AutoSyncDecision d = DecideAutoSync(app, kNow, {});
  ASSERT_EQ(d.kind, Kind::kCondition);
  EXPECT_EQ(d.message, "Skipping sync attempt to [new]: auto-sync will wipe out all resources");
  app["spec"]["syncPolicy"]["automated"]["allowEmpty"] = true;
  EXPECT_EQ(DecideAutoSync(app, kNow, {}).kind, Kind::kSync);
}

TEST(AutoSyncTest, BadRetryIsACondition) {
  base::Json app = App();
  app["spec"]["syncPolicy"]["retry"] = {{"backoff", {{"duration", "soon"}}}};
  AutoSyncDecision d = DecideAutoSync(app, kNow, {});
  ASSERT_EQ(d.kind, Kind::kCondition);
  EXPECT_NE(d.message.find("backoff.duration"), std::string::npos) << d.message;
}

}  // namespace
}  // namespace capstan::app
