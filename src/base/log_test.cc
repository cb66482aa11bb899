// Copyright 2026 The capstan Authors.

#include "base/log.h"

#include <gtest/gtest.h>

namespace capstan::base {
namespace {

TEST(RedactUrlTest, StripsUserinfo) {
  EXPECT_EQ(RedactUrl("https://bob:s3cret@git.example/repo.git"), "https://***@git.example/repo.git");
  EXPECT_EQ(RedactUrl("https://git.example/a@b"), "https://git.example/a@b");
  EXPECT_EQ(RedactUrl("ssh://git@host:22/x"), "ssh://***@host:22/x");
  EXPECT_EQ(RedactUrl("/local/path"), "/local/path");
}

}  // namespace
}  // namespace capstan::base
