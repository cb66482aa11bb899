// Copyright 2026 The capstan Authors.

#include "app/operation_runner.h"

#include <unistd.h>

#include <ctime>
#include <map>
#include <set>
#include <thread>

#include "app/app_status.h"
#include "app/change_notifier.h"
#include "app/conditions.h"
#include "app/controller_presence.h"
#include "app/delete_finalizers.h"
#include "app/hook_logs.h"
#include "app/lease_holder.h"
#include "app/live_state.h"
#include "app/operation_lease.h"
#include "app/project.h"
#include "app/server_side_diff.h"
#include "base/crash_point.h"
#include "base/log.h"
#include "core/resource_key.h"
#include "core/sync_types.h"
#include "sync/engine.h"
#include "sync/operation_state.h"
#include "sync/plan.h"
#include "sync/sync_options.h"

namespace capstan::app {

namespace {

using Clock = std::chrono::steady_clock;
using core::OperationPhase;

constexpr auto kRenewEvery = std::chrono::seconds(5);
constexpr auto kMaxWait = std::chrono::seconds(2);
constexpr int kWriteAttempts = 8;

int64_t NowUnix() { return static_cast<int64_t>(std::time(nullptr)); }

// "3:04PM" in local time, as Go's Kitchen layout (the retry message).
std::string Kitchen(int64_t unix) {
  std::time_t t = static_cast<std::time_t>(unix);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%I:%M%p", &tm);
  std::string s = buf;
  if (s[0] == '0') s.erase(0, 1);
  return s;
}

const base::Json* StateJson(const base::Json& app) {
  auto st = app.find("status");
  if (st == app.end() || !st->is_object()) return nullptr;
  auto os = st->find("operationState");
  if (os == st->end() || !os->is_object()) return nullptr;
  return &*os;
}

// "<phase>  wave <n>  <Kind> <ns>/<name>  <status> <hookPhase>  <message>"; no wave when unknown.
std::string ResultLine(const sync::ResourceResult& r, std::optional<int64_t> wave) {
  std::string line = std::string(core::ToString(r.sync_phase)) + "  " +
                     (wave ? "wave " + std::to_string(*wave) + "  " : "") + r.kind + " " +
                     (r.namespace_.empty() ? "" : r.namespace_ + "/") + r.name + "  " +
                     std::string(core::ToString(r.status));
  if (r.hook_phase) line += " " + std::string(core::ToString(*r.hook_phase));
  if (!r.message.empty()) line += "  " + r.message;
  return line;
}

// Updates |app| (status and .operation as the caller set them) with optimistic concurrency. On a
// conflict it re-reads the object, carries the caller's status and .operation over, and keeps a
// terminate request that arrived meanwhile.
base::Result<base::Json> WriteApp(kube::Client& client, base::Json app) {
  for (int attempt = 0;; ++attempt) {
    auto written = client.Update(app, {});
    if (written.ok() || written.status().code() != base::StatusCode::kConflict || attempt + 1 >= kWriteAttempts) {
      return written;
    }
    auto fresh = client.Get(kApplicationGvk, base::GetStringAt(app, "metadata/namespace"),
                            base::GetStringAt(app, "metadata/name"));
    if (!fresh.ok()) return fresh.status();
    const base::Json* theirs = StateJson(*fresh);
    bool terminate = theirs && base::GetString(*theirs, "phase") == "Terminating";
    base::Json merged = std::move(*fresh);
    merged["status"] = app.contains("status") ? app["status"] : base::Json::object();
    if (app.contains("operation")) {
      merged["operation"] = app["operation"];
    } else {
      merged.erase("operation");
    }
    if (terminate && base::GetStringAt(merged, "status/operationState/phase") == "Running") {
      merged["status"]["operationState"]["phase"] = "Terminating";
    }
    app = std::move(merged);
  }
}

}  // namespace

class OperationRunner::Run_ {
 public:
  Run_(OperationRunner& r, const AppRef& ref)
      : client_(r.client_),
        opts_(r.opts_),
        ref_(ref),
        lease_(r.client_, ref.namespace_, ref.name, r.opts_.holder.empty() ? LocalHolderIdentity() : r.opts_.holder),
        notifier_(r.client_),
        engine_(r.client_, r.opts_.health_override) {}

