// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/sync/reconcile.go (pairing), sync_context.go getSyncTasks (task
// generation, hook names, finalizer, live binding, prune-wave reversal, PruneLast), argo-cd
// controller/state.go (repeated resources keep the last, PreDelete/PostDelete-only hooks dropped).

#include "sync/plan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

#include "core/gvk.h"
#include "sync/task_order.h"

namespace capstan::sync {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void AddHookFinalizer(base::Json& obj) {
  base::Json& fins = obj["metadata"]["finalizers"];
  if (!fins.is_array()) fins = base::Json::array();
  for (const auto& f : fins) {
    if (f.is_string() && f.get<std::string>() == core::keys::kHookFinalizer) return;
  }
  fins.push_back(std::string(core::keys::kHookFinalizer));
}

void AddWarnings(const core::ResourceKey& key, const core::SyncAnnotations& a, Plan& plan) {
  for (const auto& w : a.warnings) {
    plan.warnings.push_back({key, "annotation " + w.annotation + ": " + w.message});
  }
}

}  // namespace

bool ResourceSelector::Matches(const core::ResourceKey& key) const {
  return key.group == group && key.kind == kind && key.name == name &&
         (namespace_.empty() || namespace_ == key.namespace_);
}

std::string GeneratedHookName(std::string_view generate_name, std::string_view revision, core::SyncPhase phase,
                              int64_t started_at_unix) {
  std::string rev(revision.size() >= 8 ? revision.substr(0, 7) : revision);
  return std::string(generate_name) +
         Lower(rev + "-" + std::string(core::ToString(phase)) + "-" + std::to_string(started_at_unix));
}

