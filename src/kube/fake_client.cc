// Copyright 2026 The capstan Authors.

#include "kube/fake_client.h"

#include <algorithm>
#include <cstdio>

#include "base/time.h"
#include "kube/api_error.h"
#include "kube/fake_client_internal.h"

namespace capstan::kube {
namespace fake_internal {

using core::Gvk;

// "deployments.apps", "configmaps": how the server names a resource in its messages.
std::string Qualified(const ApiResource& res) {
  return res.gvk.group.empty() ? res.resource : res.resource + "." + res.gvk.group;
}

// A Status as RestClient builds it from the server's metav1.Status answer.
Status ApiErr(int code, std::string_view reason, std::string_view message, std::string_view what) {
  Json body = {{"kind", "Status"}, {"apiVersion", "v1"},  {"status", "Failure"},
               {"message", message}, {"reason", reason}, {"code", code}};
  return StatusFromResponse(code, body.dump(), what);
}

Status NotFoundErr(const ApiResource& res, std::string_view name, std::string_view what) {
  return ApiErr(404, "NotFound", Qualified(res) + " \"" + std::string(name) + "\" not found", what);
}

Status ConflictErr(const ApiResource& res, std::string_view name, std::string_view what) {
  return ApiErr(409, "Conflict",
                "Operation cannot be fulfilled on " + Qualified(res) + " \"" + std::string(name) +
                    "\": the object has been modified; please apply your changes to the latest version and try again",
                what);
}

Status NoSubresourceErr(std::string_view what) {
  return ApiErr(404, "NotFound", "the server could not find the requested resource", what);
}

std::string GroupKind(const Gvk& gvk) { return gvk.group.empty() ? gvk.kind : gvk.group + "/" + gvk.kind; }

const Json& Metadata(const Json& obj) {
  static const Json kEmpty = Json::object();
  auto it = obj.find("metadata");
  return it != obj.end() && it->is_object() ? *it : kEmpty;
}

std::string MetaString(const Json& obj, std::string_view field) { return base::GetString(Metadata(obj), field); }

bool HasFinalizers(const Json& obj) {
  const Json& md = Metadata(obj);
  auto it = md.find("finalizers");
  return it != md.end() && it->is_array() && !it->empty();
}

// |obj| without metadata and status: what a change to bumps metadata.generation.
Json SpecPart(const Json& obj) {
  Json out = obj;
  out.erase("metadata");
  out.erase("status");
  out.erase("apiVersion");
  out.erase("kind");
  return out;
}

// Server-side apply, approximated: maps merge key by key; anything else in |src| replaces |dst|; a
// null in |src| leaves |dst| alone.
void DeepMerge(Json& dst, const Json& src) {
  if (!dst.is_object() || !src.is_object()) {
    if (!src.is_null()) dst = src;
    return;
  }
  for (auto it = src.begin(); it != src.end(); ++it) {
    if (it->is_null()) continue;
    auto d = dst.find(it.key());
    if (d != dst.end() && d->is_object() && it->is_object()) {
      DeepMerge(*d, *it);
    } else {
      dst[it.key()] = *it;
    }
  }
}

std::string_view PatchName(PatchType t) {
  switch (t) {
    case PatchType::kMerge: return "merge";
    case PatchType::kJson: return "json";
    case PatchType::kStrategicMerge: return "strategic";
  }
  return "?";
}

// Appends " <detail>" to |line| when |detail| is set.
void AddDetail(std::string* line, bool on, std::string_view detail) {
  if (on) {
    *line += ' ';
    *line += detail;
  }
}

}  // namespace fake_internal

using namespace fake_internal;
using core::Gvk;
using core::ResourceKey;

namespace {
constexpr std::string_view kCrdGroup = "apiextensions.k8s.io";
constexpr std::string_view kCrdKind = "CustomResourceDefinition";
}  // namespace

FakeClient::FakeClient(std::string default_namespace)
    : default_namespace_(std::move(default_namespace)), rng_(std::random_device{}()) {
  for (const auto& [res, has_status] : FakeBuiltinKinds()) kinds_[res.gvk] = Kind{res, has_status};
}

FakeClient::~FakeClient() = default;

// ---- Test hooks ----

void FakeClient::AddKind(const ApiResource& res, bool has_status) {
  std::lock_guard<std::mutex> lock(mu_);
  kinds_[res.gvk] = Kind{res, has_status};
}

void FakeClient::InjectError(std::string_view verb, std::string_view target, Status status, int count) {
  if (count == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  injections_.push_back(Injection{std::string(verb), std::string(target), std::move(status), count});
}

std::vector<std::string> FakeClient::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void FakeClient::ClearRequests() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
}

void FakeClient::CompactForTesting() {
  std::lock_guard<std::mutex> lock(mu_);
  events_.clear();
  compacted_rv_ = rv_;
}

void FakeClient::CloseWatchesForTesting() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++close_generation_;
  }
  cv_.notify_all();
}

