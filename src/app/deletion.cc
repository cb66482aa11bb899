// Copyright 2026 The capstan Authors.

#include "app/deletion.h"

#include <algorithm>
#include <set>
#include <utility>

#include "app/change_notifier.h"
#include "app/conditions.h"
#include "app/delete_finalizers.h"
#include "app/lease_holder.h"
#include "app/live_state.h"
#include "app/operation_lease.h"
#include "base/crash_point.h"
#include "base/time.h"
#include "core/annotations.h"
#include "core/resource_key.h"
#include "source/tracking.h"
#include "sync/operation_state.h"

namespace capstan::app {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kMaxWait{2000};

// "ns/name" (or "name" for cluster-scoped objects), as Argo CD names failed hooks.
std::string NsName(const base::Json& obj) {
  std::string ns = base::GetStringAt(obj, "metadata/namespace");
  std::string name = base::GetStringAt(obj, "metadata/name");
  return ns.empty() ? name : ns + "/" + name;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool IsCrd(const base::Json& obj) {
  core::Gvk g = core::Gvk::Of(obj);
  return g.group == "apiextensions.k8s.io" && g.kind == "CustomResourceDefinition";
}

// Whether |obj| is a hook of the deletion type |pre| (PreDelete) or not |pre| (PostDelete).
bool IsDeletionHook(const base::Json& obj, bool pre) {
  core::SyncAnnotations a = core::ParseSyncAnnotations(obj);
  return pre ? a.pre_delete : a.post_delete;
}

// Health as Argo CD's executeHooks reads it: no health check → Healthy.
health::HealthCode HookHealth(const base::Json& obj, health::HealthOverride* override_checks) {
  std::optional<health::HealthStatus> h = health::Assess(obj, override_checks);
  return h ? h->code : health::HealthCode::kHealthy;
}

// What one step of a pass concluded.
struct Step {
  bool done = false;        // the step's finalizer may go
  std::string waiting;      // why not done
  std::string error;        // a failure to show as DeletionError (not done)
  bool progressed = false;  // something was written
};

}  // namespace

// One pass over an Application being deleted, under the Lease.
class DeletionRunner::Pass {
 public:
  Pass(DeletionRunner& runner, const AppRef& ref, base::Json app, OperationLease& lease)
      : runner_(runner), client_(runner.client_), opts_(runner.opts_), ref_(ref), app_(std::move(app)), lease_(lease) {}

  base::Result<DeletionPass> Run();

 private:
  void Progress(const std::string& line) {
    if (opts_.progress) opts_.progress(line);
  }
  // Renders the targets at the targetRevision (failure kept in render_error_) and lists the app's
  // managed live objects into live_.
  base::Status Load();
  base::Status Relist();
  Step ExecuteHooks(bool pre);
  Step CleanupHooks(bool pre);
  Step DeleteResources();
  // Removes |finalizer| and reaches the crash point named after |step|.
  base::Status Remove(std::string_view finalizer, std::string_view step);
  base::Status WriteCondition(const std::string& error);

