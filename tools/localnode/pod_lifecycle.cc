// Copyright 2026 The capstan Authors.

#include "localnode/pod_lifecycle.h"

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace capstan::localnode {
namespace {

using base::Json;

// Safe accessors: nullptr / defaults whenever the shape is not what Kubernetes would send.
const Json* Field(const Json* obj, std::string_view key) {
  if (obj == nullptr || !obj->is_object()) return nullptr;
  auto it = obj->find(key);
  if (it == obj->end() || it->is_null()) return nullptr;
  return &*it;
}

const Json* Path(const Json& obj, std::initializer_list<std::string_view> keys) {
  const Json* cur = &obj;
  for (std::string_view k : keys) {
    cur = Field(cur, k);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string Str(const Json* j) { return j != nullptr && j->is_string() ? j->get<std::string>() : std::string(); }

int64_t Int(const Json* j, int64_t fallback) {
  if (j == nullptr) return fallback;
  if (j->is_number_integer()) return j->get<int64_t>();
  if (j->is_number_unsigned()) return static_cast<int64_t>(j->get<uint64_t>());
  return fallback;
}

// Containers named in |spec_key| ("containers" / "initContainers"), skipping unnamed entries.
std::vector<const Json*> SpecContainers(const Json& pod, std::string_view spec_key) {
  std::vector<const Json*> out;
  const Json* list = Path(pod, {"spec", spec_key});
  if (list == nullptr || !list->is_array()) return out;
  for (const Json& c : *list) {
    if (c.is_object() && !Str(Field(&c, "name")).empty()) out.push_back(&c);
  }
  return out;
}

// The current status entry of container |name|, or nullptr.
const Json* StatusOf(const Json& pod, const std::string& name) {
  const Json* list = Path(pod, {"status", "containerStatuses"});
  if (list == nullptr || !list->is_array()) return nullptr;
  for (const Json& s : *list) {
    if (s.is_object() && Str(Field(&s, "name")) == name) return &s;
  }
  return nullptr;
}

// 64 hex digits derived from |seed| (FNV-1a, four lanes): fake but stable container and image ids.
std::string Hex64(std::string_view seed) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint64_t lane = 0; lane < 4; ++lane) {
    uint64_t h = 1469598103934665603ull ^ (lane * 0x9e3779b97f4a7c15ull);
    for (unsigned char c : seed) {
      h ^= c;
      h *= 1099511628211ull;
    }
    for (int i = 0; i < 16; ++i) out.push_back(kDigits[(h >> (60 - 4 * i)) & 0xf]);
  }
  return out;
}

std::string ContainerId(const Json& pod, const std::string& name, int restart_count) {
  return "containerd://" +
         Hex64(Str(Path(pod, {"metadata", "uid"})) + "/" + name + "/" + std::to_string(restart_count));
}

std::string ImageId(const std::string& image) {
  if (image.find("@sha256:") != std::string::npos) return image;
  return image + "@sha256:" + Hex64(image);
}

Json BaseStatus(const Json& pod, const Json& container, int restart_count) {
  std::string name = Str(Field(&container, "name"));
  std::string image = Str(Field(&container, "image"));
  return Json{{"name", name},
              {"image", image},
              {"imageID", ImageId(image)},
              {"containerID", ContainerId(pod, name, restart_count)},
              {"restartCount", restart_count}};
}

Json Terminated(int exit_code, Clock::time_point started, Clock::time_point finished, const std::string& id) {
  return Json{{"exitCode", exit_code},
              {"reason", exit_code == 0 ? "Completed" : "Error"},
              {"startedAt", FormatTime(started)},
              {"finishedAt", FormatTime(finished)},
              {"containerID", id}};
}

// lastState of container |name| as it is now ({} when none).
Json LastStateOf(const Json& pod, const std::string& name) {
  const Json* last = Field(StatusOf(pod, name), "lastState");
  return last != nullptr && last->is_object() ? *last : Json::object();
}

Json RunningContainerStatus(const Json& pod, const Json& container, int restart_count, Clock::time_point started,
                            bool ready, Json last_state) {
  Json s = BaseStatus(pod, container, restart_count);
  s["ready"] = ready;
  s["started"] = true;
  s["state"] = Json{{"running", {{"startedAt", FormatTime(started)}}}};
  s["lastState"] = std::move(last_state);
  return s;
}

Json TerminatedContainerStatus(const Json& pod, const Json& container, int restart_count, int exit_code,
                               Clock::time_point started, Clock::time_point finished, Json last_state) {
  Json s = BaseStatus(pod, container, restart_count);
  s["ready"] = false;
  s["started"] = false;
  s["state"] = Json{{"terminated", Terminated(exit_code, started, finished, s["containerID"].get<std::string>())}};
  s["lastState"] = std::move(last_state);
  return s;
}

// The pod's conditions with Initialized, ContainersReady, Ready and PodScheduled set; others kept.
// A condition keeps its lastTransitionTime while its status does not change.
Json Conditions(const Json& pod, bool ready, const std::string& not_ready_reason, const std::string& not_ready_message,
                Clock::time_point now) {
  const Json* old = Path(pod, {"status", "conditions"});
  Json out = Json::array();
  auto previous = [&](std::string_view type) -> const Json* {
    if (old == nullptr || !old->is_array()) return nullptr;
    for (const Json& c : *old) {
      if (c.is_object() && Str(Field(&c, "type")) == type) return &c;
    }
    return nullptr;
  };
  auto make = [&](std::string_view type, bool status, const std::string& reason, const std::string& message) {
    std::string value = status ? "True" : "False";
    Json c{{"type", type}, {"status", value}};
    const Json* prev = previous(type);
    std::string since = Str(Field(prev, "lastTransitionTime"));
    c["lastTransitionTime"] = (prev != nullptr && Str(Field(prev, "status")) == value && !since.empty())
                                  ? since
                                  : FormatTime(now);
    if (!status && !reason.empty()) c["reason"] = reason;
    if (!status && !message.empty()) c["message"] = message;
    return c;
  };
  if (old != nullptr && old->is_array()) {
    for (const Json& c : *old) {
      std::string type = Str(Field(&c, "type"));
      if (type != "Initialized" && type != "ContainersReady" && type != "Ready" && type != "PodScheduled") {
        out.push_back(c);
      }
    }
  }
  out.push_back(make("Initialized", true, "", ""));
  out.push_back(make("Ready", ready, not_ready_reason, not_ready_message));
  out.push_back(make("ContainersReady", ready, not_ready_reason, not_ready_message));
  const Json* scheduled = previous("PodScheduled");
  out.push_back(scheduled != nullptr ? *scheduled : make("PodScheduled", true, "", ""));
  return out;
}

std::string UnreadyMessage(const std::vector<const Json*>& containers) {
  std::string names;
  for (const Json* c : containers) {
    if (!names.empty()) names += ' ';
    names += Str(Field(c, "name"));
  }
  return "containers with unready status: [" + names + "]";
}

bool IsRunningState(const Json* status) { return Path(*status, {"state", "running"}) != nullptr; }

// True when every container has a running or terminated state written by a node.
bool ContainersStarted(const Json& pod, const std::vector<const Json*>& containers) {
  for (const Json* c : containers) {
    const Json* s = StatusOf(pod, Str(Field(c, "name")));
    if (s == nullptr) return false;
    if (Path(*s, {"state", "running"}) == nullptr && Path(*s, {"state", "terminated"}) == nullptr) return false;
  }
  return true;
}

// When the current run started according to the pod's status (whole seconds), else |now|.
Clock::time_point StatusStartOf(const Json& pod, const std::vector<const Json*>& containers, Clock::time_point now) {
  for (const Json* c : containers) {
    const Json* s = StatusOf(pod, Str(Field(c, "name")));
    if (s == nullptr) continue;
    if (auto t = ParseTime(Str(Path(*s, {"state", "running", "startedAt"})))) return *t;
  }
  if (auto t = ParseTime(Str(Path(pod, {"status", "startTime"})))) return *t;
  return now;
}

bool HasFinalizer(const Json& pod, const std::string& finalizer) {
  const Json* list = Path(pod, {"metadata", "finalizers"});
  if (list == nullptr || !list->is_array()) return false;
  for (const Json& f : *list) {
    if (f.is_string() && f.get<std::string>() == finalizer) return true;
  }
  return false;
}

Step WaitUntil(std::optional<Clock::time_point> at) {
  Step s;
  s.kind = StepKind::kWait;
  s.recheck_at = at;
  return s;
}

Step Start(const Json& pod, const PodPlan& plan, const std::vector<const Json*>& containers, Clock::time_point now) {
  int rc = RestartCountOf(pod);
  Json status{{"phase", "Running"},
              {"hostIP", "127.0.0.1"},
              {"podIP", "127.0.0.1"},
              {"podIPs", Json::array({Json{{"ip", "127.0.0.1"}}})}};
  std::string start_time = Str(Path(pod, {"status", "startTime"}));
  status["startTime"] = start_time.empty() ? FormatTime(now) : start_time;
  std::vector<const Json*> inits = SpecContainers(pod, "initContainers");
  if (!inits.empty()) {
    Json init_statuses = Json::array();
    for (const Json* c : inits) {
      Json s = TerminatedContainerStatus(pod, *c, 0, 0, now, now, Json::object());
      s["ready"] = true;
      init_statuses.push_back(std::move(s));
    }
    status["initContainerStatuses"] = std::move(init_statuses);
  }
  Json statuses = Json::array();
  for (const Json* c : containers) {
    statuses.push_back(RunningContainerStatus(pod, *c, rc, now, plan.ready, LastStateOf(pod, Str(Field(c, "name")))));
  }
  status["containerStatuses"] = std::move(statuses);
  status["conditions"] = Conditions(pod, plan.ready, "ContainersNotReady", UnreadyMessage(containers), now);
  Step step;
  step.kind = StepKind::kWriteStatus;
  step.status = std::move(status);
  step.new_attempt = rc;
  step.what = "Pending -> Running";
  return step;
}

// Keeps containerStatuses[].ready and the Ready conditions in line with the plan while running.
std::optional<Step> SyncReadiness(const Json& pod, const PodPlan& plan, const std::vector<const Json*>& containers,
                                  Clock::time_point now) {
  const Json* list = Path(pod, {"status", "containerStatuses"});
  if (list == nullptr || !list->is_array()) return std::nullopt;
  bool differs = false;
  Json statuses = *list;
  for (Json& s : statuses) {
    if (!s.is_object() || !IsRunningState(&s)) continue;
    const Json* ready = Field(&s, "ready");
    if (ready == nullptr || !ready->is_boolean() || ready->get<bool>() != plan.ready) {
      s["ready"] = plan.ready;
      differs = true;
    }
  }
  if (!differs) return std::nullopt;
  Step step;
  step.kind = StepKind::kWriteStatus;
  step.status = Json{{"containerStatuses", std::move(statuses)},
                     {"conditions", Conditions(pod, plan.ready, "ContainersNotReady", UnreadyMessage(containers), now)}};
  step.what = plan.ready ? "Running: ready" : "Running: not ready";
  return step;
}

Step WaitWhileRunning(const Json& pod, const PodPlan& plan, const std::vector<const Json*>& containers,
                      Clock::time_point now, std::optional<Clock::time_point> recheck_at) {
  if (auto sync = SyncReadiness(pod, plan, containers, now)) return *sync;
  return WaitUntil(recheck_at);
}

// Deletion: finalizer, stop containers, DELETE with grace period 0.
Step Terminate(const Json& pod, const PodPlan& plan, Clock::time_point now) {
  Step step;
  if (!plan.remove_finalizer_on_delete.empty() && HasFinalizer(pod, plan.remove_finalizer_on_delete)) {
    step.kind = StepKind::kRemoveFinalizer;
    step.finalizer = plan.remove_finalizer_on_delete;
    step.what = "Terminating: remove finalizer " + plan.remove_finalizer_on_delete;
    return step;
  }
  const Json* list = Path(pod, {"status", "containerStatuses"});
  if (list != nullptr && list->is_array()) {
    bool any_running = false;
    Json statuses = *list;
    for (Json& s : statuses) {
      if (!s.is_object() || !IsRunningState(&s)) continue;
      any_running = true;
      Clock::time_point started = ParseTime(Str(Path(s, {"state", "running", "startedAt"}))).value_or(now);
      s["state"] = Json{{"terminated", Terminated(0, started, now, Str(Field(&s, "containerID")))}};
      s["ready"] = false;
      s["started"] = false;
    }
    if (any_running) {
      step.kind = StepKind::kWriteStatus;
      step.status = Json{{"containerStatuses", std::move(statuses)},
                         {"conditions", Conditions(pod, false, "PodTerminating", "the pod is being deleted", now)}};
      step.what = "Terminating: containers stopped";
      return step;
    }
  }
  const Json* grace = Path(pod, {"metadata", "deletionGracePeriodSeconds"});
  if (Int(grace, -1) != 0) {
    step.kind = StepKind::kDelete;
    step.what = "Terminating: delete";
    return step;
  }
  return WaitUntil(std::nullopt);  // deleted with grace 0; waiting for other finalizers to go
}

}  // namespace

std::string RestartPolicyOf(const Json& pod) {
  std::string policy = Str(Path(pod, {"spec", "restartPolicy"}));
  return policy.empty() ? "Always" : policy;
}

int RestartCountOf(const Json& pod) {
  const Json* list = Path(pod, {"status", "containerStatuses"});
  int64_t rc = 0;
  if (list != nullptr && list->is_array()) {
    for (const Json& s : *list) rc = std::max<int64_t>(rc, Int(Field(&s, "restartCount"), 0));
  }
  return static_cast<int>(std::min<int64_t>(rc, INT32_MAX - 1));
}

bool HasContainer(const Json& pod, const std::string& container) {
  for (std::string_view key : {"containers", "initContainers"}) {
    for (const Json* c : SpecContainers(pod, key)) {
      if (Str(Field(c, "name")) == container) return true;
    }
  }
  return false;
}

Step Decide(const Json& pod, const PodPlan& plan, Clock::time_point now, const Attempt* attempt,
            const DecideOptions& opts) {
  if (!pod.is_object()) return WaitUntil(std::nullopt);
  if (Path(pod, {"metadata", "deletionTimestamp"}) != nullptr) return Terminate(pod, plan, now);

  std::string phase = Str(Path(pod, {"status", "phase"}));
  if (phase == "Succeeded" || phase == "Failed") return WaitUntil(std::nullopt);
  std::vector<const Json*> containers = SpecContainers(pod, "containers");
  if (containers.empty()) return WaitUntil(std::nullopt);  // not a pod a kubelet could run
  if (phase != "Running" || !ContainersStarted(pod, containers)) return Start(pod, plan, containers, now);

  int rc = RestartCountOf(pod);
  std::string policy = RestartPolicyOf(pod);
  bool known = attempt != nullptr && attempt->restart_count == rc;
  Clock::time_point started, finished;
  std::map<std::string, int> exit_codes;
  if (opts.exec) {
    if (!known || !attempt->launched) {
      Step step;
      step.kind = StepKind::kRunContainers;
      step.what = "Running: start processes";
      return step;
    }
    if (!attempt->exited) return WaitWhileRunning(pod, plan, containers, now, std::nullopt);
    started = attempt->started;
    finished = attempt->finished;
    exit_codes = attempt->exit_codes;
  } else {
    if (policy != "Never" && policy != "OnFailure") return WaitWhileRunning(pod, plan, containers, now, std::nullopt);
    started = known ? attempt->started : StatusStartOf(pod, containers, now);
    Clock::time_point due = started + plan.run_time;
    if (now < due) return WaitWhileRunning(pod, plan, containers, now, due);
    finished = due;
    for (const Json* c : containers) exit_codes[Str(Field(c, "name"))] = plan.exit_code;
  }

  int pod_exit = 0;
  for (const Json* c : containers) {
    auto it = exit_codes.find(Str(Field(c, "name")));
    int code = it == exit_codes.end() ? 0 : it->second;
    if (code != 0) {
      pod_exit = code;
      break;
    }
  }

  Step step;
  step.kind = StepKind::kWriteStatus;
  Json statuses = Json::array();
  bool terminal = policy == "Never" || (policy == "OnFailure" && pod_exit == 0);
  if (terminal) {
    for (const Json* c : containers) {
      std::string name = Str(Field(c, "name"));
      statuses.push_back(
          TerminatedContainerStatus(pod, *c, rc, exit_codes[name], started, finished, LastStateOf(pod, name)));
    }
    step.status = Json{{"phase", pod_exit == 0 ? "Succeeded" : "Failed"},
                       {"containerStatuses", std::move(statuses)},
                       {"conditions", Conditions(pod, false, "PodCompleted", "", now)}};
    step.what = std::string("Running -> ") + (pod_exit == 0 ? "Succeeded" : "Failed") + " (exit " +
                std::to_string(pod_exit) + ")";
    return step;
  }
  for (const Json* c : containers) {
    std::string name = Str(Field(c, "name"));
    Json last{{"terminated", Terminated(exit_codes[name], started, finished, ContainerId(pod, name, rc))}};
    statuses.push_back(RunningContainerStatus(pod, *c, rc + 1, now, plan.ready, std::move(last)));
  }
  step.status = Json{{"containerStatuses", std::move(statuses)},
                     {"conditions", Conditions(pod, plan.ready, "ContainersNotReady", UnreadyMessage(containers), now)}};
  step.new_attempt = rc + 1;
  step.what = "Running: restart (exit " + std::to_string(pod_exit) + ", restartCount " + std::to_string(rc + 1) + ")";
  return step;
}

}  // namespace capstan::localnode