  base::Result<base::Json> Go();

 private:
  base::Result<base::Json> Drive();
  // Reports what changed in the operation another runner drives (|app| as just read).
  void Follow(const base::Json& app);
  bool TimedOut() const { return opts_.deadline && Clock::now() >= *opts_.deadline; }
  base::Status TimeoutStatus() const {
    return base::Status::Timeout("timed out waiting for the operation of Application " + ref_.ToString() +
                                 " to end; it stays Running for the next runner");
  }
  // Waits for a change the runner watches, at most kMaxWait (the Lease must be renewed) and never
  // past the deadline.
  void Wait() {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(kMaxWait);
    if (opts_.deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*opts_.deadline - Clock::now());
      if (left <= std::chrono::milliseconds(0)) return;
      wait = std::min(wait, left);
    }
    notifier_.Wait(wait);
  }
  void Progress(const std::string& line) {
    if (opts_.progress) opts_.progress(line);
  }
  // Tells the progress callbacks what changed from |before| to |after|.
  void Report(const sync::OperationState& before, const sync::OperationState& after,
              const Comparison* comparison);
  base::Result<base::Json> Get() { return client_.Get(kApplicationGvk, ref_.namespace_, ref_.name); }
  // Writes |state| (+ comparison when set) into |app| and stores it; |why| names the crash points.
  base::Status Write(base::Json& app, const sync::OperationState& state, const base::Json& operation,
                     const Comparison* comparison, std::string_view why);
  base::Status Render(const base::Json& app, const Operation& op, sync::OperationState& state);
  // Loads the app's AppProject into |project| and checks the app against it (project.h); the
  // operation's error message when the project is missing or refuses the app.
  base::Status CheckProject(const base::Json& app, std::optional<Project>& project);
  void WatchKinds(const std::vector<core::Gvk>& kinds);

  kube::Client& client_;
  const RunnerOptions& opts_;
  AppRef ref_;
  OperationLease lease_;
  ChangeNotifier notifier_;
  sync::Engine engine_;
  bool holding_ = false;
  Clock::time_point renewed_{};
  // Rendered once per operation (and revision).
  std::optional<source::RenderedApp> rendered_;
  int64_t rendered_for_ = -1;  // startedAt of the operation rendered_ belongs to
  std::map<std::string, int64_t> waves_;  // result key → wave, for progress lines
  std::vector<PlannedTask> plan_;         // for on_step
  std::optional<sync::OperationState> following_;  // the last state seen of an operation run elsewhere
};

base::Result<base::Json> OperationRunner::Run_::Go() {
  notifier_.Watch(kApplicationGvk, ref_.namespace_, ref_.name);
  std::string follow_reported;
  while (true) {
    CAPSTAN_ASSIGN_OR_RETURN(base::Json app, Get());
    if (!OperationRequested(app) && !OperationInProgress(app)) {
      // Following an operation that ended (perhaps before this runner saw it run): report it.
      if (!follow_reported.empty()) Follow(app);
      return app;
    }
    std::string runner;
    if (opts_.defer_to_controller && ControllerIsRunning(client_, opts_.control_plane_namespace, ref_.namespace_).value_or(false)) {
      runner = "the controller runs it";
    } else {
      base::Status s = lease_.Acquire();
      if (s.ok()) {
        holding_ = true;
        renewed_ = Clock::now();
        auto out = Drive();
        if (holding_) {
          base::Status released = lease_.Release();
          if (!released.ok()) CAPSTAN_LOG_WARN("releasing Lease {}: {}", lease_.name(), released.ToString());
          holding_ = false;
        }
        if (out.ok() || out.status().code() != base::StatusCode::kFailedPrecondition) return out;
        continue;  // the Lease was lost: follow whoever took it
      }
      if (s.code() != base::StatusCode::kFailedPrecondition) return s;
      if (!opts_.follow_others) return app;
      runner = s.message();
    }
    if (follow_reported != runner) {
      Progress("following the operation run elsewhere: " + runner);
      follow_reported = runner;
    }
    Follow(app);
    if (TimedOut()) return TimeoutStatus();
    Wait();
  }
}