  DeletionRunner& runner_;
  kube::Client& client_;
  const DeletionOptions& opts_;
  AppRef ref_;
  base::Json app_;
  std::optional<source::RenderedApp> rendered_;
  std::string render_error_;
  std::string instance_;
  std::string destination_namespace_;
  std::vector<core::Gvk> kinds_;
  std::vector<base::Json> live_;  // managed live objects (tracking id names this app)
  OperationLease& lease_;
};

base::Status DeletionRunner::Pass::Load() {
  source::RenderOptions ro = opts_.render;
  ro.control_plane_namespace = opts_.control_plane_namespace;
  ro.revision.clear();  // spec.source(s).targetRevision, not the last synced commit (spec §4.2)
  auto r = source::RenderApplication(app_, ro);
  base::Status normalized = r.ok() ? NormalizeNamespaces(client_, r->objects, r->destination_namespace) : r.status();
  if (normalized.ok()) {
    rendered_ = std::move(*r);
  } else {
    render_error_ = normalized.message();
  }
  instance_ = rendered_ ? rendered_->instance_name
                        : source::AppInstanceName(ref_.name, ref_.namespace_, opts_.control_plane_namespace);
  destination_namespace_ = base::GetStringAt(app_, "spec/destination/namespace");
  kinds_ = KindsToWatch(rendered_ ? rendered_->objects : std::vector<base::Json>{}, app_);
  runner_.watch_.clear();
  for (const core::Gvk& g : kinds_) {
    runner_.watch_.emplace_back(g, destination_namespace_);
    if (rendered_) {
      for (const base::Json& t : rendered_->objects) {
        std::string ns = base::GetStringAt(t, "metadata/namespace");
        if (core::Gvk::Of(t).kind == g.kind && ns != destination_namespace_) runner_.watch_.emplace_back(g, ns);
      }
    }
  }
  return Relist();
}

base::Status DeletionRunner::Pass::Relist() {
  const std::vector<base::Json> none;
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::Json> live,
                           ListLive(client_, kinds_, instance_, destination_namespace_, rendered_ ? rendered_->objects : none));
  // Only what carries the app's tracking id is the app's (a target-named object that does not is
  // someone else's, and not deleted).
  std::string prefix = instance_ + ":";
  live_.clear();
  for (base::Json& o : live) {
    std::optional<std::string> id = core::AnnotationOf(o, source::kTrackingIdAnnotation);
    if (id && id->rfind(prefix, 0) == 0) live_.push_back(std::move(o));
  }
  return base::Status::Ok();
}

Step DeletionRunner::Pass::ExecuteHooks(bool pre) {
  const char* type = pre ? "PreDelete" : "PostDelete";
  Step step;
  if (!rendered_) {
    step.error = std::string("rendering ") + type + " hooks: " + render_error_;
    return step;
  }
  std::set<core::ResourceKey> live_keys;
  std::vector<const base::Json*> live_hooks;
  for (const base::Json& o : live_) {
    live_keys.insert(core::ResourceKey::Of(o));
    if (IsDeletionHook(o, pre)) live_hooks.push_back(&o);
  }
  for (const base::Json& t : rendered_->objects) {
    if (!IsDeletionHook(t, pre) || live_keys.count(core::ResourceKey::Of(t))) continue;
    auto created = client_.Create(t, {.field_manager = opts_.field_manager});
    if (!created.ok() && created.status().code() != base::StatusCode::kAlreadyExists) {
      step.error = std::string("creating ") + type + " hook " + NsName(t) + ": " + created.status().message();
      return step;
    }
    base::CrashPoint("deletion:hook-created");
    Progress(std::string(type) + " hook " + core::ResourceKey::Of(t).Display() + " created");
    step.progressed = true;
  }
  if (step.progressed) {
    step.waiting = std::string("waiting for ") + type + " hooks to be created";
    return step;
  }
  std::vector<std::string> failed, running;
  for (const base::Json* h : live_hooks) {
    health::HealthCode code = HookHealth(*h, opts_.health_override);
    if (code == health::HealthCode::kDegraded) {
      failed.push_back(NsName(*h));
      base::Status s = client_.Delete(core::Gvk::Of(*h), base::GetStringAt(*h, "metadata/namespace"),
                                      base::GetStringAt(*h, "metadata/name"), {});
      if (!s.ok() && s.code() != base::StatusCode::kNotFound) Progress("deleting failed hook " + NsName(*h) + ": " + s.ToString());
    } else if (code == health::HealthCode::kProgressing) {
      running.push_back(NsName(*h));
    }
  }
  if (!failed.empty()) {
    step.error = std::string(type) + " hook(s) failed: " + Join(failed);
    step.progressed = true;
    return step;
  }
  if (!running.empty()) {
    step.waiting = std::string("waiting for ") + type + " hook(s) " + Join(running);
    return step;
  }
  step.done = true;
  return step;
}

