// Copyright 2026 The capstan Authors.

#include "kube/api_error.h"

#include <gtest/gtest.h>

namespace capstan::kube {
namespace {

TEST(ApiErrorTest, ParsesStatusWithCauses) {
  const char* body = R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"Pod \"x\" is invalid: spec.containers[0].image: Required value","reason":"Invalid",
    "details":{"name":"x","kind":"Pod","causes":[{"reason":"FieldValueRequired",
    "message":"Required value","field":"spec.containers[0].image"}]},"code":422})";
  base::Status s = StatusFromResponse(422, body, "Pod ns/x");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "Pod ns/x: Pod \"x\" is invalid: spec.containers[0].image: Required value");
  const ApiError* e = ApiErrorOf(s);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->reason, "Invalid");
  ASSERT_EQ(e->causes.size(), 1u);
  EXPECT_EQ(e->causes[0].field, "spec.containers[0].image");
}

TEST(ApiErrorTest, ConflictVersusAlreadyExists) {
  EXPECT_TRUE(StatusFromResponse(409, R"({"kind":"Status","reason":"AlreadyExists","message":"m"})", "")
                  .IsAlreadyExists());
  EXPECT_TRUE(StatusFromResponse(409, R"({"kind":"Status","reason":"Conflict","message":"m"})", "").IsConflict());
}

TEST(ApiErrorTest, GoneAndPlainBodies) {
  base::Status gone = StatusFromResponse(410, R"({"kind":"Status","reason":"Expired","message":"too old"})", "");
  EXPECT_TRUE(IsGone(gone));
  base::Status plain = StatusFromResponse(502, "Bad Gateway", "GET /api");
  EXPECT_TRUE(plain.IsUnavailable());
  EXPECT_EQ(plain.message(), "GET /api: Bad Gateway");
  EXPECT_FALSE(IsGone(plain));
}

}  // namespace
}  // namespace capstan::kube
