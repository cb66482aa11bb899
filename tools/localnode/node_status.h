// Copyright 2026 The capstan Authors.
//
// What the node agent writes about its Node: the object it creates, the status it patches on start and
// on every heartbeat (Ready and the pressure conditions, addresses, the kubelet port the API server
// proxies logs to, capacity, nodeInfo), and the JSON patch that removes the taints the node-lifecycle
// controller would have removed (it does not run on the local cluster).
//
// Thread safety: pure functions.

#ifndef CAPSTAN_LOCALNODE_NODE_STATUS_H_
#define CAPSTAN_LOCALNODE_NODE_STATUS_H_

#include <optional>
#include <string>

#include "base/json.h"
#include "localnode/k8s_time.h"

namespace capstan::localnode {

inline constexpr std::string_view kNotReadyTaint = "node.kubernetes.io/not-ready";
inline constexpr std::string_view kUnreachableTaint = "node.kubernetes.io/unreachable";

struct NodeConfig {
  std::string name;               // "local-node"
  int port = 10250;               // the log server's port (daemonEndpoints.kubeletEndpoint.Port)
  int pods_capacity = 1000;
  std::string cpu = "64";
  std::string memory = "256Gi";
  std::string kubelet_version = "v1.20.2";
  std::string agent_version = "0.1.0";
  std::string kernel_version;     // uname -r, or ""
  bool unschedulable = false;     // spec.unschedulable: only pods bound by nodeName run here
};

// The Node to create: name and the well-known labels (hostname, os, arch).
base::Json NodeObject(const NodeConfig& config);

// A merge patch for the status subresource: {"status": {...}}. Addresses: InternalIP and Hostname
// both 127.0.0.1 (the API server dials the Hostname one first for logs). |ready_since| is the conditions'
// lastTransitionTime (when this agent started), |now| their lastHeartbeatTime.
base::Json NodeStatusPatch(const NodeConfig& config, Clock::time_point ready_since, Clock::time_point now);

// A JSON patch (RFC 6902) that removes the not-ready and unreachable taints from |node|'s
// spec.taints, each removal guarded by a "test" of its key; nullopt when there is none to remove.
std::optional<base::Json> TaintRemovalPatch(const base::Json& node);

}  // namespace capstan::localnode

#endif  // CAPSTAN_LOCALNODE_NODE_STATUS_H_
