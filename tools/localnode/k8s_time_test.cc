// Copyright 2026 The capstan Authors.

#include "localnode/k8s_time.h"

#include <gtest/gtest.h>

namespace capstan::localnode {
namespace {

using std::chrono::seconds;

TEST(K8sTimeTest, FormatsWholeSecondsInUtc) {
  Clock::time_point t = Clock::from_time_t(1767323045) + std::chrono::milliseconds(900);
  EXPECT_EQ(FormatTime(t), "2026-01-02T03:04:05Z");
}

TEST(K8sTimeTest, ParsesWhatItFormats) {
  Clock::time_point t = Clock::from_time_t(1767323045);
  auto parsed = ParseTime(FormatTime(t));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, t);
}

TEST(K8sTimeTest, ParsesFractionsAndOffsets) {
  auto base = Clock::from_time_t(1767323045);
  auto frac = ParseTime("2026-01-02T03:04:05.250000Z");
  ASSERT_TRUE(frac.has_value());
  EXPECT_EQ(*frac - base, std::chrono::milliseconds(250));
  auto offset = ParseTime("2026-01-02T05:04:05+02:00");
  ASSERT_TRUE(offset.has_value());
  EXPECT_EQ(*offset, base);
  auto negative = ParseTime("2026-01-01T22:04:05-05:00");
  ASSERT_TRUE(negative.has_value());
  EXPECT_EQ(*negative, base);
}

TEST(K8sTimeTest, RejectsMalformed) {
  EXPECT_FALSE(ParseTime("").has_value());
  EXPECT_FALSE(ParseTime("2026-01-02").has_value());
  EXPECT_FALSE(ParseTime("2026-01-02T03:04:05").has_value());
  EXPECT_FALSE(ParseTime("2026-13-02T03:04:05Z").has_value());
  EXPECT_FALSE(ParseTime("2026-01-02T03:04:05Zjunk").has_value());
  EXPECT_FALSE(ParseTime("yesterday").has_value());
}

}  // namespace
}  // namespace capstan::localnode
