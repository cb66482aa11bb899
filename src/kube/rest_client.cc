// Copyright 2026 The capstan Authors.
//
// RestClient's verbs: each resolves the kind through Discovery, builds the REST path and query
// (rest_paths.h), sends the request through HttpTransport and turns the answer into a Json or a Status
// that names the object. Watch decodes its stream with WatchDecoder.

#include "kube/rest_client.h"

#include <set>
#include <utility>

#include "base/json.h"
#include "base/log.h"
#include "kube/api_error.h"
#include "kube/discovery.h"
#include "kube/http_transport.h"
#include "kube/rest_paths.h"
#include "kube/watch_stream.h"

namespace capstan::kube {
namespace {

using base::Json;
using base::Result;
using base::Status;

constexpr std::string_view kJson = "application/json";

std::string PatchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge: return "application/merge-patch+json";
    case PatchType::kJson: return "application/json-patch+json";
    case PatchType::kStrategicMerge: return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

bool IsSuccess(long code) { return code >= 200 && code < 300; }

// metadata.namespace, metadata.name and metadata.generateName of |obj|.
struct ObjectId {
  std::string ns;
  std::string name;
  std::string generate_name;
};

ObjectId IdOf(const Json& obj) {
  ObjectId id;
  id.ns = base::GetStringAt(obj, "metadata/namespace");
  id.name = base::GetStringAt(obj, "metadata/name");
  id.generate_name = base::GetStringAt(obj, "metadata/generateName");
  return id;
}

class RestClientImpl : public RestClient {
 public:
  explicit RestClientImpl(std::unique_ptr<HttpTransport> transport)
      : transport_(std::move(transport)),
        discovery_([this](const std::string& gv) { return FetchGroupVersion(gv); }) {}

  TransportStats stats() const override { return transport_->stats(); }

  Result<ApiResource> Resolve(const core::Gvk& gvk) override { return discovery_.Resolve(gvk); }
  void InvalidateDiscovery() override { discovery_.Invalidate(); }

  Result<Json> Get(const core::Gvk& gvk, std::string_view ns, std::string_view name) override {
    CAPSTAN_ASSIGN_OR_RETURN(Target t, Locate(gvk, ns, name));
    HttpRequest req;
    req.path_and_query = ResourcePath(t.res, t.ns, name);
    return SendForObject(req, t.what);
  }

  Result<ListResult> List(const core::Gvk& gvk, std::string_view ns, const ListOptions& opts) override {
    std::string what = "list " + DescribeKind(gvk) + InNamespace(ns);
    auto res = Resolve(gvk);
    if (!res.ok()) return res.status().Annotate(what);
    Query q;
    q.AddIfSet("labelSelector", opts.label_selector)
        .AddIfSet("fieldSelector", opts.field_selector)
        .AddIfSet("continue", opts.continue_token)
        .AddIfSet("resourceVersion", opts.resource_version);
    if (opts.limit > 0) q.Add("limit", std::to_string(opts.limit));
    HttpRequest req;
    req.verb = "list";
    req.path_and_query = ResourcePath(*res, ns) + q.str();
    CAPSTAN_ASSIGN_OR_RETURN(HttpResponse resp, Send(req, what));
    CAPSTAN_ASSIGN_OR_RETURN(Json list, base::ParseJsonFast(resp.body, what));
    ListResult out;
    out.resource_version = base::GetStringAt(list, "metadata/resourceVersion");
    out.continue_token = base::GetStringAt(list, "metadata/continue");
    std::string api_version = base::GetString(list, "apiVersion");
    if (api_version.empty()) api_version = gvk.api_version();
    std::string kind = base::GetString(list, "kind");
    if (kind.size() > 4 && kind.compare(kind.size() - 4, 4, "List") == 0) {
      kind.resize(kind.size() - 4);
    } else {
      kind = gvk.kind;
    }
    if (auto items = list.find("items"); items != list.end() && items->is_array()) {
      out.items.reserve(items->size());
      for (Json& item : *items) {
        if (!item.is_object()) continue;
        item["apiVersion"] = api_version;
        item["kind"] = kind;
        out.items.push_back(std::move(item));
      }
    }
    return out;
  }

