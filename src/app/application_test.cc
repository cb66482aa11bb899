// Copyright 2026 The capstan Authors.

#include "app/application.h"

#include <gtest/gtest.h>

#include "sync/operation_state.h"

namespace capstan::app {
namespace {

TEST(ApplicationTest, ParsesArgoCdSyncOperation) {
  base::Json j = base::Json::parse(R"({
    "initiatedBy": {"username": "alice"},
    "sync": {"revision": "abc", "prune": true, "dryRun": true,
             "syncStrategy": {"apply": {"force": true}},
             "resources": [{"group": "apps", "kind": "Deployment", "name": "web", "namespace": "ns"}],
             "syncOptions": ["Replace=true"]},
    "retry": {"limit": 2, "backoff": {"duration": "10s", "factor": 3, "maxDuration": "1m"}}})");
  auto op = ParseOperation(j);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ(op->sync.revision, "abc");
  EXPECT_TRUE(op->sync.prune);
  EXPECT_TRUE(op->sync.dry_run);
  EXPECT_TRUE(op->sync.apply_strategy);
  EXPECT_TRUE(op->sync.force);
  ASSERT_EQ(op->sync.resources.size(), 1u);
  EXPECT_EQ(op->sync.resources[0].kind, "Deployment");
  EXPECT_EQ(op->sync.resources[0].namespace_, "ns");
  EXPECT_EQ(op->sync.sync_options, std::vector<std::string>{"Replace=true"});
  EXPECT_EQ(op->retry.limit, 2);
  EXPECT_EQ(op->retry.backoff_seconds, 10);
  EXPECT_EQ(op->retry.factor, 3);
  EXPECT_EQ(op->retry.max_backoff_seconds, 60);
  EXPECT_EQ(op->initiated_by, "alice");
}

TEST(ApplicationTest, OperationRoundTripsThroughJson) {
  Operation op;
  op.sync.revision = "main";
  op.sync.prune = true;
  op.sync.resources.push_back({.group = "", .kind = "Pod", .name = "pod"});
  op.retry.limit = 1;
  auto back = ParseOperation(ToJson(op));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->sync.revision, "main");
  EXPECT_TRUE(back->sync.prune);
  EXPECT_FALSE(back->sync.apply_strategy);
  ASSERT_EQ(back->sync.resources.size(), 1u);
  EXPECT_EQ(back->retry.limit, 1);
  EXPECT_EQ(back->retry.backoff_seconds, 5);
}

TEST(ApplicationTest, BadOperationFieldsAreNamed) {
  auto op = ParseOperation(base::Json::parse(R"({"sync": {"prune": "yes"}})"));
  ASSERT_FALSE(op.ok());
  EXPECT_EQ(op.status().message(), "operation.sync.prune: not a boolean");
  op = ParseOperation(base::Json::parse(R"({"sync": {}, "retry": {"backoff": {"duration": "soon"}}})"));
  ASSERT_FALSE(op.ok());
  EXPECT_NE(op.status().message().find("operation.retry.backoff.duration"), std::string::npos);
  op = ParseOperation(base::Json::parse(R"({"rollback": {}})"));
  EXPECT_EQ(op.status().code(), base::StatusCode::kFailedPrecondition);
}

TEST(ApplicationTest, DurationsAreGoDurationsOrSeconds) {
  EXPECT_EQ(*ParseDurationSeconds(base::Json("5s"), "f"), 5);
  EXPECT_EQ(*ParseDurationSeconds(base::Json("3m"), "f"), 180);
  EXPECT_EQ(*ParseDurationSeconds(base::Json("1h30m"), "f"), 5400);
  EXPECT_EQ(*ParseDurationSeconds(base::Json("1500ms"), "f"), 2);
  EXPECT_EQ(*ParseDurationSeconds(base::Json("7"), "f"), 7);
  EXPECT_EQ(*ParseDurationSeconds(base::Json(9), "f"), 9);
  EXPECT_FALSE(ParseDurationSeconds(base::Json("5x"), "f").ok());
  EXPECT_FALSE(ParseDurationSeconds(base::Json(""), "f").ok());
}

