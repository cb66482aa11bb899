// Copyright 2026 The capstan Authors.

#include "app/controller.h"

#include <algorithm>
#include <ctime>
#include <random>
#include <thread>

#include "app/conditions.h"
#include "app/controller_metrics.h"
#include "app/controller_presence.h"
#include "app/delete_finalizers.h"
#include "app/deletion.h"
#include "app/depends_on.h"
#include "app/lease_holder.h"
#include "app/operation_lease.h"
#include "app/operation_runner.h"
#include "app/refresh.h"
#include "app/settings.h"
#include "app/shard_membership.h"
#include "base/crash_point.h"
#include "base/log.h"
#include "core/annotations.h"
#include "kube/reflector.h"
#include "sync/operation_state.h"

namespace capstan::app {
namespace {

const std::string kRefreshAnnotation(core::keys::kRefresh);
constexpr auto kRetryLater = std::chrono::seconds(5);
constexpr auto kDeletionPollEvery = std::chrono::seconds(2);
constexpr auto kRenewEvery = std::chrono::seconds(5);
// How often a replica lists the live members: a dead one's apps move within its Lease's duration
// (15 s) plus this.
constexpr auto kMembersEvery = std::chrono::seconds(1);
constexpr auto kMemberLeaseGrace = std::chrono::seconds(60);

int64_t NowUnix() { return static_cast<int64_t>(std::time(nullptr)); }

std::optional<AppRef> RefOfKey(const std::string& key) {
  size_t slash = key.find('/');
  if (slash == std::string::npos) return std::nullopt;
  return AppRef{key.substr(0, slash), key.substr(slash + 1)};
}

std::string KeyOf(const base::Json& app) {
  return base::GetStringAt(app, "metadata/namespace") + "/" + base::GetStringAt(app, "metadata/name");
}

bool RefreshAnnotated(const base::Json& app) {
  return !base::GetString(app.value("metadata", base::Json::object()).value("annotations", base::Json::object()),
                          kRefreshAnnotation)
              .empty();
}

// True when |status| has the condition |c| (same type and message).
bool ConditionsHave(const base::Json& status, const base::Json& c) {
  for (const base::Json& have : status.value("conditions", base::Json::array())) {
    if (base::GetString(have, "type") == base::GetString(c, "type") &&
        base::GetString(have, "message") == base::GetString(c, "message")) {
      return true;
    }
  }
  return false;
}

std::string SyncErrorMessage(const base::Json& app) {
  for (const base::Json& c : app.value("status", base::Json::object()).value("conditions", base::Json::array())) {
    if (base::GetString(c, "type") == kSyncError) return base::GetString(c, "message");
  }
  return "";
}

}  // namespace

Controller::Controller(kube::Client& client, ControllerOptions opts) : client_(client), opts_(std::move(opts)) {
  if (opts_.holder.empty()) opts_.holder = LocalHolderIdentity();
  if (opts_.shard == nullptr) own_shard_ = std::make_unique<ShardMap>(opts_.holder);
  shard_ = opts_.shard != nullptr ? opts_.shard : own_shard_.get();
}

bool Controller::Allowed(const std::string& ns) const {
  if (ns == opts_.control_plane_namespace) return true;
  for (const std::string& pattern : opts_.application_namespaces) {
    if (NamespaceMatches(pattern, ns)) return true;
  }
  return false;
}

std::string Controller::KeyOfInstance(const std::string& instance) const {
  return AppKeyOfInstance(instance, opts_.control_plane_namespace);
}

std::chrono::seconds Controller::NextPoll() const {
  if (opts_.resync.count() <= 0) return std::chrono::hours(24);
  thread_local std::mt19937 rng(std::random_device{}());
  const int64_t jitter = opts_.jitter.count() > 0 ? std::uniform_int_distribution<int64_t>(0, opts_.jitter.count())(rng) : 0;
  return opts_.resync + std::chrono::seconds(jitter);
}

void Controller::RequestRefresh(const std::string& key, std::chrono::milliseconds delay) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!known_.count(key) || !shard_->Owns(key)) return;
    forced_.insert(key);
  }
  status_queue_.Add(key, delay);
}

