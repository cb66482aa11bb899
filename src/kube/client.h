// Copyright 2026 The capstan Authors.
//
// kube::Client is the one way capstan talks to a Kubernetes API server. Objects travel as JSON
// (base::Json). Callers name a type by its Gvk; the client resolves the REST resource (plural,
// namespaced or not) through discovery. Two implementations: RestClient (libcurl, the real thing) and
// FakeClient (in memory, for unit tests).
//
// Every write takes |dry_run|: the request is sent with dryRun=All and nothing is persisted.
//
// Errors: API failures come back as a Status whose code follows the HTTP status (404 kNotFound,
// 409 AlreadyExists kAlreadyExists, 409 Conflict kConflict, 401 kUnauthenticated, 403
// kPermissionDenied, 422/400 kInvalidArgument, 410 kFailedPrecondition, 429/5xx/connection kUnavailable,
// deadline kTimeout) and which carries a kube::ApiError (api_error.h) with the server's message,
// reason and field causes. The message names the object ("apps/Deployment ns/web: ...").
//
// Thread safety: implementations are safe for concurrent use by many threads; each call is
// independent. Many calls may be in flight at once (bounded by the client's connection pool).

#ifndef CAPSTAN_KUBE_CLIENT_H_
#define CAPSTAN_KUBE_CLIENT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "core/gvk.h"

namespace capstan::kube {

using base::Json;
using base::Result;
using base::Status;

// What discovery knows of one kind.
struct ApiResource {
  core::Gvk gvk;
  std::string resource;  // plural, "deployments"
  bool namespaced = true;
  std::vector<std::string> verbs;
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;              // 0: no limit (one page)
  std::string continue_token;     // from the previous page
  std::string resource_version;   // "" = most recent (quorum read)
};

struct ListResult {
  std::vector<Json> items;        // each with apiVersion and kind filled in
  std::string resource_version;   // of the list, to start a watch from
  std::string continue_token;     // "" when this was the last page
};

struct WriteOptions {
  bool dry_run = false;           // dryRun=All
  std::string field_manager = "capstan";
  std::string subresource;        // "" or e.g. "status"
};

struct ApplyOptions {
  bool dry_run = false;
  std::string field_manager = "capstan";
  bool force = true;              // take ownership of conflicting fields (DESIGN §8.1)
  std::string subresource;
};

enum class PatchType {
  kMerge,           // application/merge-patch+json (RFC 7386)
  kJson,            // application/json-patch+json (RFC 6902)
  kStrategicMerge,  // application/strategic-merge-patch+json
};

struct DeleteOptions {
  bool dry_run = false;
  std::optional<std::string> propagation_policy;  // "Foreground" | "Background" | "Orphan"
  std::optional<int64_t> grace_period_seconds;
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
};

struct WatchOptions {
  std::string resource_version;   // start after this version; "" = from now (after a synthetic list)
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  int timeout_seconds = 0;        // server-side timeoutSeconds; 0 = server default
};

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark };

struct WatchEvent {
  WatchEventType type;
  Json object;  // for kBookmark only metadata.resourceVersion is meaningful
};

struct LogOptions {
  std::string container;
  std::optional<int64_t> tail_lines;
  std::optional<int64_t> limit_bytes;
  bool previous = false;
};

// What the server is and serves: for `helm template --kube-version/--api-versions`.
struct ServerInfo {
  std::string git_version;                // "v1.20.5" (GET /version gitVersion)
  std::string major_minor;                // "1.20": major "." minor, what Argo CD's kubectl
                                          // GetServerVersion gives helm (EKS: "1.27+")
  std::vector<std::string> api_versions;  // "v1", "v1/ConfigMap", "apps/v1", "apps/v1/Deployment", ...
                                          // sorted: every group version and each kind in it
};

class Client {
 public:
  virtual ~Client() = default;

  // Discovery: the REST resource for |gvk|. kNotFound when the server does not serve the kind.
  virtual Result<ApiResource> Resolve(const core::Gvk& gvk) = 0;
  // Forgets cached discovery so the next Resolve asks the server again (after a CRD is Established).
  virtual void InvalidateDiscovery() = 0;

  // GET one object (|ns| ignored for cluster-scoped kinds). kNotFound when absent.
  virtual Result<Json> Get(const core::Gvk& gvk, std::string_view ns, std::string_view name) = 0;

  // LIST one page of objects of |gvk| in |ns| ("" = all namespaces).
  virtual Result<ListResult> List(const core::Gvk& gvk, std::string_view ns, const ListOptions& opts) = 0;

  // POST |obj|. When metadata.name is empty and metadata.generateName is set, the server names it.
  // Returns the object as stored (or as it would be, for a dry run).
  virtual Result<Json> Create(const Json& obj, const WriteOptions& opts) = 0;

  // Server-side apply (PATCH application/apply-patch+yaml) of |obj|. Returns the object after apply.
  virtual Result<Json> Apply(const Json& obj, const ApplyOptions& opts) = 0;

  // PUT |obj| (must carry metadata.resourceVersion for optimistic concurrency, or not for a blind
  // replace). kConflict when the resourceVersion is stale.
  virtual Result<Json> Update(const Json& obj, const WriteOptions& opts) = 0;

  // PATCH the named object with |patch| of |type|.
  virtual Result<Json> Patch(const core::Gvk& gvk, std::string_view ns, std::string_view name,
                             PatchType type, const Json& patch, const WriteOptions& opts) = 0;

  // DELETE the named object. OK when the server accepted the deletion (the object may linger while
  // finalizers or graceful deletion run); kNotFound when it was already gone.
  virtual Status Delete(const core::Gvk& gvk, std::string_view ns, std::string_view name,
                        const DeleteOptions& opts) = 0;

  // WATCH objects of |gvk| in |ns| ("" = all). Calls |on_event| for each event, in order, until the
  // server closes the stream (returns OK), |on_event| returns false (OK), |stop| is requested
  // (kCancelled) or an error occurs. An ERROR event or an HTTP 410 becomes kFailedPrecondition with an
  // ApiError of code 410 (IsGone() in api_error.h): the caller must relist. Reconnecting is the
  // caller's job (see Reflector).
  virtual Status Watch(const core::Gvk& gvk, std::string_view ns, const WatchOptions& opts,
                       const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) = 0;

  // GET pods/NAME/log: the container's log text.
  virtual Result<std::string> PodLogs(std::string_view ns, std::string_view pod, const LogOptions& opts) = 0;

  // The server's version and API versions (discovery of every group version; not cached).
  // Default: kFailedPrecondition (a client that cannot tell).
  virtual Result<ServerInfo> GetServerInfo() {
    return Status::FailedPrecondition("this client cannot tell the server's version");
  }
};

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_CLIENT_H_