void FakeClient::SetPodLogsForTesting(std::string_view ns, std::string_view pod, std::string text) {
  std::lock_guard<std::mutex> lock(mu_);
  pod_logs_[{std::string(ns), std::string(pod)}] = std::move(text);
}

int64_t FakeClient::resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}

int FakeClient::active_watches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_watches_;
}

// ---- Internals ----

Result<FakeClient::Kind> FakeClient::ResolveLocked(const Gvk& gvk) const {
  auto it = kinds_.find(gvk);
  if (it == kinds_.end()) return Status::NotFound("the server does not serve " + gvk.ToString());
  return it->second;
}

Status FakeClient::Locate(const Gvk& gvk, std::string_view ns, std::string_view name, Target* t) const {
  t->gvk = gvk;
  auto kind = ResolveLocked(gvk);
  // An unknown kind still gets a key, so the request can be logged and matched by injections.
  bool namespaced = kind.ok() ? kind->res.namespaced : !ns.empty();
  std::string use_ns = namespaced ? (ns.empty() ? default_namespace_ : std::string(ns)) : "";
  t->key = ResourceKey{gvk.group, gvk.kind, use_ns, std::string(name)};
  t->what = t->key.Display();
  if (!kind.ok()) return kind.status().Annotate(t->what);
  t->kind = *kind;
  return Status::Ok();
}

void FakeClient::Log(std::string line) { requests_.push_back(std::move(line)); }

Status FakeClient::Injected(std::string_view verb, const Gvk& gvk, std::string_view object) {
  for (auto it = injections_.begin(); it != injections_.end(); ++it) {
    bool verb_ok = it->verb == "*" || it->verb == verb;
    bool target_ok = it->target == "*" || it->target == GroupKind(gvk) || it->target == object;
    if (!verb_ok || !target_ok) continue;
    Status s = it->status;
    if (it->remaining > 0 && --it->remaining == 0) injections_.erase(it);
    return s;
  }
  return Status::Ok();
}

Json* FakeClient::Find(const ResourceKey& key) {
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : &it->second;
}

