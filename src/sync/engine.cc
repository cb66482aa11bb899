// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/sync/sync_context.go (Sync, runTasks, executeSyncFailPhase, Terminate,
// getOperationPhase, deleteHooks, removeHookFinalizer). Step numbers in comments are spec §2.5's.

#include "sync/engine.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/crash_point.h"
#include "core/annotations.h"
#include "core/gvk.h"
#include "sync/noop_apply.h"
#include "sync/resource_ops.h"

namespace capstan::sync {
namespace {

using core::OperationPhase;
using core::ResultCode;
using core::SyncPhase;

// Runs fn(i) for i in [0, n), at most |max_parallel| at a time.
// Runs fn(0..n-1) on at most |max_parallel| threads, each taking the next index as it frees up.
void ParallelFor(size_t n, int max_parallel, const std::function<void(size_t)>& fn) {
  const size_t width = std::min(n, std::max<size_t>(1, static_cast<size_t>(max_parallel)));
  if (width <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::jthread> workers;
  for (size_t w = 0; w < width; ++w) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  }
}

std::optional<core::HookType> HookTypeOf(SyncPhase p) { return core::ParseHookType(core::ToString(p)); }

bool HasHookFinalizer(const base::Json& obj) {
  const base::Json* fins = nullptr;
  if (auto md = obj.find("metadata"); md != obj.end() && md->is_object()) {
    if (auto f = md->find("finalizers"); f != md->end() && f->is_array()) fins = &*f;
  }
  if (fins == nullptr) return false;
  return std::any_of(fins->begin(), fins->end(),
                     [](const base::Json& f) { return f.is_string() && f.get<std::string>() == core::keys::kHookFinalizer; });
}

// One call of Step: the tasks, the state being written, and the operations on them.
class StepRun {
 public:
  StepRun(kube::Client& client, health::HealthOverride* health, const StepInput& in, OperationState& state)
      : client_(client), ops_(client), health_(health), in_(in), state_(state) {}

  void Run();
  void Terminate();

 private:
  // Task setup (§2.2 step 6 and the result restore of step 9).
  bool BuildTasks();
  void AddNamespaceTask();
  void Restore();
  void RecordResult(const Task& t);
  void SetResult(Task& t, ResultCode code, OperationPhase phase, const std::string& message);

  // Steps.
  bool FirstIteration();
  void RefreshRunning();
  std::pair<OperationPhase, std::string> HookPhaseFromHealth(const base::Json& live) const;
  bool WaitForRunning();
  bool WaitForPrunes();
  void RemoveCompletedHookFinalizers();
  void DeleteHooks(const std::vector<Task*>& hooks);
  void FailWithSyncFail(const std::string& message);
  enum class StepState { kSuccessful, kPending, kFailed };
  StepState RunTasks(std::vector<Task*> step, bool dry_run);
  void ApplyTask(Task& t, bool dry_run);
  void PruneTask(Task& t, bool dry_run);

  void HookFinished(const Task& t) {
    if (in_.hook_finished && t.live && t.hook_phase) {
      in_.hook_finished({.phase = t.phase, .key = t.key, .hook_phase = *t.hook_phase, .message = t.message,
                         .live = t.live.get()});
    }
  }
  void Finish(OperationPhase phase, std::string message) {
    state_.phase = phase;
    state_.message = std::move(message);
  }
  bool SkippedByOutOfSyncOnly(const Task& t) const {
    return in_.sync.apply_out_of_sync_only && in_.out_of_sync && !t.is_hook && t.target && t.live &&
           !in_.out_of_sync->count(t.key);
  }
  std::vector<Task*> All(const std::function<bool(const Task&)>& pred) {
    std::vector<Task*> out;
    for (Task& t : tasks_) {
      if (pred(t)) out.push_back(&t);
    }
    return out;
  }

