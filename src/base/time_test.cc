// Copyright 2026 The capstan Authors.
//
// The RFC 3339 codec: known instants in both directions, offsets and fractions, leap days, the
// rejected forms, and a rapidcheck round trip over the whole 0000..9999 range.

#include "base/time.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace capstan::base {
namespace {

constexpr int64_t kJan2 = 1'767'323'045;  // 2026-01-02T03:04:05Z
constexpr int64_t kMin = -62'167'219'200;  // 0000-01-01T00:00:00Z
constexpr int64_t kEnd = 253'402'300'800;  // 10000-01-01T00:00:00Z, one past the last formattable second

int64_t Micros(std::string_view text) {
  Result<int64_t> r = ParseRfc3339Micros(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.value_or(-1);
}

TEST(FormatRfc3339Test, WholeSecondsInUtc) {
  EXPECT_EQ(FormatRfc3339(kJan2), "2026-01-02T03:04:05Z");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(-14'182'940), "1969-07-20T20:17:40Z");
  EXPECT_EQ(FormatRfc3339(1'835'395'200), "2028-02-29T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(951'825'600), "2000-02-29T12:00:00Z");
  EXPECT_EQ(FormatRfc3339(kMin), "0000-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(kEnd - 1), "9999-12-31T23:59:59Z");
}

TEST(FormatMicroTimeTest, AlwaysSixDigits) {
  EXPECT_EQ(FormatMicroTime(1'700'000'000'123'456), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(FormatMicroTime(1'700'000'000'000'000), "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(FormatMicroTime(1'700'000'000'000'007), "2023-11-14T22:13:20.000007Z");
  // Before the epoch: the earlier second plus a positive fraction.
  EXPECT_EQ(FormatMicroTime(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatMicroTime(-1'500'000), "1969-12-31T23:59:58.500000Z");
}

TEST(ParseRfc3339Test, UtcWithAndWithoutFraction) {
  EXPECT_EQ(Micros("2026-01-02T03:04:05Z"), kJan2 * 1'000'000);
  EXPECT_EQ(Micros("2023-11-14T22:13:20.123456Z"), 1'700'000'000'123'456);
  EXPECT_EQ(Micros("2023-11-14T22:13:20.5Z"), 1'700'000'000'500'000);
  EXPECT_EQ(Micros("2023-11-14T22:13:20.000007Z"), 1'700'000'000'000'007);
  EXPECT_EQ(Micros("2026-01-02t03:04:05z"), kJan2 * 1'000'000);
  EXPECT_EQ(Micros("1969-12-31T23:59:59.999999Z"), -1);
}

TEST(ParseRfc3339Test, FractionPastMicrosecondsIsTruncated) {
  EXPECT_EQ(Micros("2023-11-14T22:13:20.1234569Z"), 1'700'000'000'123'456);
  EXPECT_EQ(Micros("2023-11-14T22:13:20.999999999Z"), 1'700'000'000'999'999);
  EXPECT_EQ(Micros("2023-11-14T22:13:20.000000999999999999999Z"), 1'700'000'000'000'000);
  // Before the epoch truncation still goes towards the earlier time.
  EXPECT_EQ(Micros("1969-12-31T23:59:59.9999999Z"), -1);
}

TEST(ParseRfc3339Test, OffsetsAcrossDayMonthAndLeapDay) {
  EXPECT_EQ(Micros("2026-01-02T05:04:05+02:00"), kJan2 * 1'000'000);
  EXPECT_EQ(Micros("2026-01-01T22:04:05-05:00"), kJan2 * 1'000'000);
  EXPECT_EQ(Micros("2026-01-01T23:30:00-05:00"), 1'767'328'200LL * 1'000'000);  // 2026-01-02T04:30:00Z
  EXPECT_EQ(Micros("2026-03-01T00:30:00+01:00"), 1'772'321'400LL * 1'000'000);  // 2026-02-28T23:30:00Z
  EXPECT_EQ(Micros("2028-03-01T00:30:00+01:00"), 1'835'479'800LL * 1'000'000);  // 2028-02-29T23:30:00Z
  EXPECT_EQ(Micros("2026-01-02T03:34:05.25+00:30"), kJan2 * 1'000'000 + 250'000);
  EXPECT_EQ(Micros("2026-01-02T03:04:05-00:00"), kJan2 * 1'000'000);
  EXPECT_EQ(Micros("2026-01-03T02:03:05+22:59"), kJan2 * 1'000'000);
}

TEST(ParseRfc3339Test, LeapDaysExistOnlyInLeapYears) {
  EXPECT_EQ(Micros("2028-02-29T00:00:00Z"), 1'835'395'200LL * 1'000'000);
  EXPECT_EQ(Micros("2000-02-29T12:00:00Z"), 951'825'600LL * 1'000'000);
  EXPECT_FALSE(ParseRfc3339Micros("2026-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339Micros("2100-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339Micros("2026-04-31T00:00:00Z").ok());
}

TEST(ParseRfc3339Test, SecondsRoundsDown) {
  EXPECT_EQ(*ParseRfc3339Seconds("2026-01-02T03:04:05.999999Z"), kJan2);
  EXPECT_EQ(*ParseRfc3339Seconds("2026-01-02T05:04:05+02:00"), kJan2);
  EXPECT_EQ(*ParseRfc3339Seconds("1969-12-31T23:59:59.5Z"), -1);
  EXPECT_EQ(ParseRfc3339Seconds("soon").status().message(), "\"soon\" is not an RFC 3339 time");
}

TEST(ParseRfc3339Test, RejectsWhatIsNotRfc3339) {
  for (const char* bad : {"", "soon", "2026-01-02", "2026-01-02T03:04:05", "2026-01-02 03:04:05Z",
                          "2026-01-02T03:04:05Zjunk", "2026-01-02T03:04:05Z ", " 2026-01-02T03:04:05Z",
                          "2026-01-02T03:04:05+0200", "2026-01-02T03:04:05+02", "2026-01-02T03:04:05+24:00",
                          "2026-01-02T03:04:05+02:60", "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05,5Z",
                          "2026-13-02T03:04:05Z", "2026-00-02T03:04:05Z", "2026-01-00T03:04:05Z",
                          "2026-01-32T03:04:05Z", "2026-01-02T24:00:00Z", "2026-01-02T03:60:05Z",
                          "2026-01-02T03:04:60Z", "26-01-02T03:04:05Z", "2026-1-2T3:4:5Z", "+2026-01-02T03:04:05Z",
                          "2026-01-02T03:04:05UTC", "2026-01-02T03:04:05.5"}) {
    Result<int64_t> r = ParseRfc3339Micros(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.status().message(), "\"" + std::string(bad) + "\" is not an RFC 3339 time");
  }
}

TEST(NowTest, AgreeWithEachOtherAndWithThePresent) {
  const int64_t micros = NowUnixMicros();
  const int64_t secs = NowUnixSeconds();
  EXPECT_GT(micros, 1'767'225'600LL * 1'000'000);  // after 2026-01-01
  EXPECT_GE(secs, micros / 1'000'000);
  EXPECT_LE(secs - micros / 1'000'000, 1);
}

RC_GTEST_PROP(Rfc3339Property, MicroTimeRoundTrips, ()) {
  const int64_t micros = *rc::gen::inRange<int64_t>(kMin * 1'000'000, kEnd * 1'000'000);
  const std::string text = FormatMicroTime(micros);
  RC_ASSERT(text.size() == 27u);
  Result<int64_t> back = ParseRfc3339Micros(text);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == micros);
}

RC_GTEST_PROP(Rfc3339Property, SecondsRoundTripAndSortLikeText, ()) {
  const int64_t a = *rc::gen::inRange<int64_t>(kMin, kEnd);
  const int64_t b = *rc::gen::inRange<int64_t>(kMin, kEnd);
  Result<int64_t> back = ParseRfc3339Seconds(FormatRfc3339(a));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == a);
  RC_ASSERT((a < b) == (FormatRfc3339(a) < FormatRfc3339(b)));
}

}  // namespace
}  // namespace capstan::base