std::string FakeClient::NewUid() {
  uint64_t a = rng_(), b = rng_();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

Json FakeClient::WithVersion(const Json& obj, const Gvk& gvk) const {
  Json out = obj;
  out["apiVersion"] = gvk.api_version();
  out["kind"] = gvk.kind;
  return out;
}

void FakeClient::RecordEvent(WatchEventType type, const ResourceKey& key, const Json& obj) {
  events_.push_back(Event{rv_, type, key, obj});
  cv_.notify_all();
}

void FakeClient::RegisterCrdLocked(const Json& crd) {
  const Json& spec = crd.contains("spec") ? crd["spec"] : Json::object();
  std::string group = base::GetString(spec, "group");
  std::string kind = base::GetStringAt(spec, "names/kind");
  std::string plural = base::GetStringAt(spec, "names/plural");
  bool namespaced = base::GetString(spec, "scope") != "Cluster";
  auto versions = spec.find("versions");
  if (group.empty() || kind.empty() || plural.empty() || versions == spec.end() || !versions->is_array()) return;
  for (const Json& v : *versions) {
    std::string name = base::GetString(v, "name");
    auto served = v.find("served");
    if (name.empty() || (served != v.end() && served->is_boolean() && !served->get<bool>())) continue;
    bool has_status = v.contains("subresources") && v["subresources"].is_object() && v["subresources"].contains("status");
    ApiResource res{Gvk{group, name, kind}, plural, namespaced,
                    {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}};
    kinds_[res.gvk] = Kind{res, has_status};
  }
}

void FakeClient::UnregisterCrdLocked(const Json& crd) {
  std::string group = base::GetStringAt(crd, "spec/group");
  std::string kind = base::GetStringAt(crd, "spec/names/kind");
  for (auto it = kinds_.begin(); it != kinds_.end();) {
    it = it->first.group == group && it->first.kind == kind ? kinds_.erase(it) : std::next(it);
  }
  std::vector<ResourceKey> doomed;
  for (const auto& [key, obj] : objects_) {
    if (key.group == group && key.kind == kind) doomed.push_back(key);
  }
  for (const ResourceKey& key : doomed) {
    if (objects_.count(key) != 0) RemoveLocked(key, /*orphan_dependents=*/false);
  }
}

Result<Json> FakeClient::CommitLocked(const Target& t, const Json* live, Json next, bool dry_run) {
  if (!next.contains("metadata") || !next["metadata"].is_object()) next["metadata"] = Json::object();
  Json& md = next["metadata"];
  md["name"] = t.key.name;
  if (t.kind.res.namespaced) {
    md["namespace"] = t.key.namespace_;
  } else {
    md.erase("namespace");
  }
  const bool is_crd = t.key.group == kCrdGroup && t.key.kind == kCrdKind;
  if (is_crd) {
    // What the apiextensions controllers report soon after a create.
    next["status"] = {
        {"acceptedNames", next.contains("spec") && next["spec"].contains("names") ? next["spec"]["names"] : Json::object()},
        {"conditions",
         {{{"type", "NamesAccepted"}, {"status", "True"}, {"reason", "NoConflicts"}},
          {{"type", "Established"}, {"status", "True"}, {"reason", "InitialNamesAccepted"}}}}};
  }

  if (live == nullptr) {
    md["uid"] = NewUid();
    md["creationTimestamp"] = base::FormatRfc3339(base::NowUnixSeconds());
    md["generation"] = 1;
    md.erase("deletionTimestamp");
    md.erase("deletionGracePeriodSeconds");
    md.erase("resourceVersion");
    if (dry_run) return WithVersion(next, t.gvk);
    md["resourceVersion"] = std::to_string(++rv_);
    objects_[t.key] = next;
    RecordEvent(WatchEventType::kAdded, t.key, next);
    if (is_crd) RegisterCrdLocked(next);
    return WithVersion(next, t.gvk);
  }

  // Fields only the server writes.
  const Json& live_md = Metadata(*live);
  for (const char* f : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"}) {
    if (live_md.contains(f)) {
      md[f] = live_md[f];
    } else {
      md.erase(f);
    }
  }
  int64_t generation = live_md.value("generation", int64_t{1});
  if (SpecPart(*live) != SpecPart(next)) ++generation;
  md["generation"] = generation;
  md["resourceVersion"] = live_md.value("resourceVersion", "");
  if (next == *live) return WithVersion(next, t.gvk);  // nothing changed: no new version, no event
  if (dry_run) return WithVersion(next, t.gvk);

  if (md.contains("deletionTimestamp") && !HasFinalizers(next)) {
    // The last finalizer is gone: the deletion completes (RemoveLocked hands out the version).
    objects_[t.key] = next;
    RemoveLocked(t.key, /*orphan_dependents=*/false);
    next["metadata"]["resourceVersion"] = std::to_string(rv_);
    return WithVersion(next, t.gvk);
  }
  md["resourceVersion"] = std::to_string(++rv_);
  objects_[t.key] = next;
  RecordEvent(WatchEventType::kModified, t.key, next);
  if (is_crd) RegisterCrdLocked(next);
  return WithVersion(next, t.gvk);
}

void FakeClient::RemoveLocked(const ResourceKey& key, bool orphan_dependents) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  Json obj = std::move(it->second);
  objects_.erase(it);
  obj["metadata"]["resourceVersion"] = std::to_string(++rv_);
  RecordEvent(WatchEventType::kDeleted, key, obj);

  if (key.group == kCrdGroup && key.kind == kCrdKind) UnregisterCrdLocked(obj);
  if (key.group.empty() && key.kind == "Namespace") {
    std::vector<ResourceKey> inside;
    for (const auto& [k, o] : objects_) {
      if (k.namespace_ == key.name) inside.push_back(k);
    }
    for (const ResourceKey& k : inside) RemoveLocked(k, false);
  }

  // Background garbage collection of dependents.
  const std::string uid = MetaString(obj, "uid");
  if (uid.empty()) return;
  std::set<std::string> live_uids;
  for (const auto& [k, o] : objects_) live_uids.insert(MetaString(o, "uid"));
  std::vector<ResourceKey> dependents;
  for (const auto& [k, o] : objects_) {
    const Json& md = Metadata(o);
    auto refs = md.find("ownerReferences");
    if (refs == md.end() || !refs->is_array()) continue;
    for (const Json& r : *refs) {
      if (base::GetString(r, "uid") == uid) {
        dependents.push_back(k);
        break;
      }
    }
  }
  for (const ResourceKey& k : dependents) {
    Json* dep = Find(k);
    if (dep == nullptr) continue;
    Json& refs = (*dep)["metadata"]["ownerReferences"];
    bool other_owner = false;
    Json kept = Json::array();
    for (const Json& r : refs) {
      std::string ruid = base::GetString(r, "uid");
      if (ruid == uid) continue;
      kept.push_back(r);
      other_owner = other_owner || live_uids.count(ruid) != 0;
    }
    if (orphan_dependents || other_owner) {
      if (kept.empty()) {
        (*dep)["metadata"].erase("ownerReferences");
      } else {
        refs = kept;
      }
      (*dep)["metadata"]["resourceVersion"] = std::to_string(++rv_);
      RecordEvent(WatchEventType::kModified, k, *dep);
    } else if (HasFinalizers(*dep)) {
      if (!Metadata(*dep).contains("deletionTimestamp")) {
        (*dep)["metadata"]["deletionTimestamp"] = base::FormatRfc3339(base::NowUnixSeconds());
        (*dep)["metadata"]["deletionGracePeriodSeconds"] = 0;
        (*dep)["metadata"]["resourceVersion"] = std::to_string(++rv_);
        RecordEvent(WatchEventType::kModified, k, *dep);
      }
    } else {
      RemoveLocked(k, false);
    }
  }
}