Step DeletionRunner::Pass::CleanupHooks(bool pre) {
  const char* type = pre ? "PreDelete" : "PostDelete";
  Step step;
  std::vector<const base::Json*> hooks;
  health::HealthCode aggregate = health::HealthCode::kHealthy;
  for (const base::Json& o : live_) {
    if (!IsDeletionHook(o, pre)) continue;
    hooks.push_back(&o);
    health::HealthCode code = HookHealth(o, opts_.health_override);
    if (health::IsWorse(code, aggregate)) aggregate = code;
  }
  std::vector<std::string> pending;
  for (const base::Json* h : hooks) {
    core::SyncAnnotations a = core::ParseSyncAnnotations(*h);
    bool remove = (aggregate == health::HealthCode::kHealthy && a.HasDeletePolicy(core::HookDeletePolicy::kHookSucceeded)) ||
                  (aggregate == health::HealthCode::kDegraded && a.HasDeletePolicy(core::HookDeletePolicy::kHookFailed));
    if (!remove) continue;
    pending.push_back(NsName(*h));
    if (IsDeleting(*h)) continue;
    base::Status s = client_.Delete(core::Gvk::Of(*h), base::GetStringAt(*h, "metadata/namespace"),
                                    base::GetStringAt(*h, "metadata/name"), {});
    if (!s.ok() && s.code() != base::StatusCode::kNotFound) {
      step.error = std::string("deleting ") + type + " hook " + NsName(*h) + ": " + s.message();
      return step;
    }
    step.progressed = true;
  }
  if (!pending.empty()) {
    step.waiting = std::string("waiting for ") + type + " hook(s) to be deleted: " + Join(pending);
    return step;
  }
  step.done = true;
  return step;
}

Step DeletionRunner::Pass::DeleteResources() {
  Step step;
  std::vector<std::string> deleting;
  std::vector<const base::Json*> candidates;
  std::vector<std::string> unapproved;
  int64_t deletion_started = base::ParseRfc3339Seconds(base::GetStringAt(app_, "metadata/deletionTimestamp")).value_or(0);
  bool approved = DeletionApproved(app_, deletion_started);
  for (const base::Json& o : live_) {
    if (IsDeleting(o)) deleting.push_back(core::ResourceKey::Of(o).Display());
    core::Gvk g = core::Gvk::Of(o);
    if (IsCrd(o)) continue;
    if (g.group == kApplicationGvk.group && g.kind == kApplicationGvk.kind &&
        base::GetStringAt(o, "metadata/name") == ref_.name && base::GetStringAt(o, "metadata/namespace") == ref_.namespace_) {
      continue;
    }
    core::SyncAnnotations a = core::ParseSyncAnnotations(o);
    if (a.sync_options.Has("Delete=false")) continue;
    if (core::AnnotationOf(o, core::keys::kHelmResourcePolicy) == "keep") continue;
    candidates.push_back(&o);
    if ((a.sync_options.Has("Delete=confirm") || a.sync_options.Has("Prune=confirm")) && !approved) {
      unapproved.push_back(core::ResourceKey::Of(o).Display());
    }
  }
  if (!deleting.empty()) {
    step.waiting = "waiting for " + std::to_string(deleting.size()) + " resource(s) being deleted: " + Join(deleting);
    return step;
  }
  if (!unapproved.empty()) {
    step.waiting = "waiting for deletion approval (annotation " + std::string(core::keys::kDeletionApproved) +
                   " on the Application) of " + Join(unapproved);
    return step;
  }
  if (candidates.empty()) {
    step.done = true;
    return step;
  }
  // One wave per pass, the highest first (controller/sort_delete.go FilterObjectsForDeletion).
  int64_t top = core::ParseSyncAnnotations(*candidates.front()).wave;
  for (const base::Json* c : candidates) top = std::max(top, core::ParseSyncAnnotations(*c).wave);
  kube::DeleteOptions del;
  del.propagation_policy = HasFinalizer(app_, kResourcesFinalizerBackground) ? "Background" : "Foreground";
  std::vector<std::string> deleted;
  for (const base::Json* c : candidates) {
    if (core::ParseSyncAnnotations(*c).wave != top) continue;
    base::Status s = client_.Delete(core::Gvk::Of(*c), base::GetStringAt(*c, "metadata/namespace"),
                                    base::GetStringAt(*c, "metadata/name"), del);
    if (!s.ok() && s.code() != base::StatusCode::kNotFound) {
      step.error = "deleting " + core::ResourceKey::Of(*c).Display() + ": " + s.message();
      return step;
    }
    deleted.push_back(core::ResourceKey::Of(*c).Display());
  }
  base::CrashPoint("deletion:wave-deleted");
  Progress("wave " + std::to_string(top) + " deleted: " + Join(deleted));
  step.progressed = true;
  step.waiting = "waiting for " + std::to_string(candidates.size()) + " resource(s) to be deleted";
  return step;
}