void OperationRunner::Run_::Follow(const base::Json& app) {
  const base::Json* state_json = StateJson(app);
  if (state_json == nullptr) return;
  auto state = sync::OperationStateFromJson(*state_json);
  if (!state.ok()) return;
  // A requested operation not started yet: the state is the previous operation's.
  if (OperationRequested(app) && core::IsCompleted(state->phase)) return;
  if (!following_) {
    following_ = sync::OperationState{};
    following_->started_at_unix = state->started_at_unix;
  }
  if (state->started_at_unix != following_->started_at_unix) following_ = sync::OperationState{};
  // The plan, for a display: rendered once for the operation being followed.
  base::Json op_json = OperationRequested(app) ? app["operation"] : state_json->value("operation", base::Json());
  if (plan_.empty() && !op_json.is_null() && !state->revision.empty()) {
    auto op = ParseOperation(op_json);
    sync::OperationState probe = *state;
    if (op.ok() && !Render(app, *op, probe).ok()) plan_.clear();
  }
  Comparison seen;
  seen.resources = app["status"].value("resources", base::Json::array());
  Report(*following_, *state, &seen);
  following_ = std::move(*state);
}

void OperationRunner::Run_::WatchKinds(const std::vector<core::Gvk>& kinds) {
  for (const core::Gvk& gvk : kinds) {
    auto r = client_.Resolve(gvk);
    if (!r.ok()) continue;
    if (!r->namespaced) {
      notifier_.Watch(r->gvk, "");
      continue;
    }
    std::set<std::string> namespaces;
    if (rendered_ && !rendered_->destination_namespace.empty()) namespaces.insert(rendered_->destination_namespace);
    if (rendered_) {
      for (const base::Json& t : rendered_->objects) {
        std::string ns = base::GetStringAt(t, "metadata/namespace");
        if (!ns.empty() && core::Gvk::Of(t).kind == gvk.kind) namespaces.insert(ns);
      }
    }
    for (const std::string& ns : namespaces) notifier_.Watch(r->gvk, ns);
  }
}

base::Status OperationRunner::Run_::Render(const base::Json& app, const Operation& op, sync::OperationState& state) {
  if (rendered_ && rendered_for_ == state.started_at_unix && rendered_->revision == state.revision) {
    return base::Status::Ok();
  }
  source::RenderOptions ro = opts_.render;
  ro.control_plane_namespace = opts_.control_plane_namespace;
  ro.revision = !state.revision.empty() ? state.revision : op.sync.revision;
  // A rollback names the source of its history entry; everything else renders the spec's.
  base::Json with_source;
  if (!op.sync.source.is_null()) {
    with_source = app;
    with_source["spec"].erase("source");
    with_source["spec"].erase("sources");
    with_source["spec"][op.sync.source.is_array() ? "sources" : "source"] = op.sync.source;
  }
  CAPSTAN_ASSIGN_OR_RETURN(source::RenderedApp r,
                           source::RenderApplication(op.sync.source.is_null() ? app : with_source, ro));
  CAPSTAN_RETURN_IF_ERROR(NormalizeNamespaces(client_, r.objects, r.destination_namespace));
  // Pre/PostDelete hooks decide the app's deletion finalizers (spec §4.1); a failed write is retried next time.
  if (base::Status s = SyncDeletionHookFinalizers(client_, app, r.objects); !s.ok()) Progress("warning: " + s.ToString());
  if (state.revision.empty()) state.revision = r.revision;
  // What Argo CD ignores silently (bad annotation values, repeated resources) is ignored the same
  // way, and said once per operation.
  auto plan = sync::BuildPlan(r.objects, {}, {.revision = state.revision, .started_at_unix = state.started_at_unix,
                                              .destination_namespace = r.destination_namespace});
  if (plan.ok()) {
    for (const sync::PlanWarning& w : plan->warnings) Progress("warning: " + w.key.Display() + ": " + w.message);
    waves_.clear();
    plan_.clear();
    for (const sync::Task& t : plan->tasks) {
      waves_[t.ResultKey()] = t.wave;
      plan_.push_back({.key = t.ResultKey(), .phase = t.phase, .wave = t.wave, .hook = t.is_hook,
                       .group = t.key.group, .kind = t.key.kind, .namespace_ = t.key.namespace_,
                       .name = t.key.name});
    }
  }
  rendered_ = std::move(r);
  rendered_for_ = state.started_at_unix;
  return base::Status::Ok();
}

