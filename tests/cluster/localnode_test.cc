// Copyright 2026 The capstan Authors.
//
// The node agent (capstan-localnode) against the local control plane: pods driven through their
// lifecycle as their annotations say, Jobs and Deployments as their controllers see them, graceful
// deletion, finalizers, logs through the API server, and an agent restarted mid-way. The cluster's
// own agent runs node `local-node`; the restart test starts agents of its own for a second node.

#include <gtest/gtest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "base/json.h"
#include "core/gvk.h"
#include "kube/client.h"
#include "testing/cluster_fixture.h"

extern char** environ;

namespace capstan::localnode_test {
namespace {

using base::Json;
using std::chrono::milliseconds;
using std::chrono::seconds;

const core::Gvk kPod{"", "v1", "Pod"};
const core::Gvk kNode{"", "v1", "Node"};
const core::Gvk kJob{"batch", "v1", "Job"};
const core::Gvk kDeploy{"apps", "v1", "Deployment"};
const core::Gvk kCm{"", "v1", "ConfigMap"};

Json PodSpec(const std::string& restart_policy) {
  return Json{{"restartPolicy", restart_policy},
              {"terminationGracePeriodSeconds", 30},
              {"containers", Json::array({Json{{"name", "main"}, {"image", "busybox:1.36"}}})}};
}

Json Pod(const std::string& ns, const std::string& name, const std::string& restart_policy,
         Json annotations = Json::object()) {
  return Json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"namespace", ns}, {"name", name}, {"annotations", std::move(annotations)}}},
              {"spec", PodSpec(restart_policy)}};
}

Json Job(const std::string& ns, const std::string& name, Json annotations) {
  return Json{{"apiVersion", "batch/v1"},
              {"kind", "Job"},
              {"metadata", {{"namespace", ns}, {"name", name}}},
              {"spec",
               {{"backoffLimit", 0},
                {"template", {{"metadata", {{"annotations", std::move(annotations)}}}, {"spec", PodSpec("Never")}}}}}};
}

std::string Phase(const Json& pod) { return base::GetStringAt(pod, "status/phase"); }

// The status ("True"/"False") of condition |type| of |obj|, or "".
std::string ConditionStatus(const Json& obj, const std::string& type, std::string* reason = nullptr) {
  auto conditions = obj.contains("status") ? obj["status"].value("conditions", Json::array()) : Json::array();
  for (const Json& c : conditions) {
    if (base::GetString(c, "type") == type) {
      if (reason != nullptr) *reason = base::GetString(c, "reason");
      return base::GetString(c, "status");
    }
  }
  return "";
}

int64_t IntAt(const Json& obj, const Json::json_pointer& ptr, int64_t fallback = -1) {
  if (!obj.contains(ptr)) return fallback;
  const Json& v = obj[ptr];
  return v.is_number_integer() ? v.get<int64_t>() : fallback;
}

// A count quantity ("1500", "1k", "2M") as a number; -1 when it is something else.
int64_t CountQuantity(const std::string& q) {
  size_t digits = q.find_first_not_of("0123456789");
  if (digits == 0 || q.empty()) return -1;
  int64_t n = std::stoll(q.substr(0, digits));
  std::string suffix = digits == std::string::npos ? "" : q.substr(digits);
  if (suffix.empty()) return n;
  if (suffix == "k") return n * 1000;
  if (suffix == "M") return n * 1000000;
  return -1;
}

class LocalNodeTest : public testing::ClusterTest {
 protected:
  // The pod now, or a null Json when it cannot be read.
  Json GetPod(const std::string& name) {
    auto pod = client().Get(kPod, ns(), name);
    return pod.ok() ? *pod : Json();
  }