// ---- Client ----

Result<ApiResource> FakeClient::Resolve(const Gvk& gvk) {
  std::lock_guard<std::mutex> lock(mu_);
  CAPSTAN_ASSIGN_OR_RETURN(Kind k, ResolveLocked(gvk));
  return k.res;
}

namespace {

// What the API server's defaulting writes into a new object's status.
void DefaultStatusOnCreate(const Gvk& gvk, Json& obj) {
  if (gvk.group.empty() && gvk.kind == "Namespace") obj["status"] = {{"phase", "Active"}};
  if (gvk.group.empty() && gvk.kind == "Pod") obj["status"] = {{"phase", "Pending"}};
}

}  // namespace

Result<Json> FakeClient::Create(const Json& obj, const WriteOptions& opts) {
  std::lock_guard<std::mutex> lock(mu_);
  Gvk gvk = Gvk::Of(obj);
  std::string name = MetaString(obj, "name");
  std::string generate = MetaString(obj, "generateName");
  std::string shown = name.empty() && !generate.empty() ? generate + "*" : name;
  Target t;
  Status located = Locate(gvk, MetaString(obj, "namespace"), shown, &t);
  std::string line = "CREATE " + t.key.Display();
  AddDetail(&line, !opts.subresource.empty(), "subresource=" + opts.subresource);
  AddDetail(&line, opts.dry_run, "dryRun");
  Log(line);
  CAPSTAN_RETURN_IF_ERROR(Injected("CREATE", gvk, t.key.Display()));
  if (!located.ok()) return located;
  std::string what = "create " + t.what;
  if (!opts.subresource.empty()) return NoSubresourceErr(what);
  if (!MetaString(obj, "resourceVersion").empty()) {
    return ApiErr(400, "BadRequest", "resourceVersion should not be set on objects to be created", what);
  }
  if (name.empty()) {
    if (generate.empty()) {
      return ApiErr(422, "Invalid",
                    gvk.kind + " \"\" is invalid: metadata.name: Required value: name or generateName is required",
                    what);
    }
    // As the server: generateName plus five random characters.
    static constexpr std::string_view kAlnum = "bcdfghjklmnpqrstvwxz2456789";
    do {
      name = generate;
      for (int i = 0; i < 5; ++i) name += kAlnum[rng_() % kAlnum.size()];
      t.key.name = name;
    } while (objects_.count(t.key) != 0);
    t.what = t.key.Display();
  }
  if (Find(t.key) != nullptr) {
    return ApiErr(409, "AlreadyExists", Qualified(t.kind.res) + " \"" + name + "\" already exists", what);
  }
  Json next = obj;
  if (t.kind.has_status) next.erase("status");
  DefaultStatusOnCreate(gvk, next);
  return CommitLocked(t, nullptr, std::move(next), opts.dry_run);
}

