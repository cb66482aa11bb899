// Copyright 2026 The capstan Authors.
//
// NodeAgent against kube::FakeClient: registration, the pod lifecycle through real writes, conflicts
// retried, the annotated finalizer removed on deletion, logs, heartbeats and a clean stop.

#include "localnode/node_agent.h"

#include <gtest/gtest.h>

#include <thread>

#include "kube/fake_client.h"

namespace capstan::localnode {
namespace {

using base::Json;
using std::chrono::milliseconds;
using std::chrono::seconds;

const core::Gvk kPod{"", "v1", "Pod"};
const core::Gvk kNode{"", "v1", "Node"};

bool WaitFor(const std::function<bool()>& pred, milliseconds timeout = seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return pred();
}

Json Pod(const std::string& name, const std::string& node, const std::string& policy, Json annotations = Json::object()) {
  return Json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"namespace", "ns"}, {"name", name}, {"annotations", std::move(annotations)}}},
              {"spec",
               {{"nodeName", node},
                {"restartPolicy", policy},
                {"containers", Json::array({Json{{"name", "main"}, {"image", "busybox"}}})}}},
              {"status", {{"phase", "Pending"}}}};
}

class NodeAgentTest : public ::testing::Test {
 protected:
  NodeAgentTest() {
    opts_.node.name = "n1";
    opts_.node.port = 12345;
    opts_.workers = 2;
    opts_.heartbeat = milliseconds(50);
  }
  ~NodeAgentTest() override { StopAgent(); }

  void StartAgent() {
    agent_ = std::make_unique<NodeAgent>(fake_, opts_);
    ASSERT_TRUE(agent_->RegisterNode().ok());
    thread_ = std::jthread([this](std::stop_token stop) { agent_->Run(stop); });
  }
  void StopAgent() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
  }

  std::string Phase(const std::string& name) {
    auto pod = fake_.Get(kPod, "ns", name);
    return pod.ok() ? base::GetStringAt(*pod, "status/phase") : "";
  }

  kube::FakeClient fake_;
  AgentOptions opts_;
  std::unique_ptr<NodeAgent> agent_;
  std::jthread thread_;
};

TEST_F(NodeAgentTest, RegistersAReadyNodeAndRemovesTheNotReadyTaint) {
  Json node = NodeObject(opts_.node);
  node["spec"]["taints"] = Json::array({Json{{"key", "node.kubernetes.io/not-ready"}, {"effect", "NoSchedule"}},
                                        Json{{"key", "keep/me"}, {"effect", "NoSchedule"}}});
  ASSERT_TRUE(fake_.Create(node, {}).ok());
  NodeAgent agent(fake_, opts_);
  ASSERT_TRUE(agent.RegisterNode().ok());
  auto got = fake_.Get(kNode, "", "n1");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ((*got)["spec"]["taints"].size(), 1u);
  EXPECT_EQ((*got)["spec"]["taints"][0]["key"], "keep/me");
  EXPECT_EQ((*got)["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"], 12345);
  bool ready = false;
  for (const Json& c : (*got)["status"]["conditions"]) ready |= c["type"] == "Ready" && c["status"] == "True";
  EXPECT_TRUE(ready);
}

TEST_F(NodeAgentTest, CreatesTheNodeWhenAbsent) {
  NodeAgent agent(fake_, opts_);
  ASSERT_TRUE(agent.RegisterNode().ok());
  EXPECT_TRUE(fake_.Get(kNode, "", "n1").ok());
}