  kube::Client& client_;
  ResourceOps ops_;
  health::HealthOverride* health_;
  const StepInput& in_;
  OperationState& state_;
  std::mutex results_mu_;  // guards state_.results while a step's tasks run concurrently
  std::vector<Task> tasks_;
};

std::string ApiVersionOf(const Task& t) { return base::GetString(t.obj(), "apiVersion"); }

void StepRun::SetResult(Task& t, ResultCode code, OperationPhase phase, const std::string& message) {
  t.result = code;
  t.hook_phase = phase;
  if (!message.empty()) t.message = message;  // the latest message is kept (setResourceResult)
  RecordResult(t);
}

void StepRun::RecordResult(const Task& t) {
  ResourceResult r;
  r.group = t.key.group;
  r.version = core::Gvk::FromApiVersion(ApiVersionOf(t), t.key.kind).version;
  r.kind = t.key.kind;
  r.namespace_ = t.key.namespace_;
  r.name = t.key.name;
  r.status = t.result.value_or(ResultCode::kSynced);
  r.message = t.message;
  if (t.is_hook) r.hook_type = HookTypeOf(t.phase);
  r.hook_phase = t.hook_phase;
  r.sync_phase = t.phase;
  std::lock_guard<std::mutex> lock(results_mu_);  // tasks of a step record from their own threads
  state_.Record(std::move(r));
}

void StepRun::AddNamespaceTask() {
  // §8.1: CreateNamespace adds a PreSync task for the destination namespace unless Git has it.
  const std::string& ns = in_.plan.destination_namespace;
  if (!in_.sync.create_namespace || ns.empty()) return;
  for (const Task& t : tasks_) {
    if (!t.is_hook && t.target && t.key.group.empty() && t.key.kind == "Namespace" && t.key.name == ns) return;
  }
  const core::ResourceKey key{"", "Namespace", "", ns};
  const base::Json* live = nullptr;
  for (const base::Json& l : in_.live) {
    if (core::ResourceKey::Of(l) == key) live = &l;
  }
  base::Result<base::Json> got = live ? base::Result<base::Json>(*live) : client_.Get({"", "v1", "Namespace"}, "", ns);
  if (got.ok()) return;  // exists: nothing to create
  Task t;
  t.phase = SyncPhase::kPreSync;
  t.key = key;
  t.target = std::make_shared<const base::Json>(
      base::Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  if (!got.status().IsNotFound()) {
    t.result = ResultCode::kSyncFailed;
    t.hook_phase = OperationPhase::kFailed;
    t.message = "namespace auto creation failed: " + got.status().message();
  }
  tasks_.insert(tasks_.begin(), std::move(t));
}

bool StepRun::BuildTasks() {
  base::Result<Plan> plan = BuildPlan(in_.targets, in_.live, in_.plan);
  if (!plan.ok()) {
    Finish(OperationPhase::kFailed, plan.status().message());
    return false;
  }
  tasks_ = std::move(plan->tasks);
  AddNamespaceTask();

  // §2.2 step 6: every kind must be served, unless its CRD is in this sync or the user allows
  // skipping the dry-run for missing kinds.
  std::set<std::pair<std::string, std::string>> defined_by_crd;
  for (const base::Json& t : in_.targets) {
    if (base::GetString(t, "kind") == "CustomResourceDefinition") {
      defined_by_crd.insert({base::GetStringAt(t, "spec/group"), base::GetStringAt(t, "spec/names/kind")});
    }
  }
  std::set<std::string> invalid;
  std::map<std::string, base::Result<kube::ApiResource>> resolved;
  for (Task& t : tasks_) {
    const std::string api_version = ApiVersionOf(t);
    const std::string gvk_key = api_version + "/" + t.key.kind;
    auto it = resolved.find(gvk_key);
    if (it == resolved.end()) {
      it = resolved.emplace(gvk_key, client_.Resolve(core::Gvk::FromApiVersion(api_version, t.key.kind))).first;
    }
    const base::Status& s = it->second.status();
    if (s.ok()) {
      std::string refused = in_.permission ? in_.permission(t.key, it->second->namespaced) : "";
      if (refused.empty()) continue;
      t.result = ResultCode::kSyncFailed;
      t.hook_phase = OperationPhase::kFailed;
      t.message = std::move(refused);
      invalid.insert(t.message);
      RecordResult(t);
      continue;
    }
    if (s.IsNotFound() && (in_.sync.skip_dry_run_on_missing_resource ||
                           t.annotations.sync_options.Has("SkipDryRunOnMissingResource=true") ||
                           defined_by_crd.count({t.key.group, t.key.kind}))) {
      t.skip_dry_run = true;
      continue;
    }
    t.result = ResultCode::kSyncFailed;
    t.hook_phase = OperationPhase::kFailed;
    t.message = s.IsNotFound() ? "the server could not find the requested resource: " + t.key.group + "/" + t.key.kind
                               : s.message();
    invalid.insert(t.message);
    RecordResult(t);
  }
  for (const Task& t : tasks_) {
    if (t.result == ResultCode::kSyncFailed && t.message.rfind("namespace auto creation failed", 0) == 0) {
      invalid.insert(t.message);
    }
  }
  if (!invalid.empty()) {
    std::string msg = "one or more synchronization tasks are not valid: ";
    bool first = true;
    for (const std::string& m : invalid) {
      msg += (first ? "" : "; ") + m;
      first = false;
    }
    Finish(OperationPhase::kFailed, msg);
    return false;
  }
  Restore();
  return true;
}

void StepRun::Restore() {
  for (Task& t : tasks_) {
    if (const ResourceResult* r = state_.Find(t.ResultKey())) {
      t.result = r->status;
      t.hook_phase = r->hook_phase;
      t.message = r->message;
    }
  }
}

// §2.5 step 2: the namespace first, then a dry-run of everything before the first write.
bool StepRun::FirstIteration() {
  const std::string& dest = in_.plan.destination_namespace;
  std::vector<Task*> rest;
  for (Task& t : tasks_) {
    if (t.target && !t.live && t.key.group.empty() && t.key.kind == "Namespace" && t.key.name == dest &&
        !in_.sync.dry_run) {
      ApplyTask(t, /*dry_run=*/false);
      if (t.result == ResultCode::kSyncFailed) {
        Finish(OperationPhase::kFailed, "the namespace failed to apply, reason: " + t.message);
        return false;
      }
      continue;
    }
    if (!SkippedByOutOfSyncOnly(t)) rest.push_back(&t);
  }
  // Tasks whose namespace this sync creates cannot be dry-run yet (the server would say NotFound).
  std::set<std::string> created_namespaces;
  for (const Task& t : tasks_) {
    if (t.target && !t.live && t.key.group.empty() && t.key.kind == "Namespace") created_namespaces.insert(t.key.name);
  }
  for (Task* t : rest) {
    if (t->target && created_namespaces.count(t->key.namespace_) && !(t->key.kind == "Namespace" && t->key.group.empty())) {
      t->skip_dry_run = true;
    }
  }
  StepState dry = RunTasks(rest, /*dry_run=*/true);
  if (dry == StepState::kFailed) {
    Finish(OperationPhase::kFailed, "one or more objects failed to apply (dry run)");
    return false;
  }
  return true;
}

std::pair<OperationPhase, std::string> StepRun::HookPhaseFromHealth(const base::Json& live) const {
  std::optional<health::HealthStatus> h = health::Assess(live, health_);
  if (!h) return {OperationPhase::kSucceeded, ""};
  switch (h->code) {
    case health::HealthCode::kHealthy:
    case health::HealthCode::kMissing:
    case health::HealthCode::kEmpty:  // a Lua script's nil result: done (spec §5.3)
      return {OperationPhase::kSucceeded, h->message};
    case health::HealthCode::kProgressing:
    case health::HealthCode::kSuspended:
      return {OperationPhase::kRunning, h->message};
    case health::HealthCode::kDegraded:
    case health::HealthCode::kUnknown:
      return {OperationPhase::kFailed, h->message};
  }
  return {OperationPhase::kRunning, h->message};
}

// §2.5 step 3.
void StepRun::RefreshRunning() {
  for (Task& t : tasks_) {
    if (t.hook_phase != OperationPhase::kRunning || !t.live) continue;
    if (t.is_hook) {
      auto [phase, message] = HookPhaseFromHealth(*t.live);
      if (phase != OperationPhase::kRunning) {
        SetResult(t, *t.result, phase, message);
        HookFinished(t);
      }
      continue;
    }
    std::optional<health::HealthStatus> h = health::Assess(*t.live, health_);
    if (!h) {
      SetResult(t, *t.result, OperationPhase::kSucceeded, "");
    } else if (!health::IsFresh(*t.live)) {
      continue;  // the status describes the previous spec: keep waiting (DESIGN §6)
    } else if (h->code == health::HealthCode::kHealthy) {
      SetResult(t, *t.result, OperationPhase::kSucceeded, h->message);
    } else if (h->code == health::HealthCode::kDegraded) {
      SetResult(t, *t.result, OperationPhase::kFailed, h->message);
    }
  }
}

// §2.5 step 4. True when the operation must wait.
bool StepRun::WaitForRunning() {
  std::set<std::pair<int, int64_t>> steps;
  for (const Task& t : tasks_) steps.insert({static_cast<int>(t.phase), t.wave});
  const bool multi_step = steps.size() > 1;
  std::vector<const Task*> running;
  for (Task& t : tasks_) {
    if (t.hook_phase != OperationPhase::kRunning || !(multi_step || t.is_hook)) continue;
    if (!t.live) {
      base::Result<base::Json> got = client_.Get(core::Gvk::FromApiVersion(ApiVersionOf(t), t.key.kind),
                                                 t.key.namespace_, t.key.name);
      if (!got.ok() && got.status().IsNotFound()) {
        SetResult(t, ResultCode::kSyncFailed, OperationPhase::kError,
                  "Resource " + t.key.group + "/" + t.key.kind + "/" + t.key.name +
                      " is missing, it might have been deleted");
        continue;
      }
    }
    running.push_back(&t);
  }
  if (running.empty()) return false;
  Finish(OperationPhase::kRunning, WaitingMessage(running, /*deletion=*/false));
  return true;
}

// §2.5 step 5: pruned objects must be gone before anything else runs.
bool StepRun::WaitForPrunes() {
  if (in_.sync.dry_run) return false;
  std::vector<const Task*> deleting;
  for (const Task& t : tasks_) {
    if (t.is_prune() && t.result == ResultCode::kPruned && t.live) deleting.push_back(&t);
  }
  if (deleting.empty()) return false;
  Finish(OperationPhase::kRunning, WaitingMessage(deleting, /*deletion=*/true));
  return true;
}

// §2.5 step 6.
void StepRun::RemoveCompletedHookFinalizers() {
  for (Task& t : tasks_) {
    if (!t.is_hook || !t.hook_phase || !core::IsCompleted(*t.hook_phase) || !t.live) continue;
    if (!HasHookFinalizer(*t.live)) continue;
    base::Status s = ops_.RemoveHookFinalizer(t.key, ApiVersionOf(t), t.live.get());
    if (!s.ok()) SetResult(t, t.result.value_or(ResultCode::kSynced), OperationPhase::kError, s.message());
  }
}

void StepRun::DeleteHooks(const std::vector<Task*>& hooks) {
  if (in_.sync.dry_run) return;
  ParallelFor(hooks.size(), in_.sync.max_parallel, [&](size_t i) {
    Task& t = *hooks[i];
    base::Status s = ops_.RemoveHookFinalizer(t.key, ApiVersionOf(t), t.live.get());
    if (s.ok()) s = ops_.Delete(*t.live, in_.sync.prune_propagation);
    if (!s.ok()) t.message = "failed to delete hook: " + s.message();
  });
  for (Task* t : hooks) RecordResult(*t);
}

std::string JoinReasons(const std::vector<Task*>& tasks) {
  std::set<std::string> reasons;
  for (const Task* t : tasks) {
    if (t->result == ResultCode::kSyncFailed && !t->message.empty()) reasons.insert(t->message);
  }
  std::string out;
  for (const std::string& r : reasons) out += (out.empty() ? "" : ",") + r;
  return out;
}

// §3.8 executeSyncFailPhase.
void StepRun::FailWithSyncFail(const std::string& message) {
  std::vector<Task*> sync_fail = All([](const Task& t) { return t.phase == SyncPhase::kSyncFail; });
  std::vector<Task*> main = All([](const Task& t) { return t.phase != SyncPhase::kSyncFail; });
  std::string msg = message;
  if (std::string reasons = JoinReasons(main); !reasons.empty()) msg += ", reason: " + reasons;
  auto on_failure_hooks = [&] {
    return All([](const Task& t) {
      return t.is_hook && t.live && t.hook_phase && core::IsCompleted(*t.hook_phase) &&
             t.annotations.HasDeletePolicy(core::HookDeletePolicy::kHookFailed);
    });
  };
  if (sync_fail.empty()) {
    DeleteHooks(on_failure_hooks());
    Finish(OperationPhase::kFailed, msg);
    return;
  }
  const bool all_done = std::all_of(sync_fail.begin(), sync_fail.end(), [](const Task* t) {
    return t->hook_phase && core::IsCompleted(*t->hook_phase);
  });
  if (all_done) {
    if (std::string reasons = JoinReasons(sync_fail); !reasons.empty()) {
      msg += "\none or more SyncFail hooks failed, reason: " + reasons;
    } else if (std::any_of(sync_fail.begin(), sync_fail.end(),
                           [](const Task* t) { return t->result == ResultCode::kSyncFailed; })) {
      msg += "\none or more SyncFail hooks failed";
    }
    DeleteHooks(on_failure_hooks());
    Finish(OperationPhase::kFailed, msg);
    return;
  }
  std::vector<Task*> to_start;
  for (Task* t : sync_fail) {
    if (t->pending()) to_start.push_back(t);
  }
  RunTasks(to_start, /*dry_run=*/false);
  std::vector<const Task*> waiting(sync_fail.begin(), sync_fail.end());
  Finish(OperationPhase::kRunning, WaitingMessage(waiting, false));
}

void StepRun::ApplyTask(Task& t, bool dry_run) {
  base::Json obj = *t.target;
  if (t.is_hook) obj["metadata"]["annotations"][std::string(core::keys::kCapstanOperation)] = state_.HookStamp();
  ApplyMode mode{.dry_run = dry_run,
                 .replace = in_.sync.replace || t.annotations.sync_options.Has("Replace=true"),
                 .force = in_.sync.force || t.annotations.sync_options.Has("Force=true"),
                 .field_manager = in_.sync.field_manager};
  // Nothing to write when the apply provably changes nothing (noop_apply.h): no dry-run, no apply.
  if (!t.is_hook && t.live && !mode.replace && !mode.force && ApplyIsNoOp(obj, *t.live, mode.field_manager)) {
    if (dry_run && !in_.sync.dry_run) return;
    SetResult(t, ResultCode::kSynced, in_.sync.dry_run ? OperationPhase::kSucceeded : OperationPhase::kRunning,
              ResourceOps::DisplayName(obj) + " unchanged" + (in_.sync.dry_run ? " (dry run)" : ""));
    return;
  }
  // A hook that exists already is validated as the new object it will be (DryRunAsNew): its live
  // copy is about to be deleted (BeforeHookCreation) or may be terminating, and Argo CD's
  // client-side dry-run never looks at it either (TestInvalidlHookWaitsForOtherHooksToComplete).
  OpOutcome out = dry_run && t.is_hook && t.live ? ops_.DryRunAsNew(obj, mode) : ops_.Apply(obj, t.live.get(), mode);
  if (t.is_hook && !dry_run && !in_.sync.dry_run) base::CrashPoint("hook-created");
  if (dry_run && !in_.sync.dry_run) {
    // The dry-run pass records failures only (§2.5 step 2b).
    if (out.code == ResultCode::kSyncFailed) SetResult(t, out.code, OperationPhase::kFailed, out.message);
    return;
  }
  OperationPhase phase = out.code == ResultCode::kSyncFailed ? OperationPhase::kFailed
                         : in_.sync.dry_run                 ? OperationPhase::kSucceeded
                                                            : OperationPhase::kRunning;
  SetResult(t, out.code, phase, out.message);
}

void StepRun::PruneTask(Task& t, bool dry_run) {
  const bool disabled = t.annotations.sync_options.Has("Prune=false") ||
                        (in_.sync.prune_disabled && !t.annotations.sync_options.Value("Prune"));
  if (dry_run && !in_.sync.dry_run) return;  // the validation pass deletes nothing
  if (!in_.sync.prune) {
    SetResult(t, ResultCode::kPruneSkipped, OperationPhase::kSucceeded, "ignored (requires pruning)");
  } else if (disabled) {
    SetResult(t, ResultCode::kPruneSkipped, OperationPhase::kSucceeded, "ignored (no prune)");
  } else if (in_.sync.dry_run) {
    SetResult(t, ResultCode::kPruned, OperationPhase::kSucceeded, "pruned (dry run)");
  } else if (base::GetStringAt(*t.live, "metadata/deletionTimestamp").empty()) {
    base::Status s = ops_.Delete(*t.live, in_.sync.prune_propagation);
    if (s.ok()) SetResult(t, ResultCode::kPruned, OperationPhase::kSucceeded, "pruned");
    else SetResult(t, ResultCode::kSyncFailed, OperationPhase::kFailed, s.message());
  } else {
    SetResult(t, ResultCode::kPruned, OperationPhase::kSucceeded, "pruned");
  }
}

// §2.6 runTasks.
StepRun::StepState StepRun::RunTasks(std::vector<Task*> step, bool dry_run) {
  StepState state = StepState::kSuccessful;
  // 1. Pending hooks with a live object: adopt our own (DESIGN §8.7), else free them of the finalizer.
  if (!dry_run) {
    for (Task* t : step) {
      if (!t->is_hook || !t->pending() || !t->live) continue;
      if (core::AnnotationOf(*t->live, core::keys::kCapstanOperation).value_or("") == state_.HookStamp()) {
        SetResult(*t, ResultCode::kSynced, OperationPhase::kRunning, ResourceOps::DisplayName(*t->target) + " created");
        continue;
      }
      base::Status s = ops_.RemoveHookFinalizer(t->key, ApiVersionOf(*t), t->live.get());
      if (!s.ok()) {
        SetResult(*t, ResultCode::kSyncFailed, OperationPhase::kError, s.message());
        state = StepState::kFailed;
      }
    }
    std::erase_if(step, [](const Task* t) { return !t->pending(); });
  }
  // 2. Prunes, concurrently; an unconfirmed Prune=confirm holds the whole step.
  std::vector<Task*> prunes;
  for (Task* t : step) {
    if (t->is_prune()) prunes.push_back(t);
  }
  if (in_.sync.prune) {
    for (Task* t : prunes) {
      bool needs = t->annotations.sync_options.Has("Prune=confirm") ||
                   (in_.sync.prune_confirm && !t->annotations.sync_options.Value("Prune"));
      if (needs && !in_.sync.prune_confirmed) return StepState::kPending;
    }
  }
  ParallelFor(prunes.size(), in_.sync.max_parallel, [&](size_t i) { PruneTask(*prunes[i], dry_run); });
  for (Task* t : prunes) {
    if (t->result == ResultCode::kSyncFailed) state = StepState::kFailed;
  }
  // 3. BeforeHookCreation: delete the old hook and create the new one once it is gone.
  if (!dry_run) {
    std::vector<Task*> recreate;
    for (Task* t : step) {
      if (t->is_hook && t->pending() && t->live &&
          t->annotations.HasDeletePolicy(core::HookDeletePolicy::kBeforeHookCreation)) {
        recreate.push_back(t);
      }
    }
    std::vector<base::Status> deleted(recreate.size());
    ParallelFor(recreate.size(), in_.sync.max_parallel,
                [&](size_t i) { deleted[i] = ops_.Delete(*recreate[i]->live, in_.sync.prune_propagation); });
    for (size_t i = 0; i < recreate.size(); ++i) {
      if (deleted[i].ok()) {
        if (state == StepState::kSuccessful) state = StepState::kPending;
      } else {
        SetResult(*recreate[i], ResultCode::kSyncFailed, OperationPhase::kError, deleted[i].message());
        state = StepState::kFailed;
      }
    }
  }
  if (state != StepState::kSuccessful) return state;
  // 5. Applies in sorted order, in runs of one kind; a run's tasks go at once.
  std::vector<Task*> applies;
  for (Task* t : step) {
    if (!t->is_prune() && !(dry_run && t->skip_dry_run)) applies.push_back(t);
  }
  for (size_t start = 0; start < applies.size();) {
    size_t end = start;
    while (end < applies.size() && applies[end]->key.kind == applies[start]->key.kind) ++end;
    ParallelFor(end - start, in_.sync.max_parallel, [&](size_t i) { ApplyTask(*applies[start + i], dry_run); });
    start = end;
  }
  for (Task* t : applies) {
    if (t->result == ResultCode::kSyncFailed) state = StepState::kFailed;
  }
  return state;
}

void StepRun::Run() {
  if (!BuildTasks()) return;                       // 1
  if (!state_.started() && !FirstIteration()) return;  // 2
  RefreshRunning();                                // 3
  if (WaitForRunning()) return;                    // 4
  if (WaitForPrunes()) return;                     // 5
  RemoveCompletedHookFinalizers();                 // 6
  auto pending_delete = [&](core::HookDeletePolicy policy) {  // 7
    return All([policy](const Task& t) {
      return t.is_hook && t.live && t.hook_phase && t.hook_phase != OperationPhase::kRunning &&
             t.annotations.HasDeletePolicy(policy);
    });
  };
  // 8–9: any completed, unsuccessful task fails the operation (through SyncFail hooks).
  for (const Task& t : tasks_) {
    if (t.phase != SyncPhase::kSyncFail && t.hook_phase && core::IsCompleted(*t.hook_phase) &&
        t.hook_phase != OperationPhase::kSucceeded) {
      FailWithSyncFail("one or more synchronization tasks completed unsuccessfully");
      return;
    }
  }
  // 10.
  std::vector<Task*> pending = All([&](const Task& t) {
    return t.phase != SyncPhase::kSyncFail && t.pending() && !SkippedByOutOfSyncOnly(t);
  });
  if (pending.empty()) {  // 11
    DeleteHooks(pending_delete(core::HookDeletePolicy::kHookSucceeded));
    Finish(OperationPhase::kSucceeded, "successfully synced (no more tasks)");
    return;
  }
  // 12: the first pending (phase, wave) step.
  const SyncPhase phase = pending.front()->phase;
  const int64_t wave = pending.front()->wave;
  std::vector<Task*> step;
  for (Task* t : pending) {
    if (t->phase == phase && t->wave == wave) step.push_back(t);
  }
  const bool last_step = step.size() == pending.size();
  Finish(OperationPhase::kRunning, "one or more tasks are running");
  StepState outcome = RunTasks(step, in_.sync.dry_run);
  // 14.
  if (outcome == StepState::kFailed) {
    std::vector<const Task*> running;
    for (Task* t : step) {
      if (t->hook_phase == OperationPhase::kRunning) running.push_back(t);
    }
    if (!running.empty()) {
      std::vector<Task*> sync_fail = All([](const Task& t) { return t.phase == SyncPhase::kSyncFail && t.pending(); });
      RunTasks(sync_fail, false);
      for (Task* t : sync_fail) running.push_back(t);
      Finish(OperationPhase::kRunning, WaitingMessage(running, false));
      return;
    }
    FailWithSyncFail("one or more objects failed to apply");
    return;
  }
  if (outcome == StepState::kPending) {
    std::vector<const Task*> waiting;
    bool confirmation = false;
    for (Task* t : step) {
      if (t->is_prune() && t->pending()) {
        waiting.push_back(t);
        confirmation = true;
      } else if (t->is_hook && t->pending() && t->live) {
        waiting.push_back(t);
      }
    }
    Finish(OperationPhase::kRunning, WaitingMessage(waiting, !confirmation, confirmation));
    return;
  }
  const bool has_hooks = std::any_of(step.begin(), step.end(), [](const Task* t) { return t->is_hook; });
  if (last_step && !has_hooks) {
    DeleteHooks(pending_delete(core::HookDeletePolicy::kHookSucceeded));
    Finish(OperationPhase::kSucceeded, "successfully synced (all tasks run)");
    return;
  }
  std::vector<const Task*> running(step.begin(), step.end());
  Finish(OperationPhase::kRunning, WaitingMessage(running, false));
}

// §3.11.
void StepRun::Terminate() {
  base::Result<Plan> plan = BuildPlan(in_.targets, in_.live, in_.plan);
  if (plan.ok()) tasks_ = std::move(plan->tasks);
  Restore();
  RemoveCompletedHookFinalizers();
  bool errors = false;
  for (Task& t : tasks_) {
    if (!t.is_hook || t.hook_phase != OperationPhase::kRunning) continue;
    if (!t.live) {
      SetResult(t, t.result.value_or(ResultCode::kSynced), OperationPhase::kSucceeded, "Terminated");
      continue;
    }
    auto [phase, message] = HookPhaseFromHealth(*t.live);
    if (core::IsCompleted(phase)) SetResult(t, *t.result, phase, message);
    else SetResult(t, t.result.value_or(ResultCode::kSynced), OperationPhase::kFailed, "Terminated");
    HookFinished(t);  // before the delete below
    base::Status s = ops_.RemoveHookFinalizer(t.key, ApiVersionOf(t), t.live.get());
    if (s.ok() && (phase == OperationPhase::kRunning ||
                   t.annotations.HasDeletePolicy(core::HookDeletePolicy::kHookFailed))) {
      s = ops_.Delete(*t.live, in_.sync.prune_propagation);
    }
    if (!s.ok()) errors = true;
  }
  if (errors) Finish(OperationPhase::kError, "Operation termination had errors");
  else Finish(OperationPhase::kFailed, "Operation terminated");
}

}  // namespace

std::string WaitingMessage(const std::vector<const Task*>& tasks, bool deletion, bool confirmation) {
  if (tasks.empty()) return "waiting";
  const Task* first = tasks.front();
  bool any_hook = false, all_hooks = true;
  for (const Task* t : tasks) {
    any_hook = any_hook || t->is_hook;
    all_hooks = all_hooks && t->is_hook;
  }
  for (const Task* t : tasks) {
    if (t->is_hook) {
      first = t;
      break;
    }
  }
  std::string reason = confirmation ? "pruning confirmation of"
                       : deletion   ? (any_hook ? "deletion of hook" : "deletion of")
                       : any_hook   ? "completion of hook"
                                    : "healthy state of";
  std::string msg = "waiting for " + reason + " " + first->key.group + "/" + first->key.kind + "/" + first->key.name;
  if (tasks.size() > 1) {
    msg += " and " + std::to_string(tasks.size() - 1) + " more " + (all_hooks ? "hooks" : "resources");
  }
  return msg;
}

OperationState Engine::Step(const StepInput& in, OperationState state) {
  if (core::IsCompleted(state.phase)) return state;
  StepRun run(client_, health_, in, state);
  if (state.phase == OperationPhase::kTerminating) {
    run.Terminate();
  } else {
    run.Run();
  }
  return state;
}

}  // namespace capstan::sync