Result<Json> FakeClient::Apply(const Json& obj, const ApplyOptions& opts) {
  std::lock_guard<std::mutex> lock(mu_);
  Gvk gvk = Gvk::Of(obj);
  std::string name = MetaString(obj, "name");
  Target t;
  Status located = Locate(gvk, MetaString(obj, "namespace"), name, &t);
  std::string line = "APPLY " + t.key.Display();
  AddDetail(&line, !opts.subresource.empty(), "subresource=" + opts.subresource);
  AddDetail(&line, opts.dry_run, "dryRun");
  Log(line);
  CAPSTAN_RETURN_IF_ERROR(Injected("APPLY", gvk, t.key.Display()));
  if (!located.ok()) return located;
  std::string what = "apply " + t.what;
  if (name.empty()) return Status::InvalidArgument(what + ": metadata.name is required");
  bool to_status = !opts.subresource.empty();
  if (to_status && (opts.subresource != "status" || !t.kind.has_status)) return NoSubresourceErr(what);

  const Json* live = Find(t.key);
  std::string rv = MetaString(obj, "resourceVersion");
  if (live != nullptr && !rv.empty() && rv != MetaString(*live, "resourceVersion")) {
    return ConflictErr(t.kind.res, name, what);
  }
  Json applied = obj;
  if (applied.contains("metadata") && applied["metadata"].is_object()) applied["metadata"].erase("resourceVersion");
  if (live == nullptr) {
    if (to_status) return NotFoundErr(t.kind.res, name, what);
    if (t.kind.has_status) applied.erase("status");
    DefaultStatusOnCreate(gvk, applied);
    return CommitLocked(t, nullptr, std::move(applied), opts.dry_run);
  }
  Json next = *live;
  if (to_status) {
    if (applied.contains("status")) {
      if (!next.contains("status")) next["status"] = Json::object();
      DeepMerge(next["status"], applied["status"]);
    }
  } else {
    if (t.kind.has_status) applied.erase("status");
    DeepMerge(next, applied);
  }
  return CommitLocked(t, live, std::move(next), opts.dry_run);
}

Result<Json> FakeClient::Update(const Json& obj, const WriteOptions& opts) {
  std::lock_guard<std::mutex> lock(mu_);
  Gvk gvk = Gvk::Of(obj);
  std::string name = MetaString(obj, "name");
  Target t;
  Status located = Locate(gvk, MetaString(obj, "namespace"), name, &t);
  std::string line = "UPDATE " + t.key.Display();
  AddDetail(&line, !opts.subresource.empty(), "subresource=" + opts.subresource);
  AddDetail(&line, opts.dry_run, "dryRun");
  Log(line);
  CAPSTAN_RETURN_IF_ERROR(Injected("UPDATE", gvk, t.key.Display()));
  if (!located.ok()) return located;
  std::string what = "update " + t.what;
  if (name.empty()) return Status::InvalidArgument(what + ": metadata.name is required");
  bool to_status = !opts.subresource.empty();
  if (to_status && (opts.subresource != "status" || !t.kind.has_status)) return NoSubresourceErr(what);

  const Json* live = Find(t.key);
  if (live == nullptr) return NotFoundErr(t.kind.res, name, what);
  std::string rv = MetaString(obj, "resourceVersion");
  if (!rv.empty() && rv != MetaString(*live, "resourceVersion")) return ConflictErr(t.kind.res, name, what);
  std::string uid = MetaString(obj, "uid");
  if (!uid.empty() && uid != MetaString(*live, "uid")) {
    return ApiErr(409, "Conflict",
                  "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " +
                      MetaString(*live, "uid"),
                  what);
  }
  Json next;
  if (to_status) {
    next = *live;
    if (obj.contains("status")) {
      next["status"] = obj["status"];
    } else {
      next.erase("status");
    }
  } else {
    next = obj;
    if (t.kind.has_status) {
      if (live->contains("status")) {
        next["status"] = (*live)["status"];
      } else {
        next.erase("status");
      }
    }
  }
  return CommitLocked(t, live, std::move(next), opts.dry_run);
}