  Result<Json> Create(const Json& obj, const WriteOptions& opts) override {
    core::Gvk gvk = core::Gvk::Of(obj);
    ObjectId id = IdOf(obj);
    std::string shown = id.name.empty() && !id.generate_name.empty() ? id.generate_name + "*" : id.name;
    CAPSTAN_ASSIGN_OR_RETURN(Target t, Locate(gvk, id.ns, shown));
    if (!opts.subresource.empty() && id.name.empty()) {
      return Status::InvalidArgument(t.what + ": a subresource create needs metadata.name");
    }
    Query q;
    if (opts.dry_run) q.Add("dryRun", "All");
    q.AddIfSet("fieldManager", opts.field_manager);
    HttpRequest req;
    req.method = "POST";
    req.idempotent = false;
    req.path_and_query =
        (opts.subresource.empty() ? ResourcePath(t.res, t.ns) : ResourcePath(t.res, t.ns, id.name, opts.subresource)) +
        q.str();
    req.content_type = kJson;
    req.body = obj.dump();
    return SendForObject(req, "create " + t.what);
  }

  Result<Json> Apply(const Json& obj, const ApplyOptions& opts) override {
    core::Gvk gvk = core::Gvk::Of(obj);
    ObjectId id = IdOf(obj);
    CAPSTAN_ASSIGN_OR_RETURN(Target t, Locate(gvk, id.ns, id.name));
    if (id.name.empty()) return Status::InvalidArgument("apply " + t.what + ": metadata.name is required");
    Query q;
    if (opts.dry_run) q.Add("dryRun", "All");
    q.Add("fieldManager", opts.field_manager.empty() ? "capstan" : opts.field_manager);
    if (opts.force) q.Add("force", "true");
    HttpRequest req;
    req.method = "PATCH";
    req.idempotent = false;
    req.path_and_query = ResourcePath(t.res, t.ns, id.name, opts.subresource) + q.str();
    req.content_type = "application/apply-patch+yaml";  // JSON is YAML
    req.body = obj.dump();
    return SendForObject(req, "apply " + t.what);
  }

  Result<Json> Update(const Json& obj, const WriteOptions& opts) override {
    core::Gvk gvk = core::Gvk::Of(obj);
    ObjectId id = IdOf(obj);
    CAPSTAN_ASSIGN_OR_RETURN(Target t, Locate(gvk, id.ns, id.name));
    if (id.name.empty()) return Status::InvalidArgument("update " + t.what + ": metadata.name is required");
    Query q;
    if (opts.dry_run) q.Add("dryRun", "All");
    q.AddIfSet("fieldManager", opts.field_manager);
    HttpRequest req;
    req.method = "PUT";
    req.idempotent = false;
    req.path_and_query = ResourcePath(t.res, t.ns, id.name, opts.subresource) + q.str();
    req.content_type = kJson;
    req.body = obj.dump();
    return SendForObject(req, "update " + t.what);
  }

  Result<Json> Patch(const core::Gvk& gvk, std::string_view ns, std::string_view name, PatchType type,
                     const Json& patch, const WriteOptions& opts) override {
    CAPSTAN_ASSIGN_OR_RETURN(Target t, Locate(gvk, ns, name));
    Query q;
    if (opts.dry_run) q.Add("dryRun", "All");
    q.AddIfSet("fieldManager", opts.field_manager);
    HttpRequest req;
    req.method = "PATCH";
    req.idempotent = false;
    req.path_and_query = ResourcePath(t.res, t.ns, name, opts.subresource) + q.str();
    req.content_type = PatchContentType(type);
    req.body = patch.dump();
    return SendForObject(req, "patch " + t.what);
  }

  Status Delete(const core::Gvk& gvk, std::string_view ns, std::string_view name,
                const DeleteOptions& opts) override {
    auto t = Locate(gvk, ns, name);
    if (!t.ok()) return t.status();
    Json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
    if (opts.propagation_policy) body["propagationPolicy"] = *opts.propagation_policy;
    if (opts.grace_period_seconds) body["gracePeriodSeconds"] = *opts.grace_period_seconds;
    if (opts.precondition_uid) body["preconditions"]["uid"] = *opts.precondition_uid;
    if (opts.precondition_resource_version) {
      body["preconditions"]["resourceVersion"] = *opts.precondition_resource_version;
    }
    Query q;
    if (opts.dry_run) {
      body["dryRun"] = Json::array({"All"});
      q.Add("dryRun", "All");
    }
    HttpRequest req;
    req.method = "DELETE";
    req.idempotent = false;
    req.path_and_query = ResourcePath(t->res, t->ns, name) + q.str();
    req.content_type = kJson;
    req.body = body.dump();
    auto resp = Send(req, "delete " + t->what);
    return resp.ok() ? Status::Ok() : resp.status();
  }

