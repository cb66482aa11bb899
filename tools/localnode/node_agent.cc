// Copyright 2026 The capstan Authors.

#include "localnode/node_agent.h"

#include <algorithm>
#include <condition_variable>
#include <thread>
#include <vector>

#include "base/log.h"
#include "kube/api_error.h"
#include "kube/reflector.h"

namespace capstan::localnode {
namespace {

using base::Json;
using base::Status;

const core::Gvk kPodGvk{"", "v1", "Pod"};
const core::Gvk kNodeGvk{"", "v1", "Node"};

// Sleeps |d| unless |stop| is requested first; false when stopped.
bool SleepFor(std::chrono::milliseconds d, std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

std::string Uid(const Json& obj) { return base::GetStringAt(obj, "metadata/uid"); }
std::string Rv(const Json& obj) { return base::GetStringAt(obj, "metadata/resourceVersion"); }

}  // namespace

NodeAgent::NodeAgent(kube::Client& client, AgentOptions opts)
    : client_(client), opts_(std::move(opts)), ready_since_(Clock::now()) {
  if (opts_.exec) {
    exec_ = std::make_unique<ExecRunner>([this](const std::string& key, const RunResult& r) { OnExecExit(key, r); });
  }
}

NodeAgent::~NodeAgent() {
  queue_.ShutDown();
  if (exec_) exec_->StopAll();
}

AgentStats NodeAgent::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

// --- the Node -------------------------------------------------------------------------------------

Status NodeAgent::RegisterNode() {
  const std::string& name = opts_.node.name;
  auto existing = client_.Get(kNodeGvk, "", name);
  if (existing.ok()) {
    CAPSTAN_LOG_INFO("node {} exists: reusing it", name);
  } else if (existing.status().IsNotFound()) {
    kube::WriteOptions wo;
    wo.field_manager = opts_.field_manager;
    auto created = client_.Create(NodeObject(opts_.node), wo);
    if (!created.ok() && !created.status().IsAlreadyExists()) return created.status().Annotate("register node");
    CAPSTAN_LOG_INFO("node {} created", name);
  } else {
    return existing.status().Annotate("register node");
  }
  kube::WriteOptions wo;
  wo.field_manager = opts_.field_manager;
  wo.subresource = "status";
  auto patched = client_.Patch(kNodeGvk, "", name, kube::PatchType::kMerge,
                               NodeStatusPatch(opts_.node, ready_since_, Clock::now()), wo);
  if (!patched.ok()) return patched.status().Annotate("node status");
  return RemoveTaints(std::move(*patched));
}

Status NodeAgent::RemoveTaints(Json node) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::optional<Json> patch = TaintRemovalPatch(node);
    if (!patch) return Status::Ok();
    kube::WriteOptions wo;
    wo.field_manager = opts_.field_manager;
    auto patched = client_.Patch(kNodeGvk, "", opts_.node.name, kube::PatchType::kJson, *patch, wo);
    if (patched.ok()) {
      CAPSTAN_LOG_INFO("node {}: removed the not-ready taint", opts_.node.name);
      node = std::move(*patched);
      continue;
    }
    // A failed "test" (the taints moved meanwhile) or a conflict: read the node again.
    CAPSTAN_LOG_DEBUG("node {}: taint removal: {}", opts_.node.name, patched.status().ToString());
    auto fresh = client_.Get(kNodeGvk, "", opts_.node.name);
    if (!fresh.ok()) return fresh.status().Annotate("remove node taints");
    node = std::move(*fresh);
  }
  return Status::Unavailable("node " + opts_.node.name + ": could not remove the not-ready taint");
}

void NodeAgent::Heartbeat() {
  kube::WriteOptions wo;
  wo.field_manager = opts_.field_manager;
  wo.subresource = "status";
  auto patched = client_.Patch(kNodeGvk, "", opts_.node.name, kube::PatchType::kMerge,
                               NodeStatusPatch(opts_.node, ready_since_, Clock::now()), wo);
  Status s = patched.ok() ? RemoveTaints(std::move(*patched)) : patched.status();
  if (!s.ok() && s.IsNotFound()) {
    CAPSTAN_LOG_WARN("node {} is gone: registering it again", opts_.node.name);
    s = RegisterNode();
  }
  std::lock_guard lock(mu_);
  if (s.ok()) {
    ++stats_.heartbeats;
  } else {
    ++stats_.errors;
    CAPSTAN_LOG_WARN("node {} heartbeat: {}", opts_.node.name, s.ToString());
  }
}

// --- pods -------------------------------------------------------------------------------------------

std::optional<Attempt> NodeAgent::AttemptOf(const std::string& uid) const {
  std::lock_guard lock(mu_);
  auto it = attempts_.find(uid);
  if (it == attempts_.end()) return std::nullopt;
  return it->second;
}