base::Status OperationRunner::Run_::CheckProject(const base::Json& app, std::optional<Project>& project) {
  base::Result<Project> loaded = LoadProject(client_, opts_.control_plane_namespace, ProjectNameOf(app));
  std::vector<ProjectProblem> problems = CheckApplication(app, loaded, opts_.control_plane_namespace);
  if (!loaded.ok() || !problems.empty()) {
    return base::Status::FailedPrecondition(OperationMessage(app, loaded, problems));
  }
  project = std::move(*loaded);
  return base::Status::Ok();
}

void OperationRunner::Run_::Report(const sync::OperationState& before, const sync::OperationState& after,
                                   const Comparison* comparison) {
  if (opts_.on_step) opts_.on_step({.state = after, .plan = plan_, .resources = comparison ? &comparison->resources : nullptr});
  if (!opts_.report_results) return;
  for (const sync::ResourceResult& r : after.results) {
    const sync::ResourceResult* old = before.Find(r.Key());
    if (old && old->status == r.status && old->hook_phase == r.hook_phase && old->message == r.message) continue;
    auto wave = waves_.find(r.Key());
    Progress(ResultLine(r, wave == waves_.end() ? std::nullopt : std::optional<int64_t>(wave->second)));
  }
  if (before.phase != after.phase || before.message != after.message) {
    Progress("operation " + std::string(core::ToString(after.phase)) +
             (after.message.empty() ? "" : ": " + after.message));
  }
}

base::Status OperationRunner::Run_::Write(base::Json& app, const sync::OperationState& state,
                                          const base::Json& operation, const Comparison* comparison,
                                          std::string_view why) {
  base::Json os = sync::ToJson(state);
  os["operation"] = operation;
  // The source synced, as Argo CD records it: auto-sync compares it to decide whether the desired
  // state was already attempted (auto_sync.h).
  if (app["spec"].contains("sources")) {
    os["syncResult"]["sources"] = app["spec"]["sources"];
  } else if (app["spec"].contains("source")) {
    os["syncResult"]["source"] = app["spec"]["source"];
  }
  app["status"]["operationState"] = std::move(os);
  if (comparison) {
    app["status"]["resources"] = comparison->resources;
    app["status"]["sync"] = comparison->sync;
    app["status"]["health"] = comparison->health;
    app["status"]["reconciledAt"] = sync::FormatTime(NowUnix());
  }
  base::CrashPoint("write:" + std::string(why));
  CAPSTAN_ASSIGN_OR_RETURN(app, WriteApp(client_, app));
  base::CrashPoint("written:" + std::string(why));
  return base::Status::Ok();
}

