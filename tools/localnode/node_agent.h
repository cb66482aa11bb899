// Copyright 2026 The capstan Authors.
//
// NodeAgent: the kubelet stand-in for one Node of the local cluster. It registers the Node (create or
// reuse; Ready, addresses, kubelet port, capacity; the not-ready taint removed) and heart-beats it;
// lists and watches the pods bound to it (kube::Reflector, field selector spec.nodeName=<node>, so a
// restarted agent picks its pods up again); and drives each pod through its lifecycle
// (pod_lifecycle.h) by writing pod status, removing the annotated finalizer and completing graceful
// deletion. Due transitions wait in a WorkQueue; a few worker threads execute steps through the shared
// client. Status writes carry the resourceVersion they were decided on: a conflict re-reads the pod
// and decides again. Errors are logged and retried with back-off; an odd pod never stops the agent.
//
// Thread safety: RegisterNode then Run from one thread; ContainerLog from any thread (the log server's).

#ifndef CAPSTAN_LOCALNODE_NODE_AGENT_H_
#define CAPSTAN_LOCALNODE_NODE_AGENT_H_

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>

#include "base/status.h"
#include "kube/client.h"
#include "localnode/exec_runner.h"
#include "localnode/node_status.h"
#include "localnode/pod_lifecycle.h"
#include "localnode/pod_store.h"
#include "localnode/work_queue.h"

namespace capstan::localnode {

struct AgentOptions {
  NodeConfig node;
  bool exec = false;                         // run containers' commands on the host
  int workers = 8;                           // threads executing pod steps
  std::chrono::milliseconds heartbeat{10000};
  std::string field_manager = "capstan-localnode";
};

// Counters for logs and tests.
struct AgentStats {
  int64_t status_writes = 0;
  int64_t deletes = 0;
  int64_t conflicts = 0;
  int64_t errors = 0;
  int64_t heartbeats = 0;
};

class NodeAgent {
 public:
  // |client| must outlive the agent.
  NodeAgent(kube::Client& client, AgentOptions opts);
  ~NodeAgent();
  NodeAgent(const NodeAgent&) = delete;
  NodeAgent& operator=(const NodeAgent&) = delete;

  // Creates the Node (or reuses it), writes its status and removes the not-ready taint. Errors are
  // the client's (kUnavailable when the API server does not answer, kPermissionDenied, ...).
  base::Status RegisterNode();

  // Heart-beats, watches the node's pods and drives them until |stop| is requested; then returns,
  // leaving the pods as they are (processes started with --exec are killed).
  void Run(std::stop_token stop);

  // The log text of |container| of pod ns/pod bound to this node; nullopt when unknown.
  std::optional<std::string> ContainerLog(const std::string& ns, const std::string& pod, const std::string& container,
                                          bool previous) const;

  AgentStats stats() const;

 private:
  void Heartbeat();
  base::Status RemoveTaints(base::Json node);
  void Reconcile(const std::string& key);
  void Retry(const std::string& key, const base::Status& why);
  void Forget(const std::string& uid);
  void OnExecExit(const std::string& key, const RunResult& result);
  std::optional<Attempt> AttemptOf(const std::string& uid) const;
  void WarnOnce(const std::string& uid, const std::string& key, const PodPlan& plan);

  kube::Client& client_;
  const AgentOptions opts_;
  const Clock::time_point ready_since_;
  PodStore store_;
  WorkQueue queue_;
  std::unique_ptr<ExecRunner> exec_;  // with --exec only

  mutable std::mutex mu_;
  std::map<std::string, Attempt> attempts_;  // by pod uid; guarded by mu_
  std::map<std::string, int> failures_;      // by pod key, for back-off; guarded by mu_
  std::set<std::string> warned_;             // pod uids whose annotations were reported; guarded by mu_
  AgentStats stats_;                         // guarded by mu_
};

}  // namespace capstan::localnode

#endif  // CAPSTAN_LOCALNODE_NODE_AGENT_H_