void NodeAgent::Forget(const std::string& uid) {
  if (exec_) exec_->Forget(uid);
  std::lock_guard lock(mu_);
  attempts_.erase(uid);
  warned_.erase(uid);
}

void NodeAgent::WarnOnce(const std::string& uid, const std::string& key, const PodPlan& plan) {
  if (plan.problems.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (!warned_.insert(uid).second) return;
  }
  for (const std::string& p : plan.problems) CAPSTAN_LOG_WARN("pod {}: annotation {}", key, p);
}

void NodeAgent::OnExecExit(const std::string& key, const RunResult& result) {
  {
    std::lock_guard lock(mu_);
    auto it = attempts_.find(result.uid);
    if (it == attempts_.end() || it->second.restart_count != result.restart_count) return;
    it->second.exited = true;
    it->second.exit_codes = result.exit_codes;
    it->second.finished = result.finished;
  }
  queue_.Add(key);
}

void NodeAgent::Retry(const std::string& key, const Status& why) {
  int failures;
  {
    std::lock_guard lock(mu_);
    failures = ++failures_[key];
    ++stats_.errors;
  }
  auto delay = std::chrono::milliseconds(std::min<int64_t>(200LL << std::min(failures - 1, 6), 10000));
  CAPSTAN_LOG_WARN("pod {}: {} (retrying in {} ms)", key, why.ToString(), delay.count());
  queue_.AddAt(key, WorkQueue::Clock::now() + delay);
}

void NodeAgent::Reconcile(const std::string& key) {
  std::optional<Json> pod = store_.Get(key);
  if (!pod) return;
  const std::string ns = base::GetStringAt(*pod, "metadata/namespace");
  const std::string name = base::GetStringAt(*pod, "metadata/name");

  // Re-reads the pod after a conflict; false when it is gone (or the read failed: retried later).
  auto refresh = [&]() -> bool {
    {
      std::lock_guard lock(mu_);
      ++stats_.conflicts;
    }
    auto fresh = client_.Get(kPodGvk, ns, name);
    if (fresh.ok()) {
      store_.Update(*fresh);
      pod = std::move(*fresh);
      return true;
    }
    if (fresh.status().IsNotFound()) {
      std::string uid = Uid(*pod);
      if (store_.Remove(key, uid)) Forget(uid);
    } else {
      Retry(key, fresh.status());
    }
    return false;
  };

  for (int round = 0; round < 10; ++round) {
    const std::string uid = Uid(*pod);
    const PodPlan plan = PlanOf(*pod);
    WarnOnce(uid, key, plan);
    const bool deleting = !base::GetStringAt(*pod, "metadata/deletionTimestamp").empty();
    if (deleting && exec_) exec_->Stop(uid);
    std::optional<Attempt> attempt = AttemptOf(uid);
    const Clock::time_point now = Clock::now();
    Step step = Decide(*pod, plan, now, attempt ? &*attempt : nullptr, DecideOptions{.exec = opts_.exec});
    if (step.kind != StepKind::kWait) CAPSTAN_LOG_DEBUG("pod {}: {}", key, step.what);

    Status failed;
    switch (step.kind) {
      case StepKind::kWait: {
        {
          std::lock_guard lock(mu_);
          failures_.erase(key);
        }
        if (step.recheck_at) {
          auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(*step.recheck_at - now);
          queue_.AddAt(key, WorkQueue::Clock::now() + delay + std::chrono::milliseconds(2));
        }
        return;
      }
      case StepKind::kWriteStatus: {
        Json patch{{"metadata", {{"resourceVersion", Rv(*pod)}}}, {"status", step.status}};
        kube::WriteOptions wo;
        wo.field_manager = opts_.field_manager;
        wo.subresource = "status";
        auto written = client_.Patch(kPodGvk, ns, name, kube::PatchType::kMerge, patch, wo);
        if (written.ok()) {
          std::lock_guard lock(mu_);
          ++stats_.status_writes;
          if (step.new_attempt) attempts_[uid] = Attempt{.restart_count = *step.new_attempt, .started = now};
        } else {
          failed = written.status();
          break;
        }
        store_.Update(*written);
        pod = std::move(*written);
        continue;
      }
      case StepKind::kRemoveFinalizer: {
        Json rest = Json::array();
        const Json& finalizers = (*pod)["metadata"]["finalizers"];
        for (const Json& f : finalizers) {
          if (!(f.is_string() && f.get<std::string>() == step.finalizer)) rest.push_back(f);
        }
        Json patch{{"metadata", {{"resourceVersion", Rv(*pod)}, {"finalizers", rest}}}};
        kube::WriteOptions wo;
        wo.field_manager = opts_.field_manager;
        auto written = client_.Patch(kPodGvk, ns, name, kube::PatchType::kMerge, patch, wo);
        if (!written.ok()) {
          failed = written.status();
          break;
        }
        store_.Update(*written);
        pod = std::move(*written);
        continue;
      }
      case StepKind::kDelete: {
        kube::DeleteOptions del;
        del.grace_period_seconds = 0;
        del.precondition_uid = uid;
        Status s = client_.Delete(kPodGvk, ns, name, del);
        if (s.ok() || s.IsNotFound()) {
          std::lock_guard lock(mu_);
          ++stats_.deletes;
          failures_.erase(key);
          return;  // the watch reports the pod gone (or held by someone else's finalizer)
        }
        failed = s;
        break;
      }
      case StepKind::kRunContainers: {
        if (!exec_) return;
        int rc = RestartCountOf(*pod);
        {
          std::lock_guard lock(mu_);
          Attempt& a = attempts_[uid];
          if (a.restart_count != rc || a.started == Clock::time_point()) a = Attempt{.restart_count = rc, .started = now};
          a.launched = true;
          a.exited = false;
        }
        exec_->Launch(key, uid, rc, ContainerRunsOf(*pod, plan));
        continue;
      }
    }

    // The step failed.
    if (failed.IsConflict()) {
      if (!refresh()) return;
      continue;
    }
    if (failed.IsNotFound()) {
      if (store_.Remove(key, uid)) Forget(uid);
      return;
    }
    Retry(key, failed);
    return;
  }
  // Still changing after many rounds: look again a little later.
  queue_.AddAt(key, WorkQueue::Clock::now() + std::chrono::milliseconds(500));
}