base::Result<base::Json> OperationRunner::Run_::Drive() {
  while (true) {
    if (TimedOut()) return TimeoutStatus();
    if (Clock::now() - renewed_ >= kRenewEvery) {
      base::Status s = lease_.Renew();
      if (s.code() == base::StatusCode::kFailedPrecondition) {
        holding_ = false;
        return s;
      }
      if (s.ok()) renewed_ = Clock::now();
    }
    CAPSTAN_ASSIGN_OR_RETURN(base::Json app, Get());
    base::Json op_json = OperationRequested(app) ? app["operation"] : base::Json();
    const base::Json* state_json = StateJson(app);
    if (op_json.is_null() && OperationInProgress(app) && state_json->contains("operation")) op_json = (*state_json)["operation"];
    if (op_json.is_null()) return app;

    // A new operation, or the one in progress.
    sync::OperationState state;
    bool fresh = !OperationInProgress(app);
    if (!fresh) {
      auto parsed = sync::OperationStateFromJson(*state_json);
      if (!parsed.ok()) {
        fresh = true;
        CAPSTAN_LOG_WARN("Application {}: unreadable operationState ({}); starting over", ref_.ToString(),
                         parsed.status().ToString());
      } else {
        state = std::move(*parsed);
      }
    }
    auto op = ParseOperation(op_json);
    if (fresh) {
      state = sync::OperationState{};
      state.started_at_unix = NowUnix();
      state.message = "";
      Progress("operation Running (started " + sync::FormatTime(state.started_at_unix) + ")");
      if (op.ok()) CAPSTAN_RETURN_IF_ERROR(Write(app, state, op_json, nullptr, "start"));
    }
    if (!op.ok()) {
      state.phase = OperationPhase::kError;
      state.message = op.status().message();
    }

    // A Running state with finishedAt is a retry waiting for its backoff (§6.4).
    if (state.phase == OperationPhase::kRunning && state.finished_at_unix) {
      int64_t due = *state.finished_at_unix + op->retry.Backoff(state.retry_count);
      if (NowUnix() < due) {
        if (opts_.deadline && Clock::now() + std::chrono::seconds(due - NowUnix()) > *opts_.deadline) {
          return TimeoutStatus();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(1000, (due - NowUnix()) * 1000)));
        continue;
      }
      state.results.clear();
      state.finished_at_unix.reset();
      state.message = "Retrying operation. Attempt #" + std::to_string(state.retry_count + 1);
      Progress(state.message);
      CAPSTAN_RETURN_IF_ERROR(Write(app, state, op_json, nullptr, "retry"));
      continue;
    }

    std::optional<Comparison> comparison;
    std::optional<Project> project;
    if (!core::IsCompleted(state.phase)) {
      // The AppProject first: a refused app fails before anything is rendered or written.
      base::Status rendered = CheckProject(app, project);
      if (rendered.ok()) rendered = CheckDestination(app);
      if (rendered.ok()) rendered = Render(app, *op, state);
      if (!rendered.ok()) {
        state.phase = OperationPhase::kError;
        state.message = rendered.message();
      }
    }
    if (!core::IsCompleted(state.phase)) {
      std::vector<core::Gvk> kinds = KindsToWatch(rendered_->objects, app);
      WatchKinds(kinds);
      auto live = ListLive(client_, kinds, rendered_->instance_name, rendered_->destination_namespace, rendered_->objects);
      if (!live.ok()) {
        // The cluster did not answer: keep the operation and try again (until the deadline).
        Progress("listing live objects: " + live.status().ToString());
        Wait();
        continue;
      }
      DiffContext diff_context = LoadDiffContext(client_, opts_.control_plane_namespace, opts_.field_manager);
      comparison = CompareApp(rendered_->objects, *live, state.revision, app, opts_.health_override, &diff_context);

      sync::StepInput in;
      in.targets = rendered_->objects;
      in.live = std::move(*live);
      auto options = sync::SyncOptions::FromList(EffectiveSyncOptions(app, *op));
      if (!options.ok()) {
        state.phase = OperationPhase::kError;
        state.message = options.status().message();
      } else {
        in.sync = *options;
        in.sync.dry_run = op->sync.dry_run;
        in.sync.prune = op->sync.prune;
        in.sync.force = op->sync.force;
        in.sync.field_manager = opts_.field_manager;
        in.sync.prune_confirmed = DeletionApproved(app, state.started_at_unix);
        in.plan.revision = state.revision;
        in.plan.started_at_unix = state.started_at_unix;
        in.plan.destination_namespace = rendered_->destination_namespace;
        in.plan.skip_hooks = op->sync.apply_strategy;
        in.plan.prune_last = in.sync.prune_last;
        in.plan.resources = op->sync.resources;
        if (in.sync.apply_out_of_sync_only) {
          std::set<core::ResourceKey> out_of_sync;
          for (const base::Json& r : comparison->resources) {
            if (base::GetString(r, "status") == "OutOfSync") {
              out_of_sync.insert({base::GetString(r, "group"), base::GetString(r, "kind"),
                                  base::GetString(r, "namespace"), base::GetString(r, "name")});
            }
          }
          in.out_of_sync = std::move(out_of_sync);
        }
        sync::OperationState before = state;
        HookLogRecorder hook_logs(client_, app, {state.started_at_unix, state.revision, state.retry_count});
        in.hook_finished = hook_logs.Callback();  // logs kept before any hook delete policy runs
        in.permission = [&project, &app](const core::ResourceKey& key, bool namespaced) {
          return CheckResource(*project, key, namespaced, base::GetStringAt(app, "spec/destination/server"),
                               base::GetStringAt(app, "spec/destination/name"));
        };
        state = engine_.Step(in, std::move(state));
        Report(before, state, &*comparison);
      }
    }

    if (!core::IsCompleted(state.phase)) {
      CAPSTAN_RETURN_IF_ERROR(Write(app, state, op_json, comparison ? &*comparison : nullptr, "step"));
      Wait();
      continue;
    }

    // The operation ended: retry (§6.4), or finish.
    bool failed = state.phase == OperationPhase::kFailed || state.phase == OperationPhase::kError;
    bool terminated = state.message == "Operation terminated" || state.message == "Operation termination had errors";
    if (failed && !terminated && op.ok() && op->retry.limit != 0 &&
        (op->retry.limit < 0 || state.retry_count < op->retry.limit)) {
      int64_t now = NowUnix();
      state.message += ". Retrying attempt #" + std::to_string(state.retry_count + 1) + " at " +
                       Kitchen(now + op->retry.Backoff(state.retry_count)) + ".";
      state.phase = OperationPhase::kRunning;
      state.finished_at_unix = now;
      state.retry_count++;
      Progress(state.message);
      CAPSTAN_RETURN_IF_ERROR(Write(app, state, op_json, comparison ? &*comparison : nullptr, "retry"));
      continue;
    }
    if (failed && state.retry_count > 0) state.message += " (retried " + std::to_string(state.retry_count) + " times).";
    if (!state.finished_at_unix) state.finished_at_unix = NowUnix();

    // The final status from a fresh look at the cluster.
    if (rendered_) {
      std::vector<core::Gvk> kinds = KindsToWatch(rendered_->objects, app);
      auto live = ListLive(client_, kinds, rendered_->instance_name, rendered_->destination_namespace, rendered_->objects);
      if (live.ok()) {
        DiffContext diff_context = LoadDiffContext(client_, opts_.control_plane_namespace, opts_.field_manager);
        comparison = CompareApp(rendered_->objects, *live, state.revision, app, opts_.health_override, &diff_context);
      }
    }
    if (state.phase == OperationPhase::kSucceeded && op.ok() && !op->sync.dry_run && op->sync.resources.empty()) {
      base::Json& history = app["status"]["history"];
      if (!history.is_array()) history = base::Json::array();
      int64_t id = history.empty() ? 0 : history.back().value("id", int64_t{0}) + 1;
      history.push_back({{"id", id},
                         {"revision", state.revision},
                         {"source", op->sync.source.is_object() ? op->sync.source
                                                                 : app["spec"].value("source", base::Json::object())},
                         {"deployStartedAt", sync::FormatTime(state.started_at_unix)},
                         {"deployedAt", sync::FormatTime(*state.finished_at_unix)},
                         {"initiatedBy", ToJson(*op)["initiatedBy"]}});
      int64_t limit = 10;
      if (auto l = app["spec"].find("revisionHistoryLimit"); l != app["spec"].end() && l->is_number_integer()) {
        limit = std::max<int64_t>(1, l->get<int64_t>());
      }
      if (app["spec"].contains("sources")) {  // Argo CD's multi-source history entry
        history.back()["sources"] = app["spec"]["sources"];
        history.back()["revisions"] = core::MultiSourceRevisions(state.revision);
      }
      while (static_cast<int64_t>(history.size()) > limit) history.erase(history.begin());
    }
    // A failed PostSync leaves a condition (DESIGN §6): the app may be Synced and Healthy, yet what
    // had to run after the sync did not.
    if (auto failure = PostSyncFailure(state)) {
      SetCondition(app["status"], kSyncError, *failure, sync::FormatTime(NowUnix()));
    } else if (state.phase == OperationPhase::kSucceeded) {
      ClearCondition(app["status"], kSyncError);
    }
    app.erase("operation");
    if (opts_.on_step) {
      opts_.on_step({.state = state, .plan = plan_, .resources = comparison ? &comparison->resources : nullptr});
    }
    CAPSTAN_RETURN_IF_ERROR(Write(app, state, op_json, comparison ? &*comparison : nullptr, "final"));
    return app;
  }
}

