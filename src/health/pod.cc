// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/health/health_pod.go.

#include "core/annotations.h"
#include "health/kinds.h"

namespace capstan::health {
namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A terminated container's failure, as gitops-engine's getFailMessage.
std::string FailMessage(const base::Json& ctr) {
  const base::Json* term = field::At(ctr, "state/terminated");
  if (term == nullptr) return {};
  std::string msg = field::Str(*term, "message");
  if (!msg.empty()) return msg;
  if (field::Str(*term, "reason") == "OOMKilled") return "OOMKilled";
  int64_t code = field::Int(*term, "exitCode");
  if (code != 0) return "container \"" + field::Str(ctr, "name") + "\" failed with exit code " + std::to_string(code);
  return {};
}

bool IsReady(const base::Json& pod) {
  const base::Json* ready = field::Condition(pod, "status/conditions", "Ready");
  return ready != nullptr && field::Str(*ready, "status") == "True";
}

}  // namespace

HealthStatus PodHealth(const base::Json& pod) {
  std::string policy = field::Str(pod, "spec/restartPolicy");
  if (policy.empty()) policy = "Always";  // the API server's default
  const bool is_hook = core::AnnotationOf(pod, core::keys::kHook).has_value() || core::AnnotationOf(pod, core::keys::kHelmHook).has_value();
  const bool ignore_policy = core::AnnotationOf(pod, core::keys::kIgnoreRestartPolicy) == "true" && !is_hook;
  const bool long_running = policy == "Always" || ignore_policy;
  const std::string message = field::Str(pod, "status/message");

  // Waiting errors mark only long-running pods Degraded: a hook pod in ImagePullBackOff must not
  // fail its hook early (it may still start).
  if (long_running) {
    std::string messages;
    bool degraded = false;
    if (const base::Json* statuses = field::At(pod, "status/containerStatuses"); statuses && statuses->is_array()) {
      for (const auto& cs : *statuses) {
        const base::Json* waiting = field::At(cs, "state/waiting");
        if (waiting == nullptr) continue;
        std::string reason = field::Str(*waiting, "reason");
        if (reason.rfind("Err", 0) == 0 || EndsWith(reason, "Error") || EndsWith(reason, "BackOff")) {
          if (degraded) messages += ", ";
          messages += field::Str(*waiting, "message");
          degraded = true;
        }
      }
    }
    if (degraded) return {HealthCode::kDegraded, messages};
  }

  std::string phase = field::Str(pod, "status/phase");
  if (phase == "Pending") return {HealthCode::kProgressing, message};
  if (phase == "Succeeded") return {HealthCode::kHealthy, message};
  if (phase == "Failed") {
    if (!message.empty()) return {HealthCode::kDegraded, message};
    for (const char* list : {"status/initContainerStatuses", "status/containerStatuses"}) {
      const base::Json* statuses = field::At(pod, list);
      if (statuses == nullptr || !statuses->is_array()) continue;
      for (const auto& cs : *statuses) {
        std::string msg = FailMessage(cs);
        if (!msg.empty()) return {HealthCode::kDegraded, msg};
      }
    }
    return {HealthCode::kDegraded, ""};
  }
  if (phase == "Running") {
    if (long_running) {
      if (IsReady(pod)) return {HealthCode::kHealthy, message};
      if (const base::Json* statuses = field::At(pod, "status/containerStatuses"); statuses && statuses->is_array()) {
        for (const auto& cs : *statuses) {
          if (field::At(cs, "lastState/terminated") != nullptr) return {HealthCode::kDegraded, message};
        }
      }
      return {HealthCode::kProgressing, message};
    }
    // Never/OnFailure pods have a finite life (typically hooks): running is progressing.
    return {HealthCode::kProgressing, message};
  }
  return {HealthCode::kUnknown, message};
}

}  // namespace capstan::health
