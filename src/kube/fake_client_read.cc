// Copyright 2026 The capstan Authors.
//
// FakeClient's reads: Get, List, Watch, PodLogs, GetServerInfo.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <set>

#include "kube/fake_client.h"
#include "kube/fake_client_internal.h"
#include "kube/label_selector.h"

namespace capstan::kube {

using namespace fake_internal;
using core::Gvk;
using core::ResourceKey;

// What StartCollectionRead hands List and Watch.
struct FakeClient::CollectionRead {
  std::string what;  // "list apps/Deployment in namespace x", for messages
  std::string ns;    // the namespace to read; empty for all namespaces or a cluster-scoped kind
  LabelSelector labels;
  FieldSelector fields;
};

// REQUIRES(mu_). |verb| is "LIST" or "WATCH": the request log line is "<verb> <group/kind>[ <ns>]".
// Errors as the API server gives them: an injected one, a discovery miss, 400 for a bad selector.
Result<FakeClient::CollectionRead> FakeClient::StartCollectionRead(std::string_view verb, const Gvk& gvk,
                                                                  std::string_view ns,
                                                                  std::string_view label_selector,
                                                                  std::string_view field_selector) {
  std::string object = GroupKind(gvk);
  AddDetail(&object, !ns.empty(), ns);
  Log(std::string(verb) + " " + object);
  CAPSTAN_RETURN_IF_ERROR(Injected(verb, gvk, object));
  CollectionRead read;
  for (char c : verb) read.what += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  read.what += " " + GroupKind(gvk) + (ns.empty() ? " in all namespaces" : " in namespace " + std::string(ns));
  auto kind = ResolveLocked(gvk);
  if (!kind.ok()) return kind.status().Annotate(read.what);
  read.ns = kind->res.namespaced ? std::string(ns) : "";
  auto labels = LabelSelector::Parse(label_selector);
  if (!labels.ok()) return ApiErr(400, "BadRequest", labels.status().message(), read.what);
  read.labels = *std::move(labels);
  auto fields = FieldSelector::Parse(field_selector);
  if (!fields.ok()) return ApiErr(400, "BadRequest", fields.status().message(), read.what);
  read.fields = *std::move(fields);
  return read;
}

Result<Json> FakeClient::Get(const Gvk& gvk, std::string_view ns, std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  Target t;
  Status located = Locate(gvk, ns, name, &t);
  Log("GET " + t.key.Display());
  CAPSTAN_RETURN_IF_ERROR(Injected("GET", gvk, t.key.Display()));
  if (!located.ok()) return located;
  const Json* obj = Find(t.key);
  if (obj == nullptr) return NotFoundErr(t.kind.res, name, t.what);
  return WithVersion(*obj, gvk);
}

Result<ListResult> FakeClient::List(const Gvk& gvk, std::string_view ns, const ListOptions& opts) {
  std::lock_guard<std::mutex> lock(mu_);
  CAPSTAN_ASSIGN_OR_RETURN(const CollectionRead read,
                           StartCollectionRead("LIST", gvk, ns, opts.label_selector, opts.field_selector));
  const std::string& what = read.what;
  const std::string& list_ns = read.ns;
  ListResult out;
  out.resource_version = std::to_string(rv_);
  ResourceKey start{gvk.group, gvk.kind, list_ns, ""};
  if (!opts.continue_token.empty()) {
    size_t slash = opts.continue_token.find('/');
    if (slash == std::string::npos) return ApiErr(400, "BadRequest", "invalid continue token", what);
    // Resume after the last key of the previous page (the empty-name key sorts first, so append).
    start.namespace_ = opts.continue_token.substr(0, slash);
    start.name = opts.continue_token.substr(slash + 1) + '\0';
  }
  for (auto it = objects_.lower_bound(start); it != objects_.end(); ++it) {
    const ResourceKey& k = it->first;
    if (k.group != gvk.group || k.kind != gvk.kind) break;
    if (!list_ns.empty() && k.namespace_ != list_ns) break;
    if (!read.labels.MatchesObject(it->second) || !read.fields.Matches(it->second)) continue;
    if (opts.limit > 0 && static_cast<int64_t>(out.items.size()) == opts.limit) {
      const ResourceKey& last = ResourceKey::Of(out.items.back());
      out.continue_token = last.namespace_ + "/" + last.name;
      break;
    }
    out.items.push_back(WithVersion(it->second, gvk));
  }
  return out;
}

Status FakeClient::Watch(const Gvk& gvk, std::string_view ns, const WatchOptions& opts,
                         const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) {
  std::unique_lock<std::mutex> lock(mu_);
  CAPSTAN_ASSIGN_OR_RETURN(const CollectionRead read,
                           StartCollectionRead("WATCH", gvk, ns, opts.label_selector, opts.field_selector));
  const std::string& what = read.what;
  auto matches = [&](const ResourceKey& k, const Json& obj) {
    return k.group == gvk.group && k.kind == gvk.kind && (read.ns.empty() || k.namespace_ == read.ns) &&
           read.labels.MatchesObject(obj) && read.fields.Matches(obj);
  };

  std::vector<WatchEvent> pending;
  int64_t pos;
  if (opts.resource_version.empty() || opts.resource_version == "0") {
    for (const auto& [k, obj] : objects_) {
      if (matches(k, obj)) pending.push_back({WatchEventType::kAdded, WithVersion(obj, gvk)});
    }
    pos = rv_;
  } else {
    char* end = nullptr;
    pos = std::strtoll(opts.resource_version.c_str(), &end, 10);
    if (*end != '\0' || pos < 0) {
      return ApiErr(400, "BadRequest", "invalid resourceVersion \"" + opts.resource_version + "\"", what);
    }
  }

  ++active_watches_;
  struct Leave {
    int* n;
    ~Leave() { --*n; }
  } leave{&active_watches_};
  const int64_t close_gen = close_generation_;
  const bool has_deadline = opts.timeout_seconds > 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opts.timeout_seconds);
  while (true) {
    if (!pending.empty()) {
      std::vector<WatchEvent> batch;
      batch.swap(pending);
      lock.unlock();
      for (const WatchEvent& ev : batch) {
        if (stop.stop_requested()) {
          lock.lock();
          return Status::Cancelled(what + ": cancelled");
        }
        if (!on_event(ev)) {
          lock.lock();
          return Status::Ok();
        }
      }
      lock.lock();
    }
    if (pos < compacted_rv_) {
      return ApiErr(410, "Expired",
                    "too old resource version: " + std::to_string(pos) + " (" + std::to_string(compacted_rv_) + ")",
                    what);
    }
    // Events after |pos|: every version handed out has exactly one event, in order.
    auto first = std::upper_bound(events_.begin(), events_.end(), pos,
                                  [](int64_t p, const Event& e) { return p < e.rv; });
    for (auto it = first; it != events_.end(); ++it) {
      if (matches(it->key, it->object)) pending.push_back({it->type, WithVersion(it->object, gvk)});
    }
    pos = std::max(pos, rv_);
    if (!pending.empty()) continue;

    auto ready = [&] { return rv_ > pos || close_generation_ != close_gen; };
    if (has_deadline) {
      cv_.wait_until(lock, stop, deadline, ready);
    } else {
      cv_.wait(lock, stop, ready);
    }
    if (stop.stop_requested()) return Status::Cancelled(what + ": cancelled");
    if (close_generation_ != close_gen) return Status::Ok();
    if (has_deadline && std::chrono::steady_clock::now() >= deadline && rv_ <= pos) return Status::Ok();
  }
}