  // Waits until pod |name| has phase |phase|; returns the pod as last seen.
  Json WaitForPhase(const std::string& name, const std::string& phase, std::chrono::milliseconds timeout = seconds(60)) {
    Json last;
    bool ok = WaitFor([&] {
      last = GetPod(name);
      return Phase(last) == phase;
    }, timeout);
    EXPECT_TRUE(ok) << "pod " << name << " never reached " << phase << "; last seen: " << last.dump();
    return last;
  }

  bool WaitGone(const core::Gvk& gvk, const std::string& name, std::chrono::milliseconds timeout) {
    return WaitFor([&] { return client().Get(gvk, ns(), name).status().IsNotFound(); }, timeout);
  }
};

TEST_F(LocalNodeTest, NodeIsReadyUntaintedWithLargePodCapacity) {
  auto node = client().Get(kNode, "", "local-node");
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  EXPECT_EQ(ConditionStatus(*node, "Ready"), "True");
  EXPECT_EQ(ConditionStatus(*node, "MemoryPressure"), "False");
  // The API server writes quantities canonically: 1000 pods is "1k".
  std::string pods = base::GetStringAt(*node, "status/capacity/pods");
  EXPECT_GE(CountQuantity(pods), 1000) << pods;
  EXPECT_GT(IntAt(*node, "/status/daemonEndpoints/kubeletEndpoint/Port"_json_pointer), 0);
  for (const Json& taint : node->value("/spec/taints"_json_pointer, Json::array())) {
    EXPECT_NE(base::GetString(taint, "key"), "node.kubernetes.io/not-ready");
  }
  // Heart-beats renew lastHeartbeatTime (every ~10 s).
  auto heartbeat = [&] {
    auto n = client().Get(kNode, "", "local-node");
    std::string beat;
    if (n.ok()) {
      for (const Json& c : (*n)["status"]["conditions"]) {
        if (c["type"] == "Ready") beat = base::GetString(c, "lastHeartbeatTime");
      }
    }
    return beat;
  };
  std::string first = heartbeat();
  EXPECT_FALSE(first.empty());
  EXPECT_TRUE(WaitFor([&] { return heartbeat() != first; }, seconds(25))) << "no heartbeat after " << first;
}