  Status Watch(const core::Gvk& gvk, std::string_view ns, const WatchOptions& opts,
               const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) override {
    std::string what = "watch " + DescribeKind(gvk) + InNamespace(ns);
    auto res = Resolve(gvk);
    if (!res.ok()) return res.status().Annotate(what);
    Query q;
    q.Add("watch", "1");
    if (opts.allow_bookmarks) q.Add("allowWatchBookmarks", "true");
    q.AddIfSet("resourceVersion", opts.resource_version)
        .AddIfSet("labelSelector", opts.label_selector)
        .AddIfSet("fieldSelector", opts.field_selector);
    if (opts.timeout_seconds > 0) q.Add("timeoutSeconds", std::to_string(opts.timeout_seconds));
    HttpRequest req;
    req.verb = "watch";
    req.path_and_query = ResourcePath(*res, ns) + q.str();
    // Stalled: nothing for well past the server's own timeout. Otherwise TCP keep-alive finds a dead peer.
    req.timeout_seconds = opts.timeout_seconds > 0 ? opts.timeout_seconds + 60 : 0;

    WatchDecoder decoder(what);
    WatchDecoder::Outcome outcome = WatchDecoder::Outcome::kContinue;
    auto on_data = [&](std::string_view chunk) {
      outcome = decoder.Feed(chunk, on_event);
      return outcome == WatchDecoder::Outcome::kContinue;
    };
    auto resp = transport_->Stream(req, on_data, stop);
    if (outcome == WatchDecoder::Outcome::kError) return decoder.error();
    if (outcome == WatchDecoder::Outcome::kStop) return Status::Ok();
    if (!resp.ok()) return resp.status().Annotate(what);
    if (!IsSuccess(resp->code)) return ErrorFrom(*resp, what);
    return Status::Ok();  // the server ended the stream
  }

  Result<std::string> PodLogs(std::string_view ns, std::string_view pod, const LogOptions& opts) override {
    core::Gvk gvk{"", "v1", "Pod"};
    CAPSTAN_ASSIGN_OR_RETURN(Target t, Locate(gvk, ns, pod));
    Query q;
    q.AddIfSet("container", opts.container);
    if (opts.tail_lines) q.Add("tailLines", std::to_string(*opts.tail_lines));
    if (opts.limit_bytes) q.Add("limitBytes", std::to_string(*opts.limit_bytes));
    if (opts.previous) q.Add("previous", "true");
    HttpRequest req;
    req.accept = "*/*";
    req.path_and_query = ResourcePath(t.res, t.ns, pod, "log") + q.str();
    CAPSTAN_ASSIGN_OR_RETURN(HttpResponse resp, Send(req, "logs of " + t.what));
    return std::move(resp.body);
  }

 private:
  // Where a request goes: the resource, the namespace actually used, and the object's name in messages.
  struct Target {
    ApiResource res;
    std::string ns;
    std::string what;
  };

  Result<Target> Locate(const core::Gvk& gvk, std::string_view ns, std::string_view name) {
    auto res = Resolve(gvk);
    if (!res.ok()) return res.status().Annotate(DescribeObject(gvk, ns, name));
    Target t;
    t.res = std::move(*res);
    if (t.res.namespaced) t.ns = ns.empty() ? transport_->config().default_namespace : std::string(ns);
    t.what = DescribeObject(gvk, t.ns, name);
    return t;
  }

  static std::string InNamespace(std::string_view ns) {
    return ns.empty() ? " in all namespaces" : " in namespace " + std::string(ns);
  }