base::Status DeletionRunner::Pass::Remove(std::string_view finalizer, std::string_view step) {
  std::vector<std::string> left = FinalizersOf(app_);
  std::erase(left, std::string(finalizer));
  app_["metadata"]["finalizers"] = left;
  // The last finalizer takes the Application away: the Lease goes first, so a crash right after
  // leaves nothing behind (and a crash before leaves the finalizer for the next pass).
  if (left.empty()) CAPSTAN_RETURN_IF_ERROR(lease_.Release());
  CAPSTAN_RETURN_IF_ERROR(RemoveFinalizer(client_, ref_, finalizer));
  base::CrashPoint("deletion:finalizer-removed:" + std::string(step));
  Progress("finalizer " + std::string(finalizer) + " removed");
  return base::Status::Ok();
}

base::Status DeletionRunner::Pass::WriteCondition(const std::string& error) {
  base::Json status = app_.value("status", base::Json::object());
  base::Json before = status.value("conditions", base::Json());
  if (error.empty()) {
    ClearCondition(status, kDeletionError);
  } else {
    SetCondition(status, kDeletionError, error, sync::FormatTime(base::NowUnixSeconds()));
  }
  base::Json after = status.value("conditions", base::Json());
  if (after == before) return base::Status::Ok();
  base::Json patch = {{"status", {{"conditions", after}}}};
  auto written = client_.Patch(kApplicationGvk, ref_.namespace_, ref_.name, kube::PatchType::kMerge, patch, {});
  if (!written.ok() && written.status().code() != base::StatusCode::kNotFound) return written.status();
  return base::Status::Ok();
}

base::Result<DeletionPass> DeletionRunner::Pass::Run() {
  CAPSTAN_RETURN_IF_ERROR(Load());
  DeletionPass out;
  Step step;
  std::string_view finalizer, name;
  bool cascade = false;
  for (const std::string& f : FinalizersOf(app_)) cascade |= IsCascadeFinalizer(f);
  if (HasFinalizer(app_, kPreDeleteFinalizer)) {
    step = ExecuteHooks(/*pre=*/true);
    finalizer = kPreDeleteFinalizer, name = "pre-delete";
  } else if (cascade) {
    step = DeleteResources();
    name = "resources";
  } else if (HasFinalizer(app_, kPostDeleteFinalizer)) {
    step = ExecuteHooks(/*pre=*/false);
    finalizer = kPostDeleteFinalizer, name = "post-delete";
  } else if (HasFinalizer(app_, kPreDeleteCleanupFinalizer)) {
    step = CleanupHooks(/*pre=*/true);
    finalizer = kPreDeleteCleanupFinalizer, name = "pre-delete-cleanup";
  } else if (HasFinalizer(app_, kPostDeleteCleanupFinalizer)) {
    step = CleanupHooks(/*pre=*/false);
    finalizer = kPostDeleteCleanupFinalizer, name = "post-delete-cleanup";
  } else {
    out.waiting = "waiting for the API server to remove the Application (finalizers of others: " +
                  Join(FinalizersOf(app_)) + ")";
    return out;
  }
  // DeletionError stays while its step is retried (the next pass re-creates a failed hook), and goes
  // when the step is done.
  if (!step.error.empty() || step.done) CAPSTAN_RETURN_IF_ERROR(WriteCondition(step.error));
  out.progressed = step.progressed;
  if (!step.error.empty()) {
    // Retried when something changes (at most 2 s later), not at once.
    out.progressed = false;
    out.error = out.waiting = step.error;
    return out;
  }
  if (!step.done) {
    out.waiting = step.waiting;
    return out;
  }
  if (name == "resources") {
    for (std::string_view f : {kResourcesFinalizer, kResourcesFinalizerForeground, kResourcesFinalizerBackground}) {
      if (HasFinalizer(app_, f)) CAPSTAN_RETURN_IF_ERROR(Remove(f, name));
    }
  } else {
    CAPSTAN_RETURN_IF_ERROR(Remove(finalizer, name));
  }
  out.progressed = true;
  out.waiting = "finalizer of step " + std::string(name) + " removed";
  return out;
}

