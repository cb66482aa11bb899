// Copyright 2026 The capstan Authors.

#include "core/sync_types.h"

#include <gtest/gtest.h>

namespace capstan::core {
namespace {

TEST(MultiSourceRevisionsTest, SplitsTheJoinedForm) {
  EXPECT_EQ(MultiSourceRevisions("aaa,bbb,ccc"), (std::vector<std::string>{"aaa", "bbb", "ccc"}));
}

TEST(MultiSourceRevisionsTest, SingleSourceRevisionIsNotMultiSource) {
  EXPECT_TRUE(MultiSourceRevisions("0123456789abcdef0123456789abcdef01234567").empty());
  EXPECT_TRUE(MultiSourceRevisions("").empty());
}

}  // namespace
}  // namespace capstan::core