TEST_F(LocalNodeTest, JobWithExitCodeFailsWithBackoffLimitExceeded) {
  auto created = client().Create(Job(ns(), "fail", {{"localnode.capstan.dev/exit-code", "3"}}), {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Json job;
  std::string reason;
  bool failed = WaitFor([&] {
    auto j = client().Get(kJob, ns(), "fail");
    if (j.ok()) job = *j;
    return ConditionStatus(job, "Failed", &reason) == "True";
  }, seconds(60));
  ASSERT_TRUE(failed) << job.dump();
  EXPECT_EQ(reason, "BackoffLimitExceeded");
  EXPECT_EQ(ConditionStatus(job, "Complete"), "");

  kube::ListOptions lo;
  lo.label_selector = "job-name=fail";
  auto pods = client().List(kPod, ns(), lo);
  ASSERT_TRUE(pods.ok()) << pods.status().ToString();
  ASSERT_FALSE(pods->items.empty());
  const Json& pod = pods->items[0];
  EXPECT_EQ(Phase(pod), "Failed");
  EXPECT_EQ(IntAt(pod, "/status/containerStatuses/0/state/terminated/exitCode"_json_pointer), 3) << pod.dump();
  EXPECT_EQ(pod.value("/status/containerStatuses/0/state/terminated/reason"_json_pointer, ""), "Error");
}

TEST_F(LocalNodeTest, JobWithDefaultsCompletes) {
  auto created = client().Create(Job(ns(), "ok", Json::object()), {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Json job;
  bool complete = WaitFor([&] {
    auto j = client().Get(kJob, ns(), "ok");
    if (j.ok()) job = *j;
    return ConditionStatus(job, "Complete") == "True";
  }, seconds(60));
  ASSERT_TRUE(complete) << job.dump();
  EXPECT_EQ(IntAt(job, "/status/succeeded"_json_pointer), 1);
  kube::ListOptions lo;
  lo.label_selector = "job-name=ok";
  auto pods = client().List(kPod, ns(), lo);
  ASSERT_TRUE(pods.ok());
  ASSERT_EQ(pods->items.size(), 1u);
  EXPECT_EQ(Phase(pods->items[0]), "Succeeded");
  EXPECT_EQ(IntAt(pods->items[0], "/status/containerStatuses/0/state/terminated/exitCode"_json_pointer), 0);
}

TEST_F(LocalNodeTest, OnFailurePodRestartsInPlace) {
  auto created = client().Create(Pod(ns(), "crash", "OnFailure",
                                     {{"localnode.capstan.dev/exit-code", "1"},
                                      {"localnode.capstan.dev/run-seconds", "0.3"}}), {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Json pod;
  bool grew = WaitFor([&] {
    pod = GetPod("crash");
    return IntAt(pod, "/status/containerStatuses/0/restartCount"_json_pointer) >= 3;
  }, seconds(60));
  ASSERT_TRUE(grew) << pod.dump();
  EXPECT_EQ(Phase(pod), "Running");
  EXPECT_EQ(IntAt(pod, "/status/containerStatuses/0/lastState/terminated/exitCode"_json_pointer), 1);
  int64_t seen = IntAt(pod, "/status/containerStatuses/0/restartCount"_json_pointer);
  EXPECT_TRUE(WaitFor([&] {
    return IntAt(GetPod("crash"), "/status/containerStatuses/0/restartCount"_json_pointer) > seen;
  }, seconds(30)));
}

TEST_F(LocalNodeTest, NotReadyAnnotationKeepsPodRunningButUnready) {
  ASSERT_TRUE(client().Create(Pod(ns(), "unready", "Always", {{"localnode.capstan.dev/ready", "false"}}), {}).ok());
  Json pod = WaitForPhase("unready", "Running");
  std::this_thread::sleep_for(seconds(1));
  pod = GetPod("unready");
  EXPECT_EQ(Phase(pod), "Running");
  EXPECT_EQ(ConditionStatus(pod, "Ready"), "False");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["ready"], false);
}

TEST_F(LocalNodeTest, DeploymentScaledFromOneToThreeBecomesAvailable) {
  Json deploy = Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "main", "image": "nginx:1.25"}]}}}})");
  deploy["metadata"]["namespace"] = ns();
  ASSERT_TRUE(client().Create(deploy, {}).ok());
  auto available = [&](int want) {
    Json d;
    bool ok = WaitFor([&] {
      auto got = client().Get(kDeploy, ns(), "web");
      if (got.ok()) d = *got;
      return ConditionStatus(d, "Available") == "True" && IntAt(d, "/status/readyReplicas"_json_pointer) == want &&
             IntAt(d, "/status/availableReplicas"_json_pointer) == want &&
             IntAt(d, "/status/updatedReplicas"_json_pointer) == want;
    }, seconds(60));
    EXPECT_TRUE(ok) << "not available with " << want << " replicas: " << d.dump();
    return ok;
  };
  ASSERT_TRUE(available(1));
  auto scaled = client().Patch(kDeploy, ns(), "web", kube::PatchType::kMerge, Json{{"spec", {{"replicas", 3}}}}, {});
  ASSERT_TRUE(scaled.ok()) << scaled.status().ToString();
  EXPECT_TRUE(available(3));
}

TEST_F(LocalNodeTest, DeletingARunningPodFinishesQuickly) {
  ASSERT_TRUE(client().Create(Pod(ns(), "victim", "Always"), {}).ok());
  WaitForPhase("victim", "Running");
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client().Delete(kPod, ns(), "victim", {}).ok());  // default grace period (30 s)
  EXPECT_TRUE(WaitGone(kPod, "victim", seconds(5)));
  auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  EXPECT_LT(took, seconds(5)) << took.count() << " ms";
}

