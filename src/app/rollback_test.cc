// Copyright 2026 The capstan Authors.

#include "app/rollback.h"

#include <gtest/gtest.h>

namespace capstan::app {
namespace {

base::Json App() {
  return base::Json::parse(R"({
    "metadata": {"name": "guestbook", "namespace": "capstan"},
    "spec": {"source": {"repoURL": "r", "path": "now"}, "syncPolicy": {"syncOptions": ["Validate=false"]}},
    "status": {"history": [
      {"id": 0, "revision": "aaa", "source": {"repoURL": "r", "path": "then"}},
      {"id": 1, "revision": "bbb", "source": {"repoURL": "r", "path": "now"}}]}
  })");
}

TEST(RollbackTest, SyncsTheEntryWithTheApplyStrategy) {
  auto op = RollbackOperation(App(), 0, true, false, "alice");
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ(op->sync.revision, "aaa");
  EXPECT_EQ(op->sync.source, (base::Json{{"repoURL", "r"}, {"path", "then"}}));
  EXPECT_TRUE(op->sync.apply_strategy);
  EXPECT_TRUE(op->sync.prune);
  EXPECT_EQ(op->sync.sync_options, std::vector<std::string>{"Validate=false"});
  EXPECT_EQ(op->initiated_by, "alice");
  // Round trip through .operation keeps the source.
  auto parsed = ParseOperation(ToJson(*op));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->sync.source, op->sync.source);
  EXPECT_TRUE(parsed->sync.apply_strategy);
}

TEST(RollbackTest, WithoutAnIdTheEntryBeforeTheLatest) {
  auto op = RollbackOperation(App(), std::nullopt, false, false, "bob");
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(op->sync.revision, "aaa");
}

TEST(RollbackTest, RefusedWithAutoSyncOrAnUnknownId) {
  base::Json app = App();
  app["spec"]["syncPolicy"]["automated"] = base::Json::object();
  auto op = RollbackOperation(app, 0, false, false, "x");
  ASSERT_FALSE(op.ok());
  EXPECT_EQ(op.status().message(), "rollback cannot be initiated when auto-sync is enabled");
  op = RollbackOperation(App(), 7, false, false, "x");
  ASSERT_FALSE(op.ok());
  EXPECT_TRUE(op.status().IsNotFound());
  EXPECT_EQ(op.status().message(), "application guestbook does not have deployment with id 7");
}

}  // namespace
}  // namespace capstan::app
