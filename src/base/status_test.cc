// Copyright 2026 The capstan Authors.

#include "base/status.h"

#include <gtest/gtest.h>

#include "base/result.h"

namespace capstan::base {
namespace {

TEST(StatusTest, OkIsFreeAndPrintsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(s.Annotate("ctx").ok());
}

TEST(StatusTest, AnnotateKeepsCodeAndPrefixesContext) {
  Status s = Status::NotFound("configmaps \"a\" not found").Annotate("get ConfigMap ns/a");
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.ToString(), "NotFound: get ConfigMap ns/a: configmaps \"a\" not found");
}

struct TestDetail : StatusDetail {
  int http = 410;
};

TEST(StatusTest, DetailSurvivesAnnotate) {
  Status s(StatusCode::kFailedPrecondition, "gone", std::make_shared<TestDetail>());
  Status a = s.Annotate("watch");
  auto* d = dynamic_cast<const TestDetail*>(a.detail());
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->http, 410);
}

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  CAPSTAN_ASSIGN_OR_RETURN(int h, Half(x));
  CAPSTAN_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(ResultTest, PropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd");
  EXPECT_EQ(r.value_or(-1), -1);
}

}  // namespace
}  // namespace capstan::base