bool Controller::TakeForced(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  return forced_.erase(key) > 0;
}

std::map<std::string, std::vector<std::string>> Controller::DependencyGraph() const {
  std::lock_guard<std::mutex> lock(mu_);
  return depends_on_;
}

bool Controller::FirstLook(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  return looked_at_.insert(key).second;
}

ControllerStats Controller::Stats() const {
  ControllerStats s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.apps_seen = static_cast<int64_t>(known_.size());
    s.apps = std::count_if(known_.begin(), known_.end(), [this](const std::string& k) { return shard_->Owns(k); });
  }
  s.refreshes = refreshes_;
  s.refresh_errors = refresh_errors_;
  s.auto_syncs = auto_syncs_;
  s.operations = operations_;
  s.deletion_passes = deletion_passes_;
  s.status_waiting = status_queue_.Waiting();
  s.operation_waiting = operation_queue_.Waiting();
  s.operation_running = operation_queue_.Processing();
  return s;
}

void Controller::OnApplication(const base::Json& app, bool deleted) {
  const std::string ns = base::GetStringAt(app, "metadata/namespace");
  if (!Allowed(ns)) return;
  const std::string key = KeyOf(app);
  std::vector<std::string> dependents;  // apps waiting on this one look again
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [other, deps] : depends_on_) {
      if (std::find(deps.begin(), deps.end(), key) != deps.end()) dependents.push_back(other);
    }
    if (deleted) {
      known_.erase(key);
      forced_.erase(key);
      looked_at_.erase(key);
      depends_on_.erase(key);
    } else {
      known_.insert(key);
      std::vector<std::string> deps;
      if (auto refs = DependenciesOf(app); refs.ok()) {
        for (const AppRef& r : *refs) deps.push_back(r.namespace_ + "/" + r.name);
      }
      if (deps.empty()) {
        depends_on_.erase(key);
      } else {
        depends_on_[key] = std::move(deps);
      }
    }
  }
  for (const std::string& other : dependents) {
    if (shard_->Owns(other)) status_queue_.Add(other, std::chrono::milliseconds(200));
  }
  if (deleted || !shard_->Owns(key)) return;  // another replica's (shard.h)
  status_queue_.Add(key);
  if (OperationRequested(app) || OperationInProgress(app) || IsDeleting(app)) operation_queue_.Add(key);
}

void Controller::OnMembersChanged(const std::vector<std::string>& before) {
  const std::vector<std::string> members = shard_->Members();
  std::vector<std::string> gained;
  int64_t owned = 0, lost = 0, seen = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seen = static_cast<int64_t>(known_.size());
    for (const std::string& key : known_) {
      const bool now = shard_->Owns(key);
      // Before the first member list a replica owned every app.
      const bool was = before.size() <= 1 || RendezvousOwner(key, before) == shard_->self();
      owned += now;
      if (now && !was) gained.push_back(key);
      if (was && !now) ++lost;
    }
    for (const std::string& key : gained) {
      forced_.insert(key);     // refreshed at once, whatever its reconciledAt
      looked_at_.erase(key);   // its dead owner's operation Lease is looked at
    }
  }
  CAPSTAN_LOG_INFO("shard: {}: processing {} of {} Applications ({} gained, {} given up)", shard_->Describe(), owned,
                   seen, gained.size(), lost);
  if (opts_.on_shard_change) opts_.on_shard_change();
  for (const std::string& key : gained) {
    status_queue_.Add(key);
    operation_queue_.Add(key);  // an operation or a deletion its previous owner left running
  }
}