Result<Json> FakeClient::Patch(const Gvk& gvk, std::string_view ns, std::string_view name, PatchType type,
                               const Json& patch, const WriteOptions& opts) {
  std::lock_guard<std::mutex> lock(mu_);
  Target t;
  Status located = Locate(gvk, ns, name, &t);
  std::string line = "PATCH " + t.key.Display();
  AddDetail(&line, !opts.subresource.empty(), "subresource=" + opts.subresource);
  AddDetail(&line, true, PatchName(type));
  AddDetail(&line, opts.dry_run, "dryRun");
  Log(line);
  CAPSTAN_RETURN_IF_ERROR(Injected("PATCH", gvk, t.key.Display()));
  if (!located.ok()) return located;
  std::string what = "patch " + t.what;
  bool to_status = !opts.subresource.empty();
  if (to_status && (opts.subresource != "status" || !t.kind.has_status)) return NoSubresourceErr(what);
  const Json* live = Find(t.key);
  if (live == nullptr) return NotFoundErr(t.kind.res, name, what);

  Json patched = *live;
  if (type == PatchType::kJson) {
    if (!patch.is_array()) return ApiErr(400, "BadRequest", "a JSON patch must be a list of operations", what);
    try {
      patched = live->patch(patch);
    } catch (const Json::exception& e) {
      return ApiErr(422, "Invalid", std::string("the server rejected our request due to an error in our request: ") + e.what(),
                    what);
    }
  } else {
    if (!patch.is_object()) return ApiErr(400, "BadRequest", "a merge patch must be an object", what);
    patched.merge_patch(patch);
  }
  if (!patched.is_object()) return ApiErr(422, "Invalid", "the patched object is not an object", what);
  std::string rv = MetaString(patched, "resourceVersion");
  if (!rv.empty() && rv != MetaString(*live, "resourceVersion")) return ConflictErr(t.kind.res, name, what);

  Json next;
  if (to_status) {
    next = *live;
    if (patched.contains("status")) {
      next["status"] = patched["status"];
    } else {
      next.erase("status");
    }
  } else {
    next = std::move(patched);
    if (t.kind.has_status) {
      if (live->contains("status")) {
        next["status"] = (*live)["status"];
      } else {
        next.erase("status");
      }
    }
  }
  next["apiVersion"] = (*live)["apiVersion"];
  next["kind"] = (*live)["kind"];
  return CommitLocked(t, live, std::move(next), opts.dry_run);
}

Status FakeClient::Delete(const Gvk& gvk, std::string_view ns, std::string_view name, const DeleteOptions& opts) {
  std::lock_guard<std::mutex> lock(mu_);
  Target t;
  Status located = Locate(gvk, ns, name, &t);
  std::string line = "DELETE " + t.key.Display();
  AddDetail(&line, opts.propagation_policy.has_value(), "propagation=" + opts.propagation_policy.value_or(""));
  AddDetail(&line, opts.dry_run, "dryRun");
  Log(line);
  CAPSTAN_RETURN_IF_ERROR(Injected("DELETE", gvk, t.key.Display()));
  if (!located.ok()) return located;
  std::string what = "delete " + t.what;
  Json* live = Find(t.key);
  if (live == nullptr) return NotFoundErr(t.kind.res, name, what);
  std::string live_uid = MetaString(*live, "uid");
  std::string live_rv = MetaString(*live, "resourceVersion");
  if (opts.precondition_uid && *opts.precondition_uid != live_uid) {
    return ApiErr(409, "Conflict",
                  "Precondition failed: UID in precondition: " + *opts.precondition_uid +
                      ", UID in object meta: " + live_uid,
                  what);
  }
  if (opts.precondition_resource_version && *opts.precondition_resource_version != live_rv) {
    return ApiErr(409, "Conflict",
                  "Precondition failed: ResourceVersion in precondition: " + *opts.precondition_resource_version +
                      ", ResourceVersion in object meta: " + live_rv,
                  what);
  }
  if (opts.dry_run) return Status::Ok();
  if (HasFinalizers(*live)) {
    if (!Metadata(*live).contains("deletionTimestamp")) {
      (*live)["metadata"]["deletionTimestamp"] = base::FormatRfc3339(base::NowUnixSeconds());
      (*live)["metadata"]["deletionGracePeriodSeconds"] = 0;
      (*live)["metadata"]["resourceVersion"] = std::to_string(++rv_);
      RecordEvent(WatchEventType::kModified, t.key, *live);
    }
    return Status::Ok();
  }
  RemoveLocked(t.key, opts.propagation_policy.value_or("") == "Orphan");
  return Status::Ok();
}

}  // namespace capstan::kube
