// Copyright 2026 The capstan Authors.
//
// ClusterCache: the controller's picture of one cluster's live objects, kept up to date by watches,
// so that a refresh costs no LIST and a change to a managed object wakes the controller (Argo CD's
// gitops-engine pkg/cache, written anew).
//
// Start discovers every kind the server serves with list and watch that the ResourceFilter allows,
// each at its preferred version (kind_discovery.h), and runs one kube::Reflector per kind over all
// namespaces. Each reflector's first list fills the ObjectIndex (object_index.h: managed objects in
// full, the rest lean, indexes by instance, uid and owner); later watch events update it; a relist
// after 410 Gone replaces the kind's objects, so objects that vanished meanwhile go too. The cache also
// watches CustomResourceDefinitions: once a new CRD is Established its kind is watched (a background
// thread resolves it, retrying while discovery lags), and a deleted CRD's kind is dropped with its
// objects.
//
// OnManagedChange: after the index is updated, on the reflector's thread, with no lock held, for each
// added / modified / deleted object that concerns an instance (its tracking annotation, or its owner
// chain: a Pod of a managed Deployment's ReplicaSet) — once per instance. Not called for the first
// lists Start waits for; called for changes a relist reveals and for the first list of a kind added
// later by a CRD.
//
// Thread safety: reads (ManagedBy, Get, ChildrenOf, Watches, Stats) are safe from any thread at any
// time (a shared_mutex). Start and Stop from one thread; OnManagedChange before Start (or any time:
// it swaps the handler atomically). The handler must not call Stop.

#ifndef CAPSTAN_CACHE_CLUSTER_CACHE_H_
#define CAPSTAN_CACHE_CLUSTER_CACHE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "cache/object_index.h"
#include "cache/resource_filter.h"
#include "core/resource_key.h"
#include "kube/client.h"
#include "kube/reflector.h"

namespace capstan::cache {

struct CacheOptions {
  ResourceFilter filter;
  std::string cluster_server = "https://kubernetes.default.svc";
  std::string tracking_annotation = "argocd.argoproj.io/tracking-id";
  std::chrono::seconds initial_sync_timeout{60};
  // Whose managed objects are kept in full (object_index.h); empty = every instance's. A controller
  // replica passes its shard's.
  ObjectIndex::KeepFull keep_full;
};

struct CacheStats {
  int kinds = 0;                // kinds watched now
  int64_t objects = 0;
  int64_t managed_objects = 0;  // objects whose tracking annotation names an instance
  int64_t full_objects = 0;     // of those, the ones kept in full (the shard's)
  int64_t approx_bytes = 0;     // serialized size of what is kept (object_index.h)
  int64_t relists = 0;          // lists after a kind's first (410 Gone, errors)
  int64_t errors = 0;           // failed lists and watches of the reflectors running now
};

class ClusterCache {
 public:
  using ChangeHandler = std::function<void(const std::string& instance, const core::ResourceKey& key)>;

  // |client| must outlive the cache.
  ClusterCache(kube::Client& client, CacheOptions opts);
  ~ClusterCache();  // Stop()s

  ClusterCache(const ClusterCache&) = delete;
  ClusterCache& operator=(const ClusterCache&) = delete;

  // Discovers the kinds to watch, starts a reflector for each (and for CRDs), and waits until each has
  // delivered its first list. kTimeout naming the kinds not listed after opts.initial_sync_timeout
  // (their reflectors keep trying; Stop ends them); discovery errors as the client returns them.
  // REQUIRES: not started.
  base::Status Start();
  // Ends every reflector and the CRD worker. Idempotent; the cached objects stay readable.
  void Stop();

  // The live objects whose tracking annotation names |instance| ("<instance>:" prefix, as
  // app/live_state.h ListLive matches), as the server sent them, sorted by key.
  std::vector<base::Json> ManagedBy(std::string_view instance) const;
  // One object by key (full if managed, else the lean form), nullopt when absent.
  std::optional<base::Json> Get(const core::ResourceKey& key) const;
  // Keys of the objects whose ownerReferences name |uid| (Pods of a ReplicaSet of a Deployment...).
  std::vector<core::ResourceKey> ChildrenOf(std::string_view uid) const;
  // Whether objects of |group|/|kind| are cached (their kind is watched and listed), so that an absent
  // key means the object does not exist.
  bool Watches(std::string_view group, std::string_view kind) const;

  // Applies a change of keep_full's answers (the replica's shard changed): objects of instances no
  // longer kept become lean at once; those of instances now kept are fetched again, one GET each, and
  // stored in full. Errors: the first GET that failed other than kNotFound (the others are still
  // done; an object not promoted is read from the API server by CachedLiveSource meanwhile).
  base::Status Reshard();

  // Sets the handler of changes (see the file comment). Must be cheap: the controller queues a refresh.
  void OnManagedChange(ChangeHandler handler);

  CacheStats Stats() const;

 private:
  using GroupKind = std::pair<std::string, std::string>;
  struct KindWatch {
    kube::ApiResource res;
    bool store = true;    // false for CRDs the filter excludes (watched only to follow new kinds)
    bool listed = false;  // the first list arrived
    bool after_start = false;  // added after Start returned: its first list reports changes
    std::unique_ptr<kube::Reflector> reflector;
  };

  // Creates and starts the reflector of |res|. REQUIRES(kinds_mu_).
  void StartKindLocked(const kube::ApiResource& res, bool store, bool after_start);
  void OnKindEvent(const GroupKind& gk, bool store, const kube::ReflectorEvent& ev);
  // Follows CustomResourceDefinitions: queues kinds to add and remove for the worker.
  void OnCrdEvent(const kube::ReflectorEvent& ev);
  void Notify(const std::vector<IndexChange>& changes);
  // The worker: starts and stops the kinds OnCrdEvent queued.
  void RunWorker(std::stop_token stop);

  kube::Client& client_;
  const CacheOptions opts_;

  mutable std::shared_mutex mu_;
  ObjectIndex index_;  // guarded by mu_

  mutable std::mutex kinds_mu_;
  std::condition_variable_any kinds_cv_;    // a first list arrived; the worker has something to do
  std::map<GroupKind, KindWatch> kinds_;    // guarded by kinds_mu_
  std::set<GroupKind> crd_kinds_;           // guarded by kinds_mu_: kinds of the CRDs seen
  std::map<GroupKind, core::Gvk> to_add_;   // guarded by kinds_mu_
  std::set<GroupKind> to_remove_;           // guarded by kinds_mu_
  int64_t relists_ = 0;                     // guarded by kinds_mu_
  bool started_ = false;                    // guarded by kinds_mu_
  std::jthread worker_;

  std::mutex handler_mu_;
  std::shared_ptr<const ChangeHandler> handler_;  // guarded by handler_mu_
};

}  // namespace capstan::cache

#endif  // CAPSTAN_CACHE_CLUSTER_CACHE_H_