TEST_F(LocalNodeTest, PodLogsAndTailThroughTheApiServer) {
  ASSERT_TRUE(client().Create(Pod(ns(), "talker", "Always",
                                  {{"localnode.capstan.dev/log", "first line\nsecond line\nthird line\n"}}), {}).ok());
  WaitForPhase("talker", "Running");
  auto all = client().PodLogs(ns(), "talker", {});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, "first line\nsecond line\nthird line\n");

  kube::LogOptions tail;
  tail.container = "main";
  tail.tail_lines = 1;
  auto last = client().PodLogs(ns(), "talker", tail);
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(*last, "third line\n");

  kube::LogOptions limited;
  limited.limit_bytes = 5;
  auto head = client().PodLogs(ns(), "talker", limited);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, "first");

  kube::LogOptions both;
  both.tail_lines = 2;
  both.limit_bytes = 8;
  auto mid = client().PodLogs(ns(), "talker", both);
  ASSERT_TRUE(mid.ok()) << mid.status().ToString();
  EXPECT_EQ(*mid, "second l");
}

TEST_F(LocalNodeTest, FinalizerHoldsAnObjectUntilRemoved) {
  Json cm{{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"namespace", ns()}, {"name", "held"}, {"finalizers", {"example.com/hold"}}}},
          {"data", {{"k", "v"}}}};
  ASSERT_TRUE(client().Create(cm, {}).ok());
  ASSERT_TRUE(client().Delete(kCm, ns(), "held", {}).ok());
  std::this_thread::sleep_for(seconds(1));
  auto still = client().Get(kCm, ns(), "held");
  ASSERT_TRUE(still.ok()) << "the finalizer should hold it: " << still.status().ToString();
  EXPECT_FALSE(base::GetStringAt(*still, "metadata/deletionTimestamp").empty());

  auto released = client().Patch(kCm, ns(), "held", kube::PatchType::kMerge,
                                 Json{{"metadata", {{"finalizers", nullptr}}}}, {});
  ASSERT_TRUE(released.ok() || released.status().IsNotFound()) << released.status().ToString();
  EXPECT_TRUE(WaitGone(kCm, "held", seconds(10)));
}

TEST_F(LocalNodeTest, PodRemovingItsOwnFinalizerOnDeleteIsDeleted) {
  Json pod = Pod(ns(), "prestop", "Always",
                 {{"localnode.capstan.dev/remove-finalizer-on-delete", "example.com/pre-stop"}});
  pod["metadata"]["finalizers"] = Json::array({"example.com/pre-stop"});
  ASSERT_TRUE(client().Create(pod, {}).ok());
  WaitForPhase("prestop", "Running");
  ASSERT_TRUE(client().Delete(kPod, ns(), "prestop", {}).ok());
  EXPECT_TRUE(WaitGone(kPod, "prestop", seconds(10)));
}

TEST_F(LocalNodeTest, PodHeldByAnotherFinalizerWaitsForIt) {
  Json pod = Pod(ns(), "held", "Always");
  pod["metadata"]["finalizers"] = Json::array({"example.com/other"});
  ASSERT_TRUE(client().Create(pod, {}).ok());
  WaitForPhase("held", "Running");
  ASSERT_TRUE(client().Delete(kPod, ns(), "held", {}).ok());
  // The agent stops the containers and deletes with grace 0, but the finalizer holds the pod.
  Json seen;
  ASSERT_TRUE(WaitFor([&] {
    seen = GetPod("held");
    return IntAt(seen, "/metadata/deletionGracePeriodSeconds"_json_pointer) == 0;
  }, seconds(10))) << seen.dump();
  EXPECT_TRUE(seen["status"]["containerStatuses"][0]["state"].contains("terminated")) << seen.dump();
  std::this_thread::sleep_for(seconds(1));
  EXPECT_TRUE(client().Get(kPod, ns(), "held").ok());
  auto released = client().Patch(kPod, ns(), "held", kube::PatchType::kMerge,
                                 Json{{"metadata", {{"finalizers", nullptr}}}}, {});
  ASSERT_TRUE(released.ok() || released.status().IsNotFound()) << released.status().ToString();
  EXPECT_TRUE(WaitGone(kPod, "held", seconds(10)));
}