void Controller::Reconcile(const std::string& key) {
  if (!shard_->Owns(key)) return;  // given up to another replica since it was queued
  std::optional<AppRef> ref = RefOfKey(key);
  if (!ref) return;
  auto got = client_.Get(kApplicationGvk, ref->namespace_, ref->name);
  if (!got.ok()) {
    if (got.status().IsNotFound()) {
      std::lock_guard<std::mutex> lock(mu_);
      known_.erase(key);
      return;
    }
    CAPSTAN_LOG_WARN("Application {}: {}", key, got.status().ToString());
    status_queue_.Add(key, kRetryLater);
    return;
  }
  base::Json app = std::move(*got);
  if (IsDeleting(app) || OperationRequested(app) || OperationInProgress(app)) {
    // The operation runner and the deletion write the status meanwhile.
    operation_queue_.Add(key);
    status_queue_.Add(key, NextPoll());
    return;
  }

  const bool forced = TakeForced(key);
  const bool annotated = RefreshAnnotated(app);
  bool due = true;
  if (auto at = sync::ParseTime(base::GetStringAt(app, "status/reconciledAt"), "reconciledAt"); at.ok()) {
    due = opts_.resync.count() > 0 && NowUnix() - *at >= opts_.resync.count();
  }
  if (due || FirstLook(key)) {
    // No operation runs: a Lease left by a runner that died after its operation's last write goes.
    OperationLease lease(client_, ref->namespace_, ref->name, opts_.holder);
    if (base::Status s = lease.ReleaseAbandoned(); !s.ok()) {
      CAPSTAN_LOG_WARN("Application {}: releasing an abandoned operation Lease: {}", key, s.ToString());
    }
  }
  if (forced || annotated || due || !ComparedWithSpec(app)) {
    RefreshOptions ro{.render = opts_.render, .health_override = opts_.health_override, .live = opts_.live};
    ro.render.control_plane_namespace = opts_.control_plane_namespace;
    auto refreshed = Refresh(client_, *ref, ro);
    if (refreshed.ok()) {
      base::CrashPoint("controller:refreshed");
      ++refreshes_;
      app = std::move(*refreshed);
      CAPSTAN_LOG_INFO("Application {}: refreshed ({}, {})", key, base::GetStringAt(app, "status/sync/status"),
                       base::GetStringAt(app, "status/health/status"));
    } else {
      ++refresh_errors_;
      CAPSTAN_LOG_WARN("Application {}: refresh: {}", key, refreshed.status().ToString());
      auto again = client_.Get(kApplicationGvk, ref->namespace_, ref->name);
      if (!again.ok()) {
        status_queue_.Add(key, kRetryLater);
        return;
      }
      app = std::move(*again);
    }
    if (annotated) {
      base::Json patch = {{"metadata", {{"annotations", {{kRefreshAnnotation, nullptr}}}}}};
      auto done = client_.Patch(kApplicationGvk, ref->namespace_, ref->name, kube::PatchType::kMerge, patch, {});
      if (!done.ok()) CAPSTAN_LOG_WARN("Application {}: removing {}: {}", key, kRefreshAnnotation, done.status().ToString());
    }
  }

  std::chrono::seconds next = NextPoll();
  AutoSyncDecision d = DecideAutoSync(app, NowUnix(), opts_.self_heal,
                                      [&] { return LoadAppSyncWindows(client_, app, opts_.control_plane_namespace); });
  const base::Json status = app.value("status", base::Json::object());
  base::Json updated = status;  // with the conditions this decision sets or clears
  const std::string sync_error = SyncErrorMessage(app);
  switch (d.kind) {
    case AutoSyncDecision::Kind::kSync:
    case AutoSyncDecision::Kind::kNone:
      if (IsAutoSyncMessage(sync_error)) ClearCondition(updated, kSyncError);
      break;
    case AutoSyncDecision::Kind::kCondition:
      if (sync_error != d.message) {
        SetCondition(updated, kSyncError, d.message, sync::FormatTime(NowUnix()));
        CAPSTAN_LOG_WARN("Application {}: {}", key, d.message);
      }
      break;
    case AutoSyncDecision::Kind::kWait:
      next = std::min(next, std::chrono::seconds(d.wait_seconds));
      RequestRefresh(key, std::chrono::seconds(d.wait_seconds));
      break;
  }
  // dependsOn (depends_on.h): an automated sync waits until the apps it depends on are ready. Each
  // dependency condition is set or cleared once, so an unchanged one keeps its lastTransitionTime.
  const char* dependency_condition = nullptr;  // the one this decision sets, if any
  if (d.kind == AutoSyncDecision::Kind::kSync) {
    DependencyVerdict deps = CheckDependencies(
        app,
        [this](const AppRef& r) -> std::optional<base::Json> {
          auto got = client_.Get(kApplicationGvk, r.namespace_, r.name);
          return got.ok() ? std::optional<base::Json>(std::move(*got)) : std::nullopt;
        },
        DependencyGraph());
    if (!deps.ready()) {
      dependency_condition = deps.error.empty() ? kDependencyWaiting : kDependencyError;
      SetCondition(updated, dependency_condition, deps.Message(), sync::FormatTime(NowUnix()));
      for (const AppRef& r : deps.to_refresh) RequestRefresh(r.namespace_ + "/" + r.name);
      d.kind = AutoSyncDecision::Kind::kNone;  // a change of a dependency brings the app back
    }
  }
  for (const char* type : {kDependencyWaiting, kDependencyError}) {
    if (type != dependency_condition) ClearCondition(updated, type);
  }
  if (updated.value("conditions", base::Json()) != status.value("conditions", base::Json())) {
    for (const base::Json& c : updated.value("conditions", base::Json::array())) {
      const std::string type = base::GetString(c, "type");
      if ((type == kDependencyWaiting || type == kDependencyError) && !ConditionsHave(status, c)) {
        CAPSTAN_LOG_INFO("Application {}: {}", key, base::GetString(c, "message"));
      }
    }
    base::Json patch = {{"status", {{"conditions", updated.value("conditions", base::Json())}}}};
    auto written = client_.Patch(kApplicationGvk, ref->namespace_, ref->name, kube::PatchType::kMerge, patch, {});
    if (!written.ok()) CAPSTAN_LOG_WARN("Application {}: writing conditions: {}", key, written.status().ToString());
  }
  if (d.kind == AutoSyncDecision::Kind::kSync) {
    base::Status requested = RequestOperation(client_, *ref, *d.operation);
    if (requested.ok()) {
      base::CrashPoint("controller:auto-sync-requested");
      ++auto_syncs_;
      CAPSTAN_LOG_INFO("Application {}: auto-sync to {} requested ({}{})", key, d.operation->sync.revision,
                       d.operation->sync.self_heal_attempts > 0 ? "self-heal attempt " : "full sync",
                       d.operation->sync.self_heal_attempts > 0 ? std::to_string(d.operation->sync.self_heal_attempts)
                                                                : "");
      operation_queue_.Add(key);
    } else {
      CAPSTAN_LOG_WARN("Application {}: requesting auto-sync: {}", key, requested.ToString());
      next = std::min<std::chrono::seconds>(next, kRetryLater);
    }
  }
  status_queue_.Add(key, next);
}

