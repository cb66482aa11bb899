// Copyright 2026 The capstan Authors.

#include "sync/operation_state.h"

#include <gtest/gtest.h>

#include "base/json.h"

namespace capstan::sync {
namespace {

TEST(OperationStateTest, RoundTripsThroughArgoLayout) {
  OperationState s;
  s.phase = core::OperationPhase::kRunning;
  s.message = "waiting for completion of hook /Pod/hook";
  s.started_at_unix = 1700000000;
  s.revision = "abc";
  s.Record({.group = "", .version = "v1", .kind = "Pod", .namespace_ = "ns", .name = "hook",
            .status = core::ResultCode::kSynced, .message = "pod/hook created", .hook_type = core::HookType::kPreSync,
            .hook_phase = core::OperationPhase::kRunning, .sync_phase = core::SyncPhase::kPreSync});
  base::Json j = ToJson(s);
  EXPECT_EQ(j["startedAt"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(j["syncResult"]["resources"][0]["hookType"], "PreSync");
  EXPECT_EQ(j["syncResult"]["resources"][0]["status"], "Synced");
  auto back = OperationStateFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->started_at_unix, s.started_at_unix);
  ASSERT_EQ(back->results.size(), 1u);
  EXPECT_EQ(back->results[0].Key(), "/Pod/ns/hook:PreSync");
  EXPECT_EQ(back->results[0].hook_phase, core::OperationPhase::kRunning);
}

TEST(OperationStateTest, RecordReplacesInPlace) {
  OperationState s;
  s.Record({.kind = "ConfigMap", .name = "a"});
  s.Record({.kind = "ConfigMap", .name = "b"});
  s.Record({.kind = "ConfigMap", .name = "a", .message = "again"});
  ASSERT_EQ(s.results.size(), 2u);
  EXPECT_EQ(s.results[0].message, "again");
}

TEST(OperationStateTest, BadValuesNameTheField) {
  auto bad = OperationStateFromJson(base::Json::parse(R"({"phase":"Running","startedAt":"yesterday"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "operationState.startedAt: \"yesterday\" is not an RFC 3339 time");
  auto phase = OperationStateFromJson(base::Json::parse(R"({"phase":"Done","startedAt":"2026-01-01T00:00:00Z"})"));
  EXPECT_FALSE(phase.ok());
}

}  // namespace
}  // namespace capstan::sync
