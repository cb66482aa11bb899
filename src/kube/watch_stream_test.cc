// Copyright 2026 The capstan Authors.

#include "kube/watch_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "base/json.h"
#include "kube/api_error.h"

namespace capstan::kube {
namespace {

using ::testing::HasSubstr;

std::string Event(std::string_view type, std::string_view name, std::string_view rv) {
  return R"({"type":")" + std::string(type) + R"(","object":{"kind":"ConfigMap","metadata":{"name":")" +
         std::string(name) + R"(","resourceVersion":")" + std::string(rv) + "\"}}}\n";
}

TEST(WatchDecoderTest, DeliversEventsSplitAcrossChunksInOrder) {
  std::string body = Event("ADDED", "a", "1") + Event("MODIFIED", "a", "2") + "\n" +
                     Event("BOOKMARK", "", "3") + Event("DELETED", "a", "4");
  WatchDecoder d("watch ConfigMap");
  std::vector<std::pair<WatchEventType, std::string>> got;
  auto on = [&](const WatchEvent& e) {
    got.emplace_back(e.type, base::GetStringAt(e.object, "metadata/resourceVersion"));
    return true;
  };
  // Feed in 7-byte pieces: lines break anywhere.
  for (size_t i = 0; i < body.size(); i += 7) {
    ASSERT_EQ(d.Feed(std::string_view(body).substr(i, 7), on), WatchDecoder::Outcome::kContinue);
  }
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], std::make_pair(WatchEventType::kAdded, std::string("1")));
  EXPECT_EQ(got[1], std::make_pair(WatchEventType::kModified, std::string("2")));
  EXPECT_EQ(got[2], std::make_pair(WatchEventType::kBookmark, std::string("3")));
  EXPECT_EQ(got[3], std::make_pair(WatchEventType::kDeleted, std::string("4")));
  EXPECT_EQ(d.pending_bytes(), 0u);
  EXPECT_EQ(d.events(), 4);
}

TEST(WatchDecoderTest, IncompleteLineWaitsForItsNewline) {
  WatchDecoder d("w");
  int n = 0;
  auto on = [&](const WatchEvent&) {
    ++n;
    return true;
  };
  std::string ev = Event("ADDED", "a", "1");
  EXPECT_EQ(d.Feed(ev.substr(0, ev.size() - 1), on), WatchDecoder::Outcome::kContinue);
  EXPECT_EQ(n, 0);
  EXPECT_EQ(d.Feed("\n", on), WatchDecoder::Outcome::kContinue);
  EXPECT_EQ(n, 1);
}

TEST(WatchDecoderTest, ErrorEventWith410IsGone) {
  WatchDecoder d("watch apps/Deployment in namespace x");
  std::string err =
      R"j({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 5 (10)","reason":"Expired","code":410}})j"
      "\n";
  int n = 0;
  auto out = d.Feed(Event("ADDED", "a", "1") + err + Event("ADDED", "b", "2"), [&](const WatchEvent&) {
    ++n;
    return true;
  });
  EXPECT_EQ(out, WatchDecoder::Outcome::kError);
  EXPECT_EQ(n, 1);  // nothing after the error is delivered
  EXPECT_TRUE(IsGone(d.error()));
  EXPECT_EQ(d.error().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_THAT(d.error().message(), HasSubstr("watch apps/Deployment in namespace x: too old resource version"));
}

TEST(WatchDecoderTest, HandlerReturningFalseStops) {
  WatchDecoder d("w");
  int n = 0;
  auto out = d.Feed(Event("ADDED", "a", "1") + Event("ADDED", "b", "2"), [&](const WatchEvent&) {
    ++n;
    return false;
  });
  EXPECT_EQ(out, WatchDecoder::Outcome::kStop);
  EXPECT_EQ(n, 1);
}

TEST(WatchDecoderTest, GarbageAndUnknownTypesAreInternalErrors) {
  auto on = [](const WatchEvent&) { return true; };
  WatchDecoder a("w");
  EXPECT_EQ(a.Feed("{not json\n", on), WatchDecoder::Outcome::kError);
  EXPECT_EQ(a.error().code(), base::StatusCode::kInternal);
  WatchDecoder b("w");
  EXPECT_EQ(b.Feed(R"({"type":"WEIRD","object":{}})" "\n", on), WatchDecoder::Outcome::kError);
  EXPECT_THAT(b.error().message(), HasSubstr("WEIRD"));
  WatchDecoder c("w");
  EXPECT_EQ(c.Feed(R"({"type":"ADDED"})" "\n", on), WatchDecoder::Outcome::kError);
}

}  // namespace
}  // namespace capstan::kube