  // The Status for an HTTP error answer; a 401 also says which credential the server refused.
  Status ErrorFrom(const HttpResponse& resp, std::string_view what) const {
    Status s = StatusFromResponse(static_cast<int>(resp.code), resp.body, what);
    if (resp.code != 401) return s;
    std::string msg = s.message() + " (the API server rejected the " + transport_->CredentialKind();
    if (!transport_->config().context_name.empty()) {
      msg += " of context \"" + transport_->config().context_name + "\"";
    }
    msg += ": it is invalid, expired or revoked)";
    std::shared_ptr<const base::StatusDetail> detail;
    if (const ApiError* e = ApiErrorOf(s)) detail = std::make_shared<ApiError>(*e);
    return Status(s.code(), std::move(msg), std::move(detail));
  }

  // Sends |req|; a transport failure or a non-2xx answer becomes a Status naming |what|.
  Result<HttpResponse> Send(const HttpRequest& req, std::string_view what) {
    auto resp = transport_->Do(req);
    if (!resp.ok()) return resp.status().Annotate(what);
    if (!IsSuccess(resp->code)) return ErrorFrom(*resp, what);
    return resp;
  }

  Result<Json> SendForObject(const HttpRequest& req, std::string_view what) {
    CAPSTAN_ASSIGN_OR_RETURN(HttpResponse resp, Send(req, what));
    auto obj = base::ParseJson(resp.body, what);
    if (!obj.ok()) return Status::Internal(obj.status().message());
    return obj;
  }

  Result<ServerInfo> GetServerInfo() override {
    ServerInfo info;
    CAPSTAN_ASSIGN_OR_RETURN(Json version, GetJson("/version", "server version"));
    info.git_version = base::GetString(version, "gitVersion");
    info.major_minor = base::GetString(version, "major") + "." + base::GetString(version, "minor");
    std::vector<std::string> group_versions;
    CAPSTAN_ASSIGN_OR_RETURN(Json core_versions, GetJson("/api", "discovery of /api"));
    for (const Json& v : core_versions.value("versions", Json::array())) {
      if (v.is_string()) group_versions.push_back(v.get<std::string>());
    }
    CAPSTAN_ASSIGN_OR_RETURN(Json groups, GetJson("/apis", "discovery of /apis"));
    for (const Json& g : groups.value("groups", Json::array())) {
      for (const Json& v : g.value("versions", Json::array())) {
        std::string gv = base::GetString(v, "groupVersion");
        if (!gv.empty()) group_versions.push_back(gv);
      }
    }
    std::set<std::string> out;
    for (const std::string& gv : group_versions) {
      out.insert(gv);
      auto list = FetchGroupVersion(gv);
      if (!list.ok()) continue;  // an aggregated API that is down: its kinds are not listed
      for (const Json& r : list->value("resources", Json::array())) {
        std::string name = base::GetString(r, "name"), kind = base::GetString(r, "kind");
        if (!kind.empty() && name.find('/') == std::string::npos) out.insert(gv + "/" + kind);
      }
    }
    info.api_versions.assign(out.begin(), out.end());
    return info;
  }

  Result<Json> GetJson(const std::string& path, const std::string& what) {
    HttpRequest req;
    req.path_and_query = path;
    auto resp = transport_->Do(req);
    if (!resp.ok()) return resp.status().Annotate(what);
    if (!IsSuccess(resp->code)) return ErrorFrom(*resp, what);
    return base::ParseJson(resp->body, what);
  }

  Result<Json> FetchGroupVersion(const std::string& group_version) {
    core::Gvk gv = core::Gvk::FromApiVersion(group_version, "");
    HttpRequest req;
    req.path_and_query = GroupVersionPath(gv.group, gv.version);
    std::string what = "discovery of " + group_version;
    auto resp = transport_->Do(req);
    if (!resp.ok()) return resp.status().Annotate(what);
    if (!IsSuccess(resp->code)) return ErrorFrom(*resp, what);
    return base::ParseJson(resp->body, what);
  }

  std::unique_ptr<HttpTransport> transport_;
  Discovery discovery_;
};

}  // namespace

Result<std::unique_ptr<RestClient>> RestClient::Create(RestConfig config) {
  CAPSTAN_ASSIGN_OR_RETURN(std::unique_ptr<HttpTransport> transport, HttpTransport::Create(config));
  return std::unique_ptr<RestClient>(new RestClientImpl(std::move(transport)));
}

}  // namespace capstan::kube
