// Copyright 2026 The capstan Authors.
//
// Controller: `capstan controller`, the loop that keeps clusters equal to Git (DESIGN §4, issue 7).
// It watches Applications (a kube::Reflector over every namespace; those outside the control-plane
// namespace only when --application-namespaces allows them, Argo CD's rule) and runs two bounded
// pools of workers over two WorkQueues keyed "<namespace>/<name>":
//
//  - status workers reconcile an app: refresh it (refresh.h — render at targetRevision, compare with
//    the live objects, write sync/health/resources/reconciledAt) when it is due (every
//    timeout.reconciliation, 120 s by default, plus up to 60 s of jitter: the Git poll), when its spec
//    changed since the last comparison, when `argocd.argoproj.io/refresh` is set (then removed), or
//    when RequestRefresh asked (a managed object changed: the cache's callback); then decide
//    automated sync (auto_sync.h) and request the operation, set or clear its SyncError, or come back
//    when a self-heal is due; an app with capstan.dev/depends-on syncs only once the apps it depends
//    on are ready (depends_on.h; it carries DependencyWaiting meanwhile, DependencyError for a
//    cycle), and any change of one of those brings it back;
//  - operation workers run what an app asks for: its operation (OperationRunner, without following
//    one another runner drives — the app comes back to the queue on its next change, or 5 s later,
//    so the operation of a runner that died is taken over once its Lease expires), or, for an app
//    being deleted with no operation, one deletion pass (deletion.h) and again a few seconds later.
//
// Several controllers of one namespace are replicas: each processes only its shard of the apps
// (shard.h; members found through member Leases, shard_membership.h), and a dead one's apps move to the
// others within 16 s. The leader holds the Lease "capstan-controller" (controller_presence.h); with
// the member Leases it tells CLI commands to leave the running to the controller. Everything it knows is re-read from the API server: kill it at any moment and a new one goes
// on from the Applications' status. Crash points (base/crash_point.h) of its own:
// `controller:refreshed` (a refresh's status written, before the auto-sync decision) and
// `controller:auto-sync-requested` (the operation written, before it is queued); its operations and
// deletions reach the runner's (`write:*`, `written:*`, `hook-created`) and the deletion's
// (`deletion:*`). tests/cluster/controller_crash_test.cc kills it at each and restarts it.
//
// Thread safety: Run is called once; RequestRefresh and Stats from any thread.

#ifndef CAPSTAN_APP_CONTROLLER_H_
#define CAPSTAN_APP_CONTROLLER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "app/auto_sync.h"
#include "app/live_state.h"
#include "app/shard.h"
#include "app/work_queue.h"
#include "base/status.h"
#include "health/health.h"
#include "kube/client.h"
#include "source/render/render.h"

namespace capstan::app {

struct ControllerOptions {
  std::string control_plane_namespace = "capstan";
  // Other namespaces whose Applications are processed: globs (`team-*`) or /regular expressions/.
  std::vector<std::string> application_namespaces;
  int status_processors = 4;
  int operation_processors = 10;
  // The Git poll; capstan-cm `timeout.reconciliation` overrides it ("0" turns polling off).
  std::chrono::seconds resync{120};
  std::chrono::seconds jitter{60};
  SelfHealBackoff self_heal;
  source::RenderOptions render;  // cache dir, credentials
  std::string field_manager = "capstan";
  std::string holder;            // "" = capstan/<host>/<pid>
  health::HealthOverride* health_override = nullptr;
  LiveSource* live = nullptr;    // the cluster cache's view; null = list from the API server
  // Seconds between stats lines in the log; 0 = none.
  int stats_every_seconds = 60;
  // Which apps this replica processes (shard.h); null = dynamic sharding over the live replicas with
  // this controller's holder as its identity. When given, it must outlive the controller, and its
  // self() must be |holder|.
  ShardMap* shard = nullptr;
  // Called after the apps this replica processes changed and before those it gained are queued (the
  // cluster cache keeps their objects in full from then on). Any thread; must not call back.
  std::function<void()> on_shard_change;
};

struct ControllerStats {
  int64_t apps = 0;             // Applications this replica processes (its shard)
  int64_t apps_seen = 0;        // Applications of the namespaces it serves, every shard
  int64_t refreshes = 0;        // comparisons written
  int64_t refresh_errors = 0;
  int64_t auto_syncs = 0;       // operations requested by automated sync
  int64_t operations = 0;       // operations run to their end here
  int64_t deletion_passes = 0;
  size_t status_waiting = 0, operation_waiting = 0, operation_running = 0;
};

class Controller {
 public:
  // |client| must outlive the controller.
  Controller(kube::Client& client, ControllerOptions opts);

  // Runs until |stop| is requested. Errors when the API server cannot be reached at start (its member
  // Lease cannot be written).
  base::Status Run(std::stop_token stop);

  // Queues a refresh of the Application |key| ("<namespace>/<name>") after |delay|, whatever its
  // reconciledAt says.
  void RequestRefresh(const std::string& key, std::chrono::milliseconds delay = std::chrono::milliseconds(0));

  // The key of the Application whose instance name (tracking id, spec §1.8) is |instance|:
  // "<app>" lives in the control-plane namespace, "<namespace>_<app>" elsewhere.
  std::string KeyOfInstance(const std::string& instance) const;

  ControllerStats Stats() const;

 private:
  void StatusWorker();
  void OperationWorker();
  void Reconcile(const std::string& key);
  void Operate(const std::string& key);
  void OnApplication(const base::Json& app, bool deleted);
  bool Allowed(const std::string& ns) const;
  std::chrono::seconds NextPoll() const;
  bool TakeForced(const std::string& key);
  // The member list changed from |before|: queues the apps this replica gained, says what moved.
  void OnMembersChanged(const std::vector<std::string>& before);
  // True the first time this process reconciles |key|.
  bool FirstLook(const std::string& key);
  // Every known app's capstan.dev/depends-on, as keys (apps with none left out).
  std::map<std::string, std::vector<std::string>> DependencyGraph() const;

  kube::Client& client_;
  ControllerOptions opts_;
  WorkQueue status_queue_;
  WorkQueue operation_queue_;
  mutable std::mutex mu_;
  std::set<std::string> forced_;     // keys whose next reconcile must refresh
  std::set<std::string> looked_at_;  // keys reconciled since the start
  std::set<std::string> known_;      // Applications seen and allowed
  std::map<std::string, std::vector<std::string>> depends_on_;  // key → the keys it depends on
  std::unique_ptr<ShardMap> own_shard_;  // when opts.shard is null
  ShardMap* shard_;
  std::atomic<int64_t> refreshes_{0}, refresh_errors_{0}, auto_syncs_{0}, operations_{0}, deletion_passes_{0};
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_CONTROLLER_H_