Result<std::string> FakeClient::PodLogs(std::string_view ns, std::string_view pod, const LogOptions& opts) {
  std::lock_guard<std::mutex> lock(mu_);
  Gvk gvk{"", "v1", "Pod"};
  Target t;
  Status located = Locate(gvk, ns, pod, &t);
  std::string line = "LOGS " + t.key.Display();
  AddDetail(&line, !opts.container.empty(), "container=" + opts.container);
  Log(line);
  CAPSTAN_RETURN_IF_ERROR(Injected("LOGS", gvk, t.key.Display()));
  if (!located.ok()) return located;
  std::string text;
  auto it = pod_logs_.find({t.key.namespace_, std::string(pod)});
  if (it != pod_logs_.end()) {
    text = it->second;
  } else if (Find(t.key) == nullptr) {
    return NotFoundErr(t.kind.res, pod, "logs of " + t.what);
  }
  if (opts.tail_lines.has_value()) {
    // The last N lines; a final newline ends the last line rather than starting another.
    size_t cut = 0;
    if (*opts.tail_lines <= 0) {
      cut = text.size();
    } else {
      size_t from = !text.empty() && text.back() == '\n' ? text.size() - 1 : text.size();
      int64_t lines = 0;
      for (size_t i = from; i > 0; --i) {
        if (text[i - 1] == '\n' && ++lines == *opts.tail_lines) {
          cut = i;
          break;
        }
      }
    }
    text = text.substr(cut);
  }
  if (opts.limit_bytes.has_value() && *opts.limit_bytes >= 0 && text.size() > static_cast<size_t>(*opts.limit_bytes)) {
    text.resize(static_cast<size_t>(*opts.limit_bytes));
  }
  return text;
}

Result<ServerInfo> FakeClient::GetServerInfo() {
  std::lock_guard<std::mutex> lock(mu_);
  ServerInfo info{.git_version = "v1.20.0", .major_minor = "1.20"};
  std::set<std::string> out;
  for (const auto& [gvk, kind] : kinds_) {
    out.insert(gvk.api_version());
    out.insert(gvk.api_version() + "/" + gvk.kind);
  }
  info.api_versions.assign(out.begin(), out.end());
  return info;
}

}  // namespace capstan::kube