base::Result<Plan> BuildPlan(const std::vector<base::Json>& targets, const std::vector<base::Json>& live,
                             const PlanOptions& opts) {
  Plan plan;
  const bool skip_hooks = opts.skip_hooks || !opts.resources.empty();
  auto selected = [&](const core::ResourceKey& key) {
    if (opts.resources.empty()) return true;
    return std::any_of(opts.resources.begin(), opts.resources.end(),
                       [&](const ResourceSelector& s) { return s.Matches(key); });
  };

  // 1. Validate and split targets into hooks and resources; repeated keys keep the last.
  std::vector<std::string> errors;
  struct Target {
    ObjectPtr obj;
    core::ResourceKey key;
    core::SyncAnnotations ann;
  };
  std::vector<Target> hooks;
  std::map<core::ResourceKey, Target> resources;  // ordered: deterministic plans
  for (size_t i = 0; i < targets.size(); ++i) {
    const base::Json& t = targets[i];
    core::ResourceKey key = core::ResourceKey::Of(t);
    if (key.kind.empty() || base::GetString(t, "apiVersion").empty()) {
      errors.push_back("object " + std::to_string(i) + " (" + key.Display() + "): apiVersion and kind are required");
      continue;
    }
    core::SyncAnnotations ann = core::ParseSyncAnnotations(t);
    if (ann.DeletionHookOnly()) continue;  // run by Application deletion, not by syncs
    if (ann.ignore) {
      AddWarnings(key, ann, plan);
      continue;
    }
    if (ann.is_hook) {
      // A hook without name or generateName is named "<rev7>-<phase>-<startedAt>" (§2.2).
      hooks.push_back({std::make_shared<const base::Json>(t), key, std::move(ann)});
      continue;
    }
    if (key.name.empty()) {
      errors.push_back(key.Display() + ": metadata.name is required (only hooks may use generateName)");
      continue;
    }
    if (resources.count(key)) {
      plan.warnings.push_back({key, "resource appears more than once in the manifests; the last one is used"});
    }
    resources[key] = Target{std::make_shared<const base::Json>(t), key, std::move(ann)};
  }
  if (!errors.empty()) {
    std::string msg = "invalid manifests: ";
    for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i];
    return base::Status::InvalidArgument(msg);
  }

  std::unordered_map<core::ResourceKey, ObjectPtr> live_by_key;
  for (const base::Json& l : live) live_by_key[core::ResourceKey::Of(l)] = std::make_shared<const base::Json>(l);

  // 2. Resource tasks: each target paired with its live object, then each remaining live object as
  // a prune task. Live hooks, Skip objects and objects without a phase get no task.
  std::set<core::ResourceKey> paired;
  for (auto& [key, t] : resources) {
    AddWarnings(key, t.ann, plan);
    if (!selected(key)) continue;
    auto it = live_by_key.find(key);
    ObjectPtr live_obj = it == live_by_key.end() ? nullptr : it->second;
    if (live_obj) paired.insert(key);
    for (core::SyncPhase phase : t.ann.phases) {
      Task task;
      task.phase = phase;
      task.target = t.obj;
      task.live = live_obj;
      task.key = key;
      task.annotations = t.ann;
      task.wave = t.ann.wave;
      plan.tasks.push_back(std::move(task));
    }
  }
  for (const auto& [key, l] : live_by_key) {
    if (paired.count(key) || resources.count(key) || !selected(key)) continue;
    core::SyncAnnotations ann = core::ParseSyncAnnotations(*l);
    // Live hooks are never pruned; nor are Skip objects (no phase).
    if (ann.is_hook || ann.ignore || ann.phases.empty()) continue;
    Task task;  // a prune task is always in the Sync phase
    task.live = l;
    task.key = key;
    task.annotations = std::move(ann);
    task.wave = task.annotations.wave;
    plan.tasks.push_back(std::move(task));
  }

  // 3. Hook tasks, one per phase; unnamed hooks get generated names; each carries the hook finalizer.
  if (!skip_hooks) {
    for (const Target& h : hooks) {
      AddWarnings(h.key, h.ann, plan);
      for (core::SyncPhase phase : h.ann.phases) {
        base::Json obj = *h.obj;
        if (h.key.name.empty()) {
          obj["metadata"]["name"] = GeneratedHookName(base::GetStringAt(obj, "metadata/generateName"),
                                                      opts.revision, phase, opts.started_at_unix);
        }
        AddHookFinalizer(obj);
        Task task;
        task.phase = phase;
        task.key = core::ResourceKey::Of(obj);
        task.target = std::make_shared<const base::Json>(std::move(obj));
        task.annotations = h.ann;
        task.wave = h.ann.wave;
        task.is_hook = true;
        // Bind the live object by group, kind, name (and namespace when the key has one).
        for (const auto& [lkey, l] : live_by_key) {
          if (lkey.group == task.key.group && lkey.kind == task.key.kind && lkey.name == task.key.name &&
              (lkey.namespace_.empty() || lkey.namespace_ == task.key.namespace_)) {
            task.live = l;
            break;
          }
        }
        plan.tasks.push_back(std::move(task));
      }
    }
  }

  // 4. Prune-wave reversal: the waves prune tasks occupy, swapped symmetrically.
  std::vector<int64_t> prune_waves;
  for (const Task& t : plan.tasks) {
    if (t.is_prune()) prune_waves.push_back(t.wave);
  }
  std::sort(prune_waves.begin(), prune_waves.end());
  prune_waves.erase(std::unique(prune_waves.begin(), prune_waves.end()), prune_waves.end());
  if (prune_waves.size() > 1) {
    std::map<int64_t, int64_t> reversed;
    for (size_t i = 0; i < prune_waves.size(); ++i) reversed[prune_waves[i]] = prune_waves[prune_waves.size() - 1 - i];
    for (Task& t : plan.tasks) {
      if (t.is_prune()) t.wave = reversed[t.wave];
    }
  }

  // 5. PruneLast: prune tasks asking for it move to one wave after every Sync-phase task.
  int64_t last = 0;
  for (const Task& t : plan.tasks) {
    if (t.phase == core::SyncPhase::kSync) last = std::max(last, t.wave);
  }
  for (Task& t : plan.tasks) {
    if (t.is_prune() && (opts.prune_last || t.annotations.sync_options.Has("PruneLast=true"))) t.wave = last + 1;
  }

  SortTasks(plan.tasks, opts.destination_namespace);
  return plan;
}

}  // namespace capstan::sync
