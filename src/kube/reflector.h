// Copyright 2026 The capstan Authors.
//
// Reflector: keeps a consumer up to date with the objects of one kind (in one namespace, or all,
// optionally filtered by label/field selectors), like client-go's Reflector. It lists them (page by
// page) and hands over the whole set as one kReplace event, then watches from the list's
// resourceVersion and forwards each added / modified / deleted object. When the watch ends it
// reconnects from the last resourceVersion seen (bookmarks advance it too); when the server says that
// version is gone (410, after an etcd compaction or an API server restart) it lists again and
// delivers a new kReplace, so the consumer can drop objects that vanished meanwhile; on any other
// error it backs off (exponentially, capped) and tries again. It never gives up until stopped.
//
// Thread safety: Start/Stop/stats may be called from any thread. The handler runs on the reflector's
// thread, one event at a time, in order; it must not call Stop() (it would wait for itself).

#ifndef CAPSTAN_KUBE_REFLECTOR_H_
#define CAPSTAN_KUBE_REFLECTOR_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::kube {

enum class ReflectorEventType {
  kReplace,   // |objects| is the complete current set: forget everything else
  kAdded,
  kModified,
  kDeleted,
};

struct ReflectorEvent {
  ReflectorEventType type;
  std::vector<Json> objects;      // kReplace only
  Json object;                    // the other types
  std::string resource_version;   // the reflector's resourceVersion after this event
};

struct ReflectorOptions {
  core::Gvk gvk;
  std::string ns;                 // "" = all namespaces (or a cluster-scoped kind)
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;        // list page size; 0 = one page
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{10000};
  // Each watch asks the server to end it after a random time in [min, 2*min) seconds, so watches are
  // renewed regularly (client-go does the same with 5 minutes).
  int min_watch_timeout_seconds = 300;
};

struct ReflectorStats {
  int64_t lists = 0;       // complete lists delivered as kReplace
  int64_t watches = 0;     // watch requests started
  int64_t gone = 0;        // 410 answers that forced a relist
  int64_t errors = 0;      // failed lists and watches (then backed off)
  std::string last_error;  // the most recent of those, "" if none
};

class Reflector {
 public:
  using Handler = std::function<void(const ReflectorEvent&)>;

  // |client| must outlive the reflector.
  Reflector(Client& client, ReflectorOptions opts, Handler handler);
  ~Reflector();  // Stop()s

  Reflector(const Reflector&) = delete;
  Reflector& operator=(const Reflector&) = delete;

  // Runs the list-and-watch loop on a thread of its own. REQUIRES: not already started.
  void Start();
  // Ends the loop (an in-flight watch or back-off ends promptly) and waits for the thread. Idempotent.
  void Stop();

  // Runs the loop on the calling thread until |stop| is requested.
  void Run(std::stop_token stop);

  // The last resourceVersion seen ("" before the first list).
  std::string resource_version() const;
  // True once the first kReplace was delivered.
  bool synced() const;
  ReflectorStats stats() const;

 private:
  // Lists every page and delivers kReplace. On error returns it (nothing delivered).
  Status ListAll(std::stop_token stop);
  // Watches from resource_version_ until the stream ends; delivers events as they come.
  Status WatchOnce(std::stop_token stop, int* events);
  // Sleeps |d| or until |stop|. Returns false when stopped.
  bool Sleep(std::chrono::milliseconds d, std::stop_token stop);
  void RecordError(const Status& s);

  Client& client_;
  const ReflectorOptions opts_;
  const Handler handler_;
  std::jthread thread_;

  mutable std::mutex mu_;
  std::string resource_version_;  // guarded by mu_
  bool synced_ = false;           // guarded by mu_
  ReflectorStats stats_;          // guarded by mu_
};

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_REFLECTOR_H_