std::optional<std::string> NodeAgent::ContainerLog(const std::string& ns, const std::string& pod,
                                                   const std::string& container, bool previous) const {
  std::optional<Json> obj = store_.Get(ns + "/" + pod);
  if (!obj || !HasContainer(*obj, container)) return std::nullopt;
  if (exec_) {
    if (auto log = exec_->Log(Uid(*obj), container, previous)) return log;
  }
  return PlanOf(*obj).log;
}

// --- the loops --------------------------------------------------------------------------------------

void NodeAgent::Run(std::stop_token stop) {
  std::vector<std::jthread> threads;
  threads.emplace_back([this, stop] {
    while (SleepFor(opts_.heartbeat, stop)) Heartbeat();
  });
  for (int i = 0; i < std::max(1, opts_.workers); ++i) {
    threads.emplace_back([this] {
      while (std::optional<std::string> key = queue_.Get()) {
        try {
          Reconcile(*key);
        } catch (const std::exception& e) {
          CAPSTAN_LOG_WARN("pod {}: unexpected error: {}", *key, e.what());
          queue_.AddAt(*key, WorkQueue::Clock::now() + std::chrono::seconds(5));
        }
        queue_.Done(*key);
      }
    });
  }

  kube::ReflectorOptions ro;
  ro.gvk = kPodGvk;
  ro.field_selector = "spec.nodeName=" + opts_.node.name;
  kube::Reflector reflector(client_, ro, [this](const kube::ReflectorEvent& e) {
    switch (e.type) {
      case kube::ReflectorEventType::kReplace: {
        std::set<std::string> keys;
        for (const Json& pod : e.objects) {
          std::string key = PodStore::KeyOf(pod);
          keys.insert(key);
          store_.Update(pod);
          queue_.Add(key);
        }
        for (const auto& [key, uid] : store_.RetainOnly(keys)) Forget(uid);
        CAPSTAN_LOG_INFO("node {}: listed {} pods", opts_.node.name, e.objects.size());
        break;
      }
      case kube::ReflectorEventType::kAdded:
      case kube::ReflectorEventType::kModified: {
        if (store_.Update(e.object)) queue_.Add(PodStore::KeyOf(e.object));
        break;
      }
      case kube::ReflectorEventType::kDeleted: {
        std::string uid = Uid(e.object);
        if (store_.Remove(PodStore::KeyOf(e.object), uid)) Forget(uid);
        CAPSTAN_LOG_DEBUG("pod {}: deleted", PodStore::KeyOf(e.object));
        break;
      }
    }
  });
  reflector.Run(stop);  // until stopped

  queue_.ShutDown();
  if (exec_) exec_->StopAll();
  threads.clear();  // joins (the heartbeat thread sees |stop|; workers see the shut-down queue)
  CAPSTAN_LOG_INFO("node {}: stopped ({} status writes, {} deletes)", opts_.node.name, stats().status_writes,
                   stats().deletes);
}

}  // namespace capstan::localnode