void Controller::Operate(const std::string& key) {
  if (!shard_->Owns(key)) return;
  std::optional<AppRef> ref = RefOfKey(key);
  if (!ref) return;
  auto got = client_.Get(kApplicationGvk, ref->namespace_, ref->name);
  if (!got.ok()) {
    if (!got.status().IsNotFound()) operation_queue_.Add(key, kRetryLater);
    return;
  }
  if (OperationRequested(*got) || OperationInProgress(*got)) {
    RunnerOptions ro;
    ro.holder = opts_.holder;
    ro.control_plane_namespace = opts_.control_plane_namespace;
    ro.render = opts_.render;
    ro.field_manager = opts_.field_manager;
    ro.health_override = opts_.health_override;
    ro.follow_others = false;
    ro.report_results = false;
    ro.progress = [key](std::string_view line) { CAPSTAN_LOG_INFO("Application {}: {}", key, line); };
    OperationRunner runner(client_, std::move(ro));
    auto ran = runner.Run(*ref);
    if (!ran.ok()) {
      CAPSTAN_LOG_WARN("Application {}: operation: {}", key, ran.status().ToString());
      if (!ran.status().IsNotFound()) operation_queue_.Add(key, kRetryLater);
      return;
    }
    if (!OperationRequested(*ran) && !OperationInProgress(*ran)) {
      ++operations_;
      CountFinishedOperation(*ran);  // capstan_app_sync_total
      CAPSTAN_LOG_INFO("Application {}: operation {}: {}", key, base::GetStringAt(*ran, "status/operationState/phase"),
                       base::GetStringAt(*ran, "status/operationState/message"));
      status_queue_.Add(key);  // decide auto-sync (a failed attempt's SyncError) now
    }
    // Else another runner holds the Lease. Its writes bring the app back to this queue; if it died,
    // its Lease expires (15 s) and a later look takes the operation over.
    operation_queue_.Add(key, kRetryLater);
    return;
  }
  if (IsDeleting(*got)) {
    DeletionOptions dopts;
    dopts.render = opts_.render;
    dopts.render.control_plane_namespace = opts_.control_plane_namespace;
    dopts.control_plane_namespace = opts_.control_plane_namespace;
    dopts.holder = opts_.holder;
    dopts.field_manager = opts_.field_manager;
    dopts.health_override = opts_.health_override;
    dopts.progress = [key](std::string_view line) { CAPSTAN_LOG_INFO("Application {}: deletion: {}", key, line); };
    DeletionRunner deletion(client_, std::move(dopts));
    auto pass = deletion.RunPass(*ref);
    ++deletion_passes_;
    if (!pass.ok()) {
      CAPSTAN_LOG_WARN("Application {}: deletion: {}", key, pass.status().ToString());
      operation_queue_.Add(key, kRetryLater);
      return;
    }
    if (pass->gone) {
      CAPSTAN_LOG_INFO("Application {}: deleted", key);
      std::lock_guard<std::mutex> lock(mu_);
      known_.erase(key);
      return;
    }
    operation_queue_.Add(key, pass->progressed ? std::chrono::seconds(0) : std::chrono::seconds(kDeletionPollEvery));
  }
}

