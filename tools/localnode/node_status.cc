// Copyright 2026 The capstan Authors.

#include "localnode/node_status.h"

#include <vector>

namespace capstan::localnode {

using base::Json;

Json NodeObject(const NodeConfig& config) {
  return Json{{"apiVersion", "v1"},
              {"kind", "Node"},
              {"metadata",
               {{"name", config.name},
                {"labels",
                 {{"kubernetes.io/hostname", config.name},
                  {"kubernetes.io/os", "linux"},
                  {"kubernetes.io/arch", "amd64"},
                  {"beta.kubernetes.io/os", "linux"},
                  {"beta.kubernetes.io/arch", "amd64"}}}}},
              {"spec", config.unschedulable ? Json{{"unschedulable", true}} : Json::object()}};
}

Json NodeStatusPatch(const NodeConfig& config, Clock::time_point ready_since, Clock::time_point now) {
  // The Hostname address is 127.0.0.1, as with a kubelet run with --hostname-override=127.0.0.1: the
  // API server prefers Hostname when it proxies pods/log to the kubelet port, and the node name does
  // not resolve.
  std::string since = FormatTime(ready_since);
  std::string beat = FormatTime(now);
  auto condition = [&](const char* type, const char* status, const char* reason, const char* message) {
    return Json{{"type", type},
                {"status", status},
                {"reason", reason},
                {"message", message},
                {"lastHeartbeatTime", beat},
                {"lastTransitionTime", since}};
  };
  Json resources{{"cpu", config.cpu},
                 {"memory", config.memory},
                 {"pods", std::to_string(config.pods_capacity)},
                 {"ephemeral-storage", "1Ti"}};
  Json status{
      {"conditions",
       Json::array({condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                              "capstan-localnode has sufficient memory available"),
                    condition("DiskPressure", "False", "KubeletHasNoDiskPressure",
                              "capstan-localnode has no disk pressure"),
                    condition("PIDPressure", "False", "KubeletHasSufficientPID",
                              "capstan-localnode has sufficient PID available"),
                    condition("Ready", "True", "KubeletReady", "capstan-localnode is posting ready status")})},
      {"addresses", Json::array({Json{{"type", "InternalIP"}, {"address", "127.0.0.1"}},
                                 Json{{"type", "Hostname"}, {"address", "127.0.0.1"}}})},
      {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", config.port}}}}},
      {"capacity", resources},
      {"allocatable", resources},
      {"nodeInfo",
       {{"machineID", "capstan-localnode-" + config.name},
        {"systemUUID", "capstan-localnode-" + config.name},
        {"bootID", "capstan-localnode-" + config.name},
        {"kernelVersion", config.kernel_version},
        {"osImage", "capstan-localnode " + config.agent_version},
        {"containerRuntimeVersion", "capstan-localnode://" + config.agent_version},
        {"kubeletVersion", config.kubelet_version},
        {"kubeProxyVersion", config.kubelet_version},
        {"operatingSystem", "linux"},
        {"architecture", "amd64"}}}};
  return Json{{"status", std::move(status)}};
}

std::optional<Json> TaintRemovalPatch(const Json& node) {
  if (!node.is_object()) return std::nullopt;
  auto spec = node.find("spec");
  if (spec == node.end() || !spec->is_object()) return std::nullopt;
  auto taints = spec->find("taints");
  if (taints == spec->end() || !taints->is_array()) return std::nullopt;
  std::vector<size_t> doomed;
  for (size_t i = 0; i < taints->size(); ++i) {
    const Json& t = (*taints)[i];
    std::string key = t.is_object() && t.contains("key") && t["key"].is_string() ? t["key"].get<std::string>() : "";
    if (key == kNotReadyTaint || key == kUnreachableTaint) doomed.push_back(i);
  }
  if (doomed.empty()) return std::nullopt;
  Json patch = Json::array();
  // From the end, so earlier indices stay valid.
  for (auto it = doomed.rbegin(); it != doomed.rend(); ++it) {
    std::string path = "/spec/taints/" + std::to_string(*it);
    patch.push_back(Json{{"op", "test"}, {"path", path + "/key"}, {"value", (*taints)[*it]["key"]}});
    patch.push_back(Json{{"op", "remove"}, {"path", path}});
  }
  return patch;
}

}  // namespace capstan::localnode