DeletionRunner::DeletionRunner(kube::Client& client, DeletionOptions opts) : client_(client), opts_(std::move(opts)) {
  if (opts_.holder.empty()) opts_.holder = LocalHolderIdentity();
}

base::Result<DeletionPass> DeletionRunner::RunPass(const AppRef& ref) {
  DeletionPass out;
  auto app = client_.Get(kApplicationGvk, ref.namespace_, ref.name);
  if (!app.ok()) {
    if (app.status().code() != base::StatusCode::kNotFound) return app.status().Annotate("Application " + ref.ToString());
    out.gone = true;
    return out;
  }
  if (!IsDeleting(*app)) {
    out.waiting = "Application " + ref.ToString() + " is not being deleted";
    return out;
  }
  if (OperationRequested(*app) || OperationInProgress(*app)) {
    out.waiting = "waiting for the running operation";
    return out;
  }
  OperationLease lease(client_, ref.namespace_, ref.name, opts_.holder);
  base::Status taken = lease.Acquire();
  if (taken.code() == base::StatusCode::kFailedPrecondition) {
    out.waiting = taken.message();
    return out;
  }
  CAPSTAN_RETURN_IF_ERROR(taken);
  // The Application as it is now that the Lease is ours (an operation may have started meanwhile).
  app = client_.Get(kApplicationGvk, ref.namespace_, ref.name);
  base::Result<DeletionPass> result = out;
  if (!app.ok()) {
    if (app.status().code() == base::StatusCode::kNotFound) {
      out.gone = true;
      result = out;
    } else {
      result = app.status().Annotate("Application " + ref.ToString());
    }
  } else if (OperationRequested(*app) || OperationInProgress(*app)) {
    out.waiting = "waiting for the running operation";
    result = out;
  } else {
    result = Pass(*this, ref, std::move(*app), lease).Run();
  }
  base::Status released = lease.Release();
  if (result.ok() && !released.ok() && released.code() != base::StatusCode::kNotFound) return released;
  return result;
}

base::Status DeletionRunner::Run(const AppRef& ref, std::optional<Clock::time_point> deadline) {
  ChangeNotifier notifier(client_);
  notifier.Watch(kApplicationGvk, ref.namespace_, ref.name);
  std::string last;
  while (true) {
    CAPSTAN_ASSIGN_OR_RETURN(DeletionPass pass, RunPass(ref));
    if (pass.gone) return base::Status::Ok();
    if (pass.waiting != last && opts_.progress && !pass.progressed) {
      opts_.progress(pass.error.empty() ? pass.waiting : "error: " + pass.error);
    }
    last = pass.waiting;
    for (const auto& [gvk, ns] : watch_) {
      auto res = client_.Resolve(gvk);
      if (res.ok()) notifier.Watch(res->gvk, res->namespaced ? ns : "");
    }
    if (pass.progressed) continue;
    auto wait = kMaxWait;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
      if (left.count() <= 0) {
        return base::Status::Timeout("Application " + ref.ToString() + " is not deleted yet: " + pass.waiting);
      }
      wait = std::min(wait, left);
    }
    notifier.Wait(wait);
  }
}

}  // namespace capstan::app
