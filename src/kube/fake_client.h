// Copyright 2026 The capstan Authors.
//
// FakeClient: an in-memory kube::Client for unit tests of the modules above kube (sync engine,
// cache, controller). It behaves like an API server where that matters to callers:
//  - Discovery from a built-in table of common kinds (fake_client_kinds.cc), plus AddKind(); creating
//    a CustomResourceDefinition registers its kinds at once (as a server does once it is
//    Established) and marks it Established; deleting it unregisters them and drops their objects.
//    An unknown kind is kNotFound, as from discovery.
//  - Objects keyed by (group, kind, namespace, name) whatever the version asked for, with
//    metadata.uid, resourceVersion (one global counter), creationTimestamp and generation (1 on
//    create, +1 when anything outside metadata and status changes). A write that changes nothing
//    keeps the resourceVersion and sends no event. For kinds with a status subresource, writes to the
//    main resource keep the live status and writes to "status" change only the status.
//  - Errors with the codes, reasons and messages of the real server, each carrying a kube::ApiError
//    and prefixed like RestClient's ("create ConfigMap ns/x: configmaps \"x\" already exists").
//  - Apply approximates server-side apply: create when absent, else deep-merge the applied object
//    into the live one (maps merge key by key, lists and scalars are replaced). It does NOT track
//    field ownership: a field dropped from the applied manifest is not removed, and no conflicts are
//    reported.
//  - Patch: merge (RFC 7386), JSON patch (RFC 6902), strategic merge approximated as merge.
//  - Delete: an object with metadata.finalizers gets deletionTimestamp and stays until a write empties
//    its finalizers; then (or without finalizers) it is removed. Dependents whose ownerReferences all
//    point at removed objects are removed too (background GC) unless propagation is "Orphan";
//    removing a Namespace removes what is in it. Preconditions (uid, resourceVersion) are checked.
//  - Every write honours dry_run: the result is computed, nothing is stored, no event is sent.
//  - Watch replays the event log after the given resourceVersion ("" or "0": synthetic ADDED events
//    for what exists, then new events), then waits for new events. CompactForTesting() drops the
//    log, so watching from an older version fails with 410 Gone.
// Not modelled: admission, validation of object schemas, managedFields, conversion between versions
// (an object is returned with the apiVersion it was asked by), graceful pod termination.
//
// Test hooks: InjectError() makes chosen requests fail; requests() lists every request made, one
// line each, e.g. "APPLY apps/Deployment ns/web dryRun" (format at requests()).
//
// Thread safety: safe for concurrent use (one mutex; watches wait on a condition variable and call
// their callback without holding it, so callbacks may call the client). The FakeClient must outlive
// every call in flight, watches included.

#ifndef CAPSTAN_KUBE_FAKE_CLIENT_H_
#define CAPSTAN_KUBE_FAKE_CLIENT_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/resource_key.h"
#include "kube/client.h"

namespace capstan::kube {

class FakeClient : public Client {
 public:
  // |default_namespace| is used for namespaced requests that name no namespace.
  explicit FakeClient(std::string default_namespace = "default");
  ~FakeClient() override;
  FakeClient(const FakeClient&) = delete;
  FakeClient& operator=(const FakeClient&) = delete;

  // Client.
  Result<ApiResource> Resolve(const core::Gvk& gvk) override;
  void InvalidateDiscovery() override {}
  Result<Json> Get(const core::Gvk& gvk, std::string_view ns, std::string_view name) override;
  Result<ListResult> List(const core::Gvk& gvk, std::string_view ns, const ListOptions& opts) override;
  Result<Json> Create(const Json& obj, const WriteOptions& opts) override;
  Result<Json> Apply(const Json& obj, const ApplyOptions& opts) override;
  Result<Json> Update(const Json& obj, const WriteOptions& opts) override;
  Result<Json> Patch(const core::Gvk& gvk, std::string_view ns, std::string_view name, PatchType type,
                     const Json& patch, const WriteOptions& opts) override;
  Status Delete(const core::Gvk& gvk, std::string_view ns, std::string_view name,
                const DeleteOptions& opts) override;
  Status Watch(const core::Gvk& gvk, std::string_view ns, const WatchOptions& opts,
               const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) override;
  Result<std::string> PodLogs(std::string_view ns, std::string_view pod, const LogOptions& opts) override;
  // git_version "v1.20.0"; api_versions: every group version and kind served now (AddKind and CRDs
  // included), as RestClient gives them.
  Result<ServerInfo> GetServerInfo() override;

  // Serves |res| from now on (replacing an entry for the same Gvk). |has_status| gives the kind a
  // status subresource.
  void AddKind(const ApiResource& res, bool has_status = false);

