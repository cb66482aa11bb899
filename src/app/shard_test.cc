// Copyright 2026 The capstan Authors.

#include "app/shard.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace capstan::app {
namespace {

std::vector<std::string> Keys(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("team-" + std::to_string(i % 7) + "/app-" + std::to_string(i));
  return out;
}

TEST(ShardTest, EveryAppHasExactlyOneOwnerAndTheSpreadIsEven) {
  const std::vector<std::string> members = {"capstan/a/1", "capstan/b/1", "capstan/c/1"};
  std::vector<std::unique_ptr<ShardMap>> maps;
  for (const std::string& m : members) {
    maps.push_back(std::make_unique<ShardMap>(m));
    maps.back()->SetMembers(members);
  }
  std::map<std::string, int> per_member;
  for (const std::string& key : Keys(3000)) {
    int owners = 0;
    for (size_t i = 0; i < maps.size(); ++i) {
      if (maps[i]->Owns(key)) {
        ++owners;
        ++per_member[members[i]];
      }
    }
    EXPECT_EQ(owners, 1) << key;
  }
  for (const auto& [m, n] : per_member) {
    EXPECT_GT(n, 850) << m;  // 1000 each on average
    EXPECT_LT(n, 1150) << m;
  }
}

TEST(ShardTest, WhenAMemberLeavesOnlyItsAppsMove) {
  const std::vector<std::string> three = {"capstan/a/1", "capstan/b/1", "capstan/c/1"};
  const std::vector<std::string> two = {"capstan/a/1", "capstan/c/1"};
  int moved = 0, held_by_b = 0;
  for (const std::string& key : Keys(2000)) {
    std::string before = RendezvousOwner(key, three), after = RendezvousOwner(key, two);
    if (before == "capstan/b/1") {
      ++held_by_b;
      EXPECT_NE(after, "capstan/b/1");
    } else {
      EXPECT_EQ(before, after) << key << " moved although its owner stayed";
    }
    if (before != after) ++moved;
  }
  EXPECT_EQ(moved, held_by_b);
  EXPECT_GT(held_by_b, 500);
}

TEST(ShardTest, ALoneOrNotYetListedReplicaOwnsEverything) {
  ShardMap map("capstan/a/1");
  EXPECT_TRUE(map.Owns("capstan/x"));  // no member list yet
  EXPECT_TRUE(map.SetMembers({}));     // only itself
  EXPECT_TRUE(map.Owns("capstan/x"));
  EXPECT_EQ(map.Members(), std::vector<std::string>{"capstan/a/1"});
  EXPECT_FALSE(map.SetMembers({"capstan/a/1"}));  // unchanged
  EXPECT_TRUE(map.SetMembers({"capstan/b/1"}));   // self is added
  EXPECT_EQ(map.Members(), (std::vector<std::string>{"capstan/a/1", "capstan/b/1"}));
  EXPECT_EQ(map.Describe(), "member 1 of 2 (capstan/a/1, capstan/b/1)");
}

TEST(ShardTest, StaticShardsPartitionTheAppsAndIgnoreMembers) {
  ShardMap s0("a", 2, 0), s1("b", 2, 1);
  EXPECT_FALSE(s0.SetMembers({"a", "b", "c"}));
  int in0 = 0;
  for (const std::string& key : Keys(1000)) {
    EXPECT_NE(s0.Owns(key), s1.Owns(key)) << key;
    in0 += s0.Owns(key);
    EXPECT_EQ(s0.Owns(key), StaticShardOf(key, 2) == 0);
  }
  EXPECT_GT(in0, 400);
  EXPECT_LT(in0, 600);
  EXPECT_EQ(s1.Describe(), "shard 1 of 2");
}

}  // namespace
}  // namespace capstan::app
