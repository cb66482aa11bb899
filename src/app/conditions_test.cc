// Copyright 2026 The capstan Authors.

#include "app/conditions.h"

#include <gtest/gtest.h>

namespace capstan::app {
namespace {

using core::OperationPhase;
using core::SyncPhase;

sync::ResourceResult Hook(SyncPhase phase, std::string name, OperationPhase hook_phase, std::string message) {
  sync::ResourceResult r;
  r.group = "batch";
  r.kind = "Job";
  r.namespace_ = "ns";
  r.name = std::move(name);
  r.sync_phase = phase;
  r.hook_type = phase == SyncPhase::kPostSync ? core::HookType::kPostSync : core::HookType::kPreSync;
  r.hook_phase = hook_phase;
  r.message = std::move(message);
  return r;
}

TEST(ConditionsTest, SetKeepsTransitionTimeWhileMessageHolds) {
  base::Json status = base::Json::object();
  SetCondition(status, kSyncError, "boom", "t1");
  SetCondition(status, kSyncError, "boom", "t2");
  ASSERT_EQ(status["conditions"].size(), 1u);
  EXPECT_EQ(status["conditions"][0]["lastTransitionTime"], "t1");
  SetCondition(status, kSyncError, "other", "t3");
  EXPECT_EQ(status["conditions"][0]["message"], "other");
  EXPECT_EQ(status["conditions"][0]["lastTransitionTime"], "t3");
}

TEST(ConditionsTest, ClearRemovesOnlyThatType) {
  base::Json status = base::Json::object();
  SetCondition(status, kSyncError, "a", "t");
  SetCondition(status, kComparisonError, "b", "t");
  ClearCondition(status, kSyncError);
  ASSERT_EQ(status["conditions"].size(), 1u);
  EXPECT_EQ(status["conditions"][0]["type"], kComparisonError);
  ClearCondition(status, kComparisonError);
  EXPECT_FALSE(status.contains("conditions"));
}

TEST(ConditionsTest, PostSyncFailureNamesTheFailedHook) {
  sync::OperationState s;
  s.phase = OperationPhase::kFailed;
  s.results = {Hook(SyncPhase::kPreSync, "migrate", OperationPhase::kSucceeded, ""),
               Hook(SyncPhase::kPostSync, "notify", OperationPhase::kFailed, "Job has reached the specified backoff limit"),
               Hook(SyncPhase::kPostSync, "smoke", OperationPhase::kFailed, "")};
  EXPECT_EQ(PostSyncFailure(s),
            "PostSync hook batch/Job/notify failed: Job has reached the specified backoff limit and 1 more");
}

TEST(ConditionsTest, NoPostSyncFailureForOtherOutcomes) {
  sync::OperationState s;
  s.phase = OperationPhase::kFailed;
  s.results = {Hook(SyncPhase::kPreSync, "migrate", OperationPhase::kFailed, "exit 1")};
  EXPECT_EQ(PostSyncFailure(s), std::nullopt);  // a PreSync failure: the operation message says it
  s.phase = OperationPhase::kSucceeded;
  s.results = {Hook(SyncPhase::kPostSync, "notify", OperationPhase::kSucceeded, "")};
  EXPECT_EQ(PostSyncFailure(s), std::nullopt);
}

}  // namespace
}  // namespace capstan::app