  // The next |count| requests (-1: all from now on) whose verb matches |verb| ("GET", "LIST",
  // "CREATE", "APPLY", "UPDATE", "PATCH", "DELETE", "WATCH", "LOGS", or "*") and whose target matches
  // |target| fail with |status| (returned as is), before anything else is checked or changed.
  // |target| is "*", a group and kind ("apps/Deployment", "ConfigMap"), or an object as requests()
  // shows it ("apps/Deployment ns/web", "Namespace prod"). Injections are tried in the order added.
  void InjectError(std::string_view verb, std::string_view target, Status status, int count = 1);

  // Every request so far, in order: "<VERB> <target>[ <detail>...]" where target is
  //   GET/CREATE/APPLY/UPDATE/PATCH/DELETE/LOGS: the object ("apps/Deployment ns/web", "Namespace
  //     prod"; a generateName create shows "Pod ns/hook-*")
  //   LIST/WATCH: the kind and namespace ("ConfigMap ns", "apps/Deployment" for all namespaces)
  // and the details, in this order, when they apply: "subresource=status", the patch type
  // ("merge", "json", "strategic"), "propagation=Foreground", "dryRun".
  std::vector<std::string> requests() const;
  void ClearRequests();

  // Drops the event log: watches from a resourceVersion older than the current one get 410 Gone.
  void CompactForTesting();
  // Ends every watch in progress as if the server closed the streams (they return OK).
  void CloseWatchesForTesting();
  // The text PodLogs returns for |pod| (which need not exist).
  void SetPodLogsForTesting(std::string_view ns, std::string_view pod, std::string text);

  // The current resourceVersion (the last one handed out).
  int64_t resource_version() const;
  // How many Watch calls are waiting for events now.
  int active_watches() const;

 private:
  struct Kind {
    ApiResource res;
    bool has_status = false;
  };
  struct Event {
    int64_t rv;
    WatchEventType type;
    core::ResourceKey key;
    Json object;
  };
  struct Injection {
    std::string verb;
    std::string target;
    Status status;
    int remaining;
  };
  // What a request is about, resolved.
  struct Target {
    Kind kind;
    core::Gvk gvk;  // as asked
    core::ResourceKey key;
    std::string what;  // "ConfigMap ns/x", for messages
  };

  // All REQUIRES(mu_).
  Result<Kind> ResolveLocked(const core::Gvk& gvk) const;
  // Fills |t| (also when the kind is unknown, for logging); the discovery error, if any.
  Status Locate(const core::Gvk& gvk, std::string_view ns, std::string_view name, Target* t) const;
  void Log(std::string line);
  Status Injected(std::string_view verb, const core::Gvk& gvk, std::string_view object);
  Json* Find(const core::ResourceKey& key);
  Result<Json> CommitLocked(const Target& t, const Json* live, Json next, bool dry_run);
  void RemoveLocked(const core::ResourceKey& key, bool orphan_dependents);
  void RecordEvent(WatchEventType type, const core::ResourceKey& key, const Json& obj);
  void RegisterCrdLocked(const Json& crd);
  void UnregisterCrdLocked(const Json& crd);
  std::string NewUid();
  Json WithVersion(const Json& obj, const core::Gvk& gvk) const;
  // List's and Watch's common start (fake_client_read.cc): logs, applies injections, resolves the kind
  // and parses the selectors.
  struct CollectionRead;
  Result<CollectionRead> StartCollectionRead(std::string_view verb, const core::Gvk& gvk, std::string_view ns,
                                             std::string_view label_selector, std::string_view field_selector);

  const std::string default_namespace_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;                     // signalled on each event and on close
  std::map<core::Gvk, Kind> kinds_;                    // GUARDED_BY(mu_)
  std::map<core::ResourceKey, Json> objects_;          // GUARDED_BY(mu_)
  std::deque<Event> events_;                           // GUARDED_BY(mu_); rv ascending
  int64_t rv_ = 0;                                     // GUARDED_BY(mu_)
  int64_t compacted_rv_ = 0;                           // GUARDED_BY(mu_): events <= this are gone
  int64_t close_generation_ = 0;                       // GUARDED_BY(mu_): bumped by CloseWatches
  int active_watches_ = 0;                             // GUARDED_BY(mu_)
  std::vector<std::string> requests_;                  // GUARDED_BY(mu_)
  std::vector<Injection> injections_;                  // GUARDED_BY(mu_)
  std::map<std::pair<std::string, std::string>, std::string> pod_logs_;  // GUARDED_BY(mu_)
  std::mt19937_64 rng_;                                // GUARDED_BY(mu_)
};

// The kinds a FakeClient serves from the start, and whether each has a status subresource.
std::vector<std::pair<ApiResource, bool>> FakeBuiltinKinds();

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_FAKE_CLIENT_H_