TEST(ApplicationTest, BackoffGrowsByFactorUpToTheCap) {
  RetryStrategy r;  // 5 s, ×2, ≤ 180 s
  EXPECT_EQ(r.Backoff(0), 5);
  EXPECT_EQ(r.Backoff(1), 10);
  EXPECT_EQ(r.Backoff(2), 20);
  EXPECT_EQ(r.Backoff(10), 180);
}

TEST(ApplicationTest, ResourceSelectorsAsArgoCdWritesThem) {
  auto s = ParseResourceSelector(":Pod:pod");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->group, "");
  EXPECT_EQ(s->kind, "Pod");
  EXPECT_EQ(s->name, "pod");
  EXPECT_EQ(s->namespace_, "");
  s = ParseResourceSelector("apps:Deployment:ns/web");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->namespace_, "ns");
  EXPECT_EQ(s->name, "web");
  EXPECT_FALSE(ParseResourceSelector("Pod/pod").ok());
  EXPECT_FALSE(ParseResourceSelector("::pod").ok());
}

TEST(ApplicationTest, OperationSyncOptionsWinOverTheAppsOwn) {
  base::Json app = base::Json::parse(R"({"spec": {"syncPolicy": {"syncOptions": ["CreateNamespace=true"]}}})");
  Operation op;
  EXPECT_EQ(EffectiveSyncOptions(app, op), std::vector<std::string>{"CreateNamespace=true"});
  op.sync.sync_options = {"Replace=true"};
  EXPECT_EQ(EffectiveSyncOptions(app, op), std::vector<std::string>{"Replace=true"});
}

TEST(ApplicationTest, OnlyTheConnectedClusterIsADestination) {
  auto app = [](const char* dest) { return base::Json::parse(std::string(R"({"spec": {"destination": )") + dest + "}}"); };
  EXPECT_TRUE(CheckDestination(app(R"({"server": "https://kubernetes.default.svc", "namespace": "x"})")).ok());
  EXPECT_TRUE(CheckDestination(app(R"({"name": "in-cluster"})")).ok());
  base::Status s = CheckDestination(app(R"({"server": "https://prod.example.com:6443"})"));
  EXPECT_EQ(s.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("https://prod.example.com:6443"), std::string::npos);
  EXPECT_FALSE(CheckDestination(app("{}")).ok());
}

TEST(ApplicationTest, DeletionApprovalCountsFromTheOperationStart) {
  base::Json app = {{"metadata", {{"annotations", {{"argocd.argoproj.io/deletion-approved", "2026-11-27T03:00:00Z"}}}}}};
  int64_t at = *sync::ParseTime("2026-11-27T03:00:00Z", "t");
  EXPECT_TRUE(DeletionApproved(app, at));
  EXPECT_TRUE(DeletionApproved(app, at - 10));
  EXPECT_FALSE(DeletionApproved(app, at + 1));
  EXPECT_FALSE(DeletionApproved(base::Json::object(), at));
}

TEST(ApplicationTest, AnOperationIsRequestedOrInProgress) {
  base::Json app = {{"metadata", {{"name", "a"}}}};
  EXPECT_FALSE(OperationRequested(app));
  EXPECT_FALSE(OperationInProgress(app));
  app["operation"] = {{"sync", base::Json::object()}};
  EXPECT_TRUE(OperationRequested(app));
  app.erase("operation");
  for (const char* phase : {"Running", "Terminating"}) {
    app["status"]["operationState"]["phase"] = phase;
    EXPECT_TRUE(OperationInProgress(app)) << phase;
  }
  for (const char* phase : {"Succeeded", "Failed", "Error"}) {
    app["status"]["operationState"]["phase"] = phase;
    EXPECT_FALSE(OperationInProgress(app)) << phase;
  }
}

}  // namespace
}  // namespace capstan::app
