// Copyright 2026 The capstan Authors.

#include "localnode/pod_store.h"

#include <gtest/gtest.h>

namespace capstan::localnode {
namespace {

using base::Json;

Json Pod(const std::string& name, const std::string& rv, const std::string& uid = "u1",
         const std::string& phase = "Pending") {
  return Json{{"metadata", {{"namespace", "ns"}, {"name", name}, {"uid", uid}, {"resourceVersion", rv}}},
              {"status", {{"phase", phase}}}};
}

TEST(PodStoreTest, NewerVersionWinsOlderIsIgnored) {
  PodStore store;
  EXPECT_TRUE(store.Update(Pod("a", "10", "u1", "Pending")));
  EXPECT_TRUE(store.Update(Pod("a", "12", "u1", "Running")));
  EXPECT_FALSE(store.Update(Pod("a", "11", "u1", "Pending")));  // an event from before our write
  EXPECT_EQ(store.Get("ns/a")->at("status")["phase"], "Running");
  EXPECT_EQ(PodStore::KeyOf(Pod("a", "1")), "ns/a");
}

TEST(PodStoreTest, VersionsCompareAsNumbers) {
  EXPECT_TRUE(NewerVersion("100", "99"));
  EXPECT_FALSE(NewerVersion("99", "100"));
  EXPECT_FALSE(NewerVersion("5", "5"));
  EXPECT_TRUE(NewerVersion("abc", "5"));
}

TEST(PodStoreTest, RemoveChecksTheUid) {
  PodStore store;
  store.Update(Pod("a", "10", "new-uid"));
  EXPECT_FALSE(store.Remove("ns/a", "old-uid"));
  EXPECT_TRUE(store.Get("ns/a").has_value());
  EXPECT_TRUE(store.Remove("ns/a", "new-uid"));
  EXPECT_FALSE(store.Get("ns/a").has_value());
  EXPECT_FALSE(store.Remove("ns/a", ""));
}

TEST(PodStoreTest, RetainOnlyDropsPodsMissingFromARelist) {
  PodStore store;
  store.Update(Pod("a", "1", "ua"));
  store.Update(Pod("b", "2", "ub"));
  store.Update(Pod("c", "3", "uc"));
  auto removed = store.RetainOnly({"ns/a", "ns/c"});
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].first, "ns/b");
  EXPECT_EQ(removed[0].second, "ub");
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.Keys(), (std::vector<std::string>{"ns/a", "ns/c"}));
}

}  // namespace
}  // namespace capstan::localnode