void Controller::StatusWorker() {
  while (auto key = status_queue_.Get()) {
    {
      ReconcileTimer timer;  // capstan_app_reconcile_seconds
      Reconcile(*key);
    }
    status_queue_.Done(*key);
  }
}

void Controller::OperationWorker() {
  while (auto key = operation_queue_.Get()) {
    Operate(*key);
    operation_queue_.Done(*key);
  }
}

base::Status Controller::Run(std::stop_token stop) {
  // Every replica is a member (shard_membership.h) and processes its shard at once; one of them, the
  // holder of the presence Lease, is the leader (controller_presence.h).
  ShardMembership membership(client_, opts_.control_plane_namespace, opts_.holder, opts_.application_namespaces);
  if (base::Status joined = membership.Join(); !joined.ok()) return joined.Annotate("joining the controller replicas");
  auto update_members = [&]() {
    auto live = membership.LiveMembers();
    if (!live.ok()) {
      CAPSTAN_LOG_WARN("{}", live.status().ToString());
      return;
    }
    const std::vector<std::string> before = shard_->Members();
    if (shard_->SetMembers(*live)) OnMembersChanged(before);
  };
  update_members();
  ControllerPresence presence(client_, opts_.control_plane_namespace, opts_.holder, opts_.application_namespaces);
  bool leader = false;
  auto collect = [&]() {
    if (base::Status collected = membership.CollectExpired(kMemberLeaseGrace); !collected.ok()) {
      CAPSTAN_LOG_WARN("deleting expired member Leases: {}", collected.ToString());
    }
  };
  auto try_lead = [&]() {
    base::Status acquired = presence.Acquire();
    if (acquired.ok()) {
      leader = true;
      CAPSTAN_LOG_INFO("leader: this replica holds the controller Lease");
      collect();
    } else if (acquired.code() != base::StatusCode::kFailedPrecondition) {
      CAPSTAN_LOG_WARN("taking the controller Lease: {}", acquired.ToString());
    }
  };
  try_lead();
  if (auto settings = LoadSettings(client_, opts_.control_plane_namespace); settings.ok()) {
    if (auto value = settings->Get("timeout.reconciliation")) {
      auto seconds = ParseDurationSeconds(base::Json(*value), "capstan-cm timeout.reconciliation");
      if (seconds.ok()) {
        opts_.resync = std::chrono::seconds(*seconds);
      } else {
        CAPSTAN_LOG_WARN("{}; keeping {}s", seconds.status().message(), opts_.resync.count());
      }
    }
  } else {
    CAPSTAN_LOG_WARN("reading capstan-cm: {}", settings.status().ToString());
  }
  CAPSTAN_LOG_INFO("controller {} started: control-plane namespace {}, Git poll every {}s (+ up to {}s), {} status "
                   "and {} operation workers, {}{}",
                   opts_.holder, opts_.control_plane_namespace, opts_.resync.count(), opts_.jitter.count(),
                   opts_.status_processors, opts_.operation_processors, shard_->Describe(),
                   leader ? ", leader" : "");

  kube::Reflector apps(client_, {.gvk = kApplicationGvk}, [this](const kube::ReflectorEvent& e) {
    switch (e.type) {
      case kube::ReflectorEventType::kReplace: {
        std::set<std::string> listed;
        for (const base::Json& app : e.objects) {
          listed.insert(KeyOf(app));
          OnApplication(app, false);
        }
        std::lock_guard<std::mutex> lock(mu_);
        for (auto it = known_.begin(); it != known_.end();) it = listed.count(*it) ? std::next(it) : known_.erase(it);
        break;
      }
      case kube::ReflectorEventType::kAdded:
      case kube::ReflectorEventType::kModified:
        OnApplication(e.object, false);
        break;
      case kube::ReflectorEventType::kDeleted:
        OnApplication(e.object, true);
        break;
    }
  });
  apps.Start();

  std::vector<std::thread> status_workers, operation_workers;
  for (int i = 0; i < std::max(1, opts_.status_processors); ++i) status_workers.emplace_back([this] { StatusWorker(); });
  for (int i = 0; i < std::max(1, opts_.operation_processors); ++i) {
    operation_workers.emplace_back([this] { OperationWorker(); });
  }

  auto last_renew = std::chrono::steady_clock::now();
  auto last_stats = last_renew, last_members = last_renew;
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto now = std::chrono::steady_clock::now();
    if (now - last_members >= kMembersEvery) {
      update_members();
      last_members = now;
    }
    if (now - last_renew >= kRenewEvery) {
      if (base::Status renewed = membership.Renew(); !renewed.ok()) {
        CAPSTAN_LOG_WARN("renewing the member Lease: {}", renewed.ToString());
      }
      if (leader) {
        base::Status renewed = presence.Renew();
        if (!renewed.ok()) {
          CAPSTAN_LOG_WARN("renewing the controller Lease: {}", renewed.ToString());
          if (renewed.code() == base::StatusCode::kFailedPrecondition) leader = false;
        }
      }
      if (leader) {
        collect();
      } else {
        try_lead();
      }
      last_renew = now;
    }
    if (opts_.stats_every_seconds > 0 && now - last_stats >= std::chrono::seconds(opts_.stats_every_seconds)) {
      ControllerStats s = Stats();
      CAPSTAN_LOG_INFO("stats: {} apps, {} refreshes ({} failed), {} auto-syncs, {} operations, {} deletion passes; "
                       "queued: {} status, {} operation; {} operations running",
                       s.apps, s.refreshes, s.refresh_errors, s.auto_syncs, s.operations, s.deletion_passes,
                       s.status_waiting, s.operation_waiting, s.operation_running);
      last_stats = now;
    }
  }

  CAPSTAN_LOG_INFO("controller stopping");
  apps.Stop();
  status_queue_.ShutDown();
  operation_queue_.ShutDown();
  for (std::thread& t : status_workers) t.join();
  // An operation worker may be in the middle of a long operation: it is left to the process's end;
  // the next controller resumes the operation from the Application's status.
  for (std::thread& t : operation_workers) t.detach();
  (void)membership.Leave();
  if (leader) (void)presence.Release();
  return base::Status::Ok();
}

}  // namespace capstan::app
