// Copyright 2026 The capstan Authors.

#include "localnode/node_status.h"

#include <gtest/gtest.h>

namespace capstan::localnode {
namespace {

using base::Json;

const Clock::time_point kT0 = Clock::from_time_t(1767323045);

TEST(NodeStatusTest, NodeObjectCarriesNameAndLabels) {
  Json node = NodeObject(NodeConfig{.name = "local-node"});
  EXPECT_EQ(node["kind"], "Node");
  EXPECT_EQ(node["metadata"]["name"], "local-node");
  EXPECT_EQ(node["metadata"]["labels"]["kubernetes.io/hostname"], "local-node");
  EXPECT_EQ(node["metadata"]["labels"]["kubernetes.io/os"], "linux");
  EXPECT_FALSE(node["spec"].contains("unschedulable"));
}

TEST(NodeStatusTest, UnschedulableNodeTakesOnlyPodsThatNameIt) {
  Json node = NodeObject(NodeConfig{.name = "second", .unschedulable = true});
  EXPECT_EQ(node["spec"]["unschedulable"], true);
}

TEST(NodeStatusTest, StatusPatchIsReadyWithPortCapacityAndHeartbeat) {
  NodeConfig config{.name = "n1", .port = 10444, .pods_capacity = 1500};
  Json patch = NodeStatusPatch(config, kT0, kT0 + std::chrono::seconds(20));
  const Json& st = patch["status"];
  EXPECT_EQ(st["daemonEndpoints"]["kubeletEndpoint"]["Port"], 10444);
  EXPECT_EQ(st["capacity"]["pods"], "1500");
  EXPECT_EQ(st["allocatable"]["pods"], "1500");
  EXPECT_EQ(st["capacity"]["cpu"], "64");
  EXPECT_EQ(st["capacity"]["memory"], "256Gi");
  EXPECT_EQ(st["addresses"][0]["type"], "InternalIP");
  EXPECT_EQ(st["addresses"][0]["address"], "127.0.0.1");
  EXPECT_EQ(st["addresses"][1]["type"], "Hostname");
  EXPECT_EQ(st["addresses"][1]["address"], "127.0.0.1");  // the API server dials it for logs
  EXPECT_EQ(st["nodeInfo"]["kubeletVersion"], "v1.20.2");
  ASSERT_EQ(st["conditions"].size(), 4u);
  for (const Json& c : st["conditions"]) {
    EXPECT_EQ(c["status"], c["type"] == "Ready" ? "True" : "False") << c.dump();
    EXPECT_EQ(c["lastHeartbeatTime"], "2026-01-02T03:04:25Z");
    EXPECT_EQ(c["lastTransitionTime"], "2026-01-02T03:04:05Z");
  }
}

TEST(NodeStatusTest, TaintRemovalPatchRemovesOnlyNotReadyAndUnreachable) {
  Json node{{"spec",
             {{"taints", Json::array({Json{{"key", "node.kubernetes.io/not-ready"}, {"effect", "NoSchedule"}},
                                      Json{{"key", "user/taint"}, {"effect", "NoSchedule"}},
                                      Json{{"key", "node.kubernetes.io/unreachable"}, {"effect", "NoExecute"}}})}}}};
  auto patch = TaintRemovalPatch(node);
  ASSERT_TRUE(patch.has_value());
  Json patched = node.patch(*patch);  // nlohmann applies RFC 6902, test ops included
  ASSERT_EQ(patched["spec"]["taints"].size(), 1u);
  EXPECT_EQ(patched["spec"]["taints"][0]["key"], "user/taint");
}

TEST(NodeStatusTest, NoPatchWithoutThoseTaints) {
  EXPECT_FALSE(TaintRemovalPatch(Json{{"spec", Json::object()}}).has_value());
  EXPECT_FALSE(TaintRemovalPatch(Json{{"spec", {{"taints", Json::array({Json{{"key", "x"}}})}}}}).has_value());
  EXPECT_FALSE(TaintRemovalPatch(Json()).has_value());
  EXPECT_FALSE(TaintRemovalPatch(Json{{"spec", {{"taints", "odd"}}}}).has_value());
}

}  // namespace
}  // namespace capstan::localnode