OperationRunner::OperationRunner(kube::Client& client, RunnerOptions opts) : client_(client), opts_(std::move(opts)) {}

base::Result<base::Json> OperationRunner::Run(const AppRef& ref) {
  Run_ run(*this, ref);
  return run.Go();
}

base::Status RequestOperation(kube::Client& client, const AppRef& ref, const Operation& op) {
  for (int attempt = 0;; ++attempt) {
    CAPSTAN_ASSIGN_OR_RETURN(base::Json app, client.Get(kApplicationGvk, ref.namespace_, ref.name));
    if (OperationInProgress(app)) {
      return base::Status::FailedPrecondition("Application " + ref.ToString() +
                                              ": another operation is already in progress");
    }
    app["operation"] = ToJson(op);
    auto written = client.Update(app, {});
    if (written.ok()) return base::Status::Ok();
    if (written.status().code() != base::StatusCode::kConflict || attempt + 1 >= kWriteAttempts) return written.status();
  }
}

base::Result<std::optional<base::Json>> TakeUnreportedResult(kube::Client& client, const AppRef& ref,
                                                             const Operation& op) {
  static const core::Gvk kLease{"coordination.k8s.io", "v1", "Lease"};
  auto lease = client.Get(kLease, ref.namespace_, "capstan-op-" + ref.name);
  if (!lease.ok()) return lease.status().IsNotFound() ? base::Result<std::optional<base::Json>>(std::nullopt) : lease.status();
  CAPSTAN_ASSIGN_OR_RETURN(base::Json app, client.Get(kApplicationGvk, ref.namespace_, ref.name));
  const base::Json* state = StateJson(app);
  if (!state || OperationInProgress(app) || OperationRequested(app)) return std::optional<base::Json>();
  auto finished = sync::ParseTime(base::GetString(*state, "finishedAt"), "finishedAt");
  auto acquired = sync::ParseTime(base::GetStringAt(*lease, "spec/acquireTime"), "acquireTime");
  if (!finished.ok() || !acquired.ok() || *finished < *acquired) return std::optional<base::Json>();
  // The same request, for the same source.
  base::Json asked = ToJson(op);
  base::Json done = state->value("operation", base::Json::object());
  asked.erase("initiatedBy");
  done.erase("initiatedBy");
  if (asked != done) return std::optional<base::Json>();
  if (base::GetStringAt(app, "status/sync/comparedTo/source/repoURL").empty() ||
      app["status"]["sync"]["comparedTo"].value("source", base::Json()) != app["spec"].value("source", base::Json())) {
    return std::optional<base::Json>();
  }
  kube::DeleteOptions del;
  del.precondition_resource_version = base::GetStringAt(*lease, "metadata/resourceVersion");
  base::Status s = client.Delete(kLease, ref.namespace_, "capstan-op-" + ref.name, del);
  if (!s.ok() && !s.IsNotFound() && !s.IsConflict()) return s;
  return std::optional<base::Json>(std::move(app));
}

base::Status RequestTermination(kube::Client& client, const AppRef& ref) {
  for (int attempt = 0;; ++attempt) {
    CAPSTAN_ASSIGN_OR_RETURN(base::Json app, client.Get(kApplicationGvk, ref.namespace_, ref.name));
    if (!OperationInProgress(app)) {
      return base::Status::FailedPrecondition("Unable to terminate operation. No operation is in progress");
    }
    app["status"]["operationState"]["phase"] = "Terminating";
    auto written = client.Update(app, {});
    if (written.ok()) return base::Status::Ok();
    if (written.status().code() != base::StatusCode::kConflict || attempt + 1 >= kWriteAttempts) return written.status();
  }
}

}  // namespace capstan::app