TEST_F(NodeAgentTest, DrivesItsPodsAndIgnoresOthers) {
  StartAgent();
  ASSERT_TRUE(fake_.Create(Pod("web", "n1", "Always"), {}).ok());
  ASSERT_TRUE(fake_.Create(Pod("job", "n1", "Never", {{"localnode.capstan.dev/exit-code", "3"},
                                                      {"localnode.capstan.dev/run-seconds", "0.1"}}), {}).ok());
  ASSERT_TRUE(fake_.Create(Pod("elsewhere", "n2", "Always"), {}).ok());
  EXPECT_TRUE(WaitFor([&] { return Phase("web") == "Running"; }));
  EXPECT_TRUE(WaitFor([&] { return Phase("job") == "Failed"; }));
  auto job = fake_.Get(kPod, "ns", "job");
  EXPECT_EQ((*job)["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 3);
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(Phase("elsewhere"), "Pending");
  EXPECT_EQ(Phase("web"), "Running");
}

TEST_F(NodeAgentTest, ConflictIsRetriedWithAFreshRead) {
  fake_.InjectError("PATCH", "Pod ns/web", base::Status::Conflict("the object has been modified"), 2);
  StartAgent();
  ASSERT_TRUE(fake_.Create(Pod("web", "n1", "Always"), {}).ok());
  EXPECT_TRUE(WaitFor([&] { return Phase("web") == "Running"; }));
  EXPECT_GE(agent_->stats().conflicts, 2);
}

TEST_F(NodeAgentTest, OtherErrorsAreRetriedWithBackOff) {
  fake_.InjectError("PATCH", "Pod ns/web", base::Status::Unavailable("the server is busy"), 1);
  StartAgent();
  ASSERT_TRUE(fake_.Create(Pod("web", "n1", "Always"), {}).ok());
  EXPECT_TRUE(WaitFor([&] { return Phase("web") == "Running"; }));
  EXPECT_GE(agent_->stats().errors, 1);
}

TEST_F(NodeAgentTest, DeletionRemovesTheAnnotatedFinalizer) {
  StartAgent();
  Json pod = Pod("pre", "n1", "Always", {{"localnode.capstan.dev/remove-finalizer-on-delete", "example.com/x"}});
  pod["metadata"]["finalizers"] = Json::array({"example.com/x"});
  ASSERT_TRUE(fake_.Create(pod, {}).ok());
  ASSERT_TRUE(WaitFor([&] { return Phase("pre") == "Running"; }));
  ASSERT_TRUE(fake_.Delete(kPod, "ns", "pre", {}).ok());  // held by the finalizer: deletionTimestamp set
  EXPECT_TRUE(WaitFor([&] { return fake_.Get(kPod, "ns", "pre").status().IsNotFound(); }));
}

TEST_F(NodeAgentTest, ServesLogsOfItsPodsOnly) {
  StartAgent();
  ASSERT_TRUE(fake_.Create(Pod("talk", "n1", "Always", {{"localnode.capstan.dev/log", "hi\n"}}), {}).ok());
  ASSERT_TRUE(WaitFor([&] { return agent_->ContainerLog("ns", "talk", "main", false).has_value(); }));
  EXPECT_EQ(agent_->ContainerLog("ns", "talk", "main", false), "hi\n");
  EXPECT_EQ(agent_->ContainerLog("ns", "talk", "other", false), std::nullopt);
  EXPECT_EQ(agent_->ContainerLog("ns", "nope", "main", false), std::nullopt);
}

TEST_F(NodeAgentTest, HeartBeatsAndStopsPromptly) {
  StartAgent();
  EXPECT_TRUE(WaitFor([&] { return agent_->stats().heartbeats >= 3; }));
  auto start = std::chrono::steady_clock::now();
  StopAgent();
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(5));
}

TEST_F(NodeAgentTest, ARestartedAgentFinishesWhatWasDue) {
  StartAgent();
  ASSERT_TRUE(fake_.Create(Pod("job", "n1", "Never", {{"localnode.capstan.dev/run-seconds", "1"}}), {}).ok());
  ASSERT_TRUE(WaitFor([&] { return Phase("job") == "Running"; }));
  StopAgent();
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_EQ(Phase("job"), "Running");
  StartAgent();
  EXPECT_TRUE(WaitFor([&] { return Phase("job") == "Succeeded"; }));
}

}  // namespace
}  // namespace capstan::localnode