// --- an agent of the test's own ---------------------------------------------------------------------

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// One capstan-localnode process for node |node|, its output in |log|.
class AgentProcess {
 public:
  AgentProcess(std::string node, int port, std::string cert, std::string key, std::string log,
               std::vector<std::string> extra_args = {})
      : node_(std::move(node)), port_(port), cert_(std::move(cert)), key_(std::move(key)), log_(std::move(log)),
        extra_args_(std::move(extra_args)) {}
  ~AgentProcess() { Kill(SIGKILL); }

  void Start() {
    std::string bin = std::string(CAPSTAN_BINARY_DIR) + "/capstan-localnode";
    ASSERT_TRUE(std::filesystem::exists(bin)) << bin << " is not built";
    std::vector<std::string> args = {bin, "--kubeconfig", testing::TestKubeconfigPath(), "--node-name", node_,
                                     "--port", std::to_string(port_), "--tls-cert", cert_, "--tls-key", key_,
                                     "--heartbeat-seconds", "2",
                                     // The cluster is shared with every other test: the scheduler must
                                     // not place their pods on this node (which goes away with the test).
                                     "--unschedulable"};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawn(&pid_, bin.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ASSERT_EQ(rc, 0) << "posix_spawn " << bin;
  }

  // Sends |sig| and waits (up to 15 s) for the exit; returns the wait status, or -1.
  int Kill(int sig) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    int status = -1;
    for (int i = 0; i < 150; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }

  std::string Log() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string node_;
  int port_;
  std::string cert_, key_, log_;
  std::vector<std::string> extra_args_;
  pid_t pid_ = -1;
};

// A second node of the test's own: its name, a TLS pair and a free port; the agent is not started.
struct SecondNode {
  std::string name;
  std::filesystem::path dir;
  std::unique_ptr<AgentProcess> agent;
};

SecondNode MakeSecondNode(const std::string& prefix, std::vector<std::string> extra_args = {}) {
  SecondNode n;
  std::random_device rd;
  n.name = prefix + "-" + std::to_string(rd() % 1000000);
  n.dir = std::filesystem::temp_directory_path() / ("capstan-" + n.name);
  std::filesystem::create_directories(n.dir);
  std::string cert = (n.dir / "kubelet.crt").string(), key = (n.dir / "kubelet.key").string();
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=" +
                    n.name + " -addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert +
                    " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  int port = FreePort();
  EXPECT_GT(port, 0);
  n.agent = std::make_unique<AgentProcess>(n.name, port, cert, key, (n.dir / "agent.log").string(),
                                           std::move(extra_args));
  return n;
}

TEST_F(LocalNodeTest, RestartedAgentPicksItsPodsUpAgain) {
  SecondNode second = MakeSecondNode("local-node-2");
  ASSERT_FALSE(HasFailure());
  const std::string& node = second.name;
  AgentProcess& agent = *second.agent;

  auto node_ready = [&] {
    auto n = client().Get(kNode, "", node);
    return n.ok() && ConditionStatus(*n, "Ready") == "True";
  };
  agent.Start();
  ASSERT_TRUE(WaitFor(node_ready, seconds(30))) << agent.Log();

  Json runner = Pod(ns(), "runner", "Never", {{"localnode.capstan.dev/run-seconds", "3"}});
  runner["spec"]["nodeName"] = node;
  Json server = Pod(ns(), "server", "Always", {{"localnode.capstan.dev/log", "still here\n"}});
  server["spec"]["nodeName"] = node;
  ASSERT_TRUE(client().Create(runner, {}).ok());
  ASSERT_TRUE(client().Create(server, {}).ok());
  WaitForPhase("runner", "Running", seconds(20));
  Json server_before = WaitForPhase("server", "Running", seconds(20));
  ASSERT_FALSE(HasFailure()) << agent.Log();

  // SIGTERM: a clean exit that leaves the pods as they are.
  int status = agent.Kill(SIGTERM);
  EXPECT_TRUE(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status << "\n"
                                                                             << agent.Log();
  std::this_thread::sleep_for(milliseconds(3500));  // the runner's 3 s pass while no agent runs
  EXPECT_EQ(Phase(GetPod("runner")), "Running") << "nothing should drive the pod while the agent is down";

  agent.Start();
  Json finished = WaitForPhase("runner", "Succeeded", seconds(30));
  EXPECT_EQ(IntAt(finished, "/status/containerStatuses/0/state/terminated/exitCode"_json_pointer), 0);
  std::this_thread::sleep_for(seconds(1));
  Json server_after = GetPod("server");
  EXPECT_EQ(Phase(server_after), "Running");
  EXPECT_EQ(ConditionStatus(server_after, "Ready"), "True");
  EXPECT_EQ(base::GetStringAt(server_after, "status/startTime"), base::GetStringAt(server_before, "status/startTime"));
  EXPECT_EQ(IntAt(server_after, "/status/containerStatuses/0/restartCount"_json_pointer), 0);

  // The restarted agent serves logs too, and finishes deletions.
  auto log = client().PodLogs(ns(), "server", {});
  EXPECT_TRUE(log.ok() && *log == "still here\n") << log.status().ToString();
  ASSERT_TRUE(client().Delete(kPod, ns(), "server", {}).ok());
  ASSERT_TRUE(client().Delete(kPod, ns(), "runner", {}).ok());
  EXPECT_TRUE(WaitGone(kPod, "server", seconds(10)));
  EXPECT_TRUE(WaitGone(kPod, "runner", seconds(10)));

  agent.Kill(SIGTERM);
  (void)client().Delete(kNode, "", node, {});
  if (!HasFailure()) std::filesystem::remove_all(second.dir);
}

TEST_F(LocalNodeTest, ExecFlagRunsTheContainersCommand) {
  SecondNode second = MakeSecondNode("local-node-exec", {"--exec"});
  ASSERT_FALSE(HasFailure());
  AgentProcess& agent = *second.agent;
  agent.Start();
  ASSERT_TRUE(WaitFor([&] {
    auto n = client().Get(kNode, "", second.name);
    return n.ok() && ConditionStatus(*n, "Ready") == "True";
  }, seconds(30))) << agent.Log();

  Json pod = Pod(ns(), "cmd", "Never", {{"localnode.capstan.dev/exit-code", "9"}});  // the real code wins
  pod["spec"]["nodeName"] = second.name;
  pod["spec"]["containers"][0]["command"] = Json::array({"sh", "-c"});
  pod["spec"]["containers"][0]["args"] = Json::array({"echo \"hello $GREETING\"; sleep 0.2; exit 4"});
  pod["spec"]["containers"][0]["env"] = Json::array({Json{{"name", "GREETING"}, {"value", "from the host"}}});
  ASSERT_TRUE(client().Create(pod, {}).ok());
  Json done = WaitForPhase("cmd", "Failed", seconds(30));
  EXPECT_EQ(IntAt(done, "/status/containerStatuses/0/state/terminated/exitCode"_json_pointer), 4) << done.dump();
  auto log = client().PodLogs(ns(), "cmd", {});
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(*log, "hello from the host\n");

  ASSERT_TRUE(client().Delete(kPod, ns(), "cmd", {}).ok());
  EXPECT_TRUE(WaitGone(kPod, "cmd", seconds(10)));
  agent.Kill(SIGTERM);
  (void)client().Delete(kNode, "", second.name, {});
  if (!HasFailure()) std::filesystem::remove_all(second.dir);
}

}  // namespace
}  // namespace capstan::localnode_test
