// Copyright 2026 The capstan Authors.

#include "cache/object_index.h"

#include <algorithm>

#include "core/annotations.h"

namespace capstan::cache {

namespace {

constexpr int kMaxOwnerDepth = 8;

void AddUnique(std::vector<std::string>& out, const std::string& s) {
  if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
}

std::vector<std::string> OwnerUids(const base::Json& obj) {
  std::vector<std::string> out;
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return out;
  auto refs = md->find("ownerReferences");
  if (refs == md->end() || !refs->is_array()) return out;
  for (const base::Json& r : *refs) AddUnique(out, base::GetString(r, "uid"));
  return out;
}

}  // namespace

ObjectIndex::ObjectIndex(std::string tracking_annotation, KeepFull keep_full)
    : tracking_annotation_(std::move(tracking_annotation)), keep_full_(std::move(keep_full)) {}

bool ObjectIndex::KeepsFull(const std::string& instance) const {
  return !instance.empty() && (!keep_full_ || keep_full_(instance));
}

std::string ObjectIndex::InstanceOf(const base::Json& obj) const {
  std::optional<std::string> id = core::AnnotationOf(obj, tracking_annotation_);
  if (!id) return "";
  // It must name |obj| itself (a Deployment's ReplicaSets carry a copy).
  return core::SelfTrackedInstance(obj, *id);
}

base::Json ObjectIndex::Lean(const base::Json& obj) const {
  base::Json out = base::Json::object();
  for (const char* f : {"apiVersion", "kind"}) {
    if (auto it = obj.find(f); it != obj.end()) out[f] = *it;
  }
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return out;
  base::Json& lean_md = out["metadata"] = base::Json::object();
  for (const char* f : {"name", "namespace", "uid", "resourceVersion", "ownerReferences", "labels"}) {
    if (auto it = md->find(f); it != md->end()) lean_md[f] = *it;
  }
  if (std::optional<std::string> id = core::AnnotationOf(obj, tracking_annotation_)) {
    lean_md["annotations"] = {{tracking_annotation_, *id}};
  }
  return out;
}

std::vector<std::string> ObjectIndex::InstancesFor(const std::string& instance,
                                                   const std::vector<std::string>& owners) const {
  std::vector<std::string> out;
  if (!instance.empty()) {
    out.push_back(instance);
    return out;
  }
  std::vector<std::string> level = owners;
  std::unordered_set<std::string> seen(owners.begin(), owners.end());
  for (int depth = 0; depth < kMaxOwnerDepth && !level.empty(); ++depth) {
    std::vector<std::string> next;
    for (const std::string& uid : level) {
      auto k = by_uid_.find(uid);
      if (k == by_uid_.end()) continue;
      const Entry& owner = objects_.at(k->second);
      if (!owner.instance.empty()) {
        AddUnique(out, owner.instance);
        continue;
      }
      for (const std::string& up : owner.owners) {
        if (seen.insert(up).second) next.push_back(up);
      }
    }
    level = std::move(next);
  }
  return out;
}

void ObjectIndex::Unlink(const core::ResourceKey& key, const Entry& e) {
  if (auto it = by_uid_.find(e.uid); it != by_uid_.end() && it->second == key) by_uid_.erase(it);
  for (const std::string& owner : e.owners) {
    auto it = children_.find(owner);
    if (it == children_.end()) continue;
    it->second.erase(key);
    if (it->second.empty()) children_.erase(it);
  }
  if (!e.instance.empty()) {
    auto it = managed_.find(e.instance);
    if (it != managed_.end()) {
      it->second.erase(key);
      if (it->second.empty()) managed_.erase(it);
    }
    --managed_count_;
    if (e.full) --full_count_;
  }
  auto k = by_kind_.find({key.group, key.kind});
  if (k != by_kind_.end()) {
    k->second.erase(key);
    if (k->second.empty()) by_kind_.erase(k);
  }
  bytes_ -= e.bytes;
}

void ObjectIndex::Link(const core::ResourceKey& key, const Entry& e) {
  if (!e.uid.empty()) by_uid_[e.uid] = key;
  for (const std::string& owner : e.owners) children_[owner].insert(key);
  if (!e.instance.empty()) {
    managed_[e.instance].insert(key);
    ++managed_count_;
    if (e.full) ++full_count_;
  }
  by_kind_[{key.group, key.kind}].insert(key);
  bytes_ += e.bytes;
}

std::vector<std::string> ObjectIndex::Upsert(const base::Json& obj) {
  core::ResourceKey key = core::ResourceKey::Of(obj);
  std::vector<std::string> instances;
  auto it = objects_.find(key);
  if (it != objects_.end()) {
    instances = InstancesFor(it->second.instance, it->second.owners);
    Unlink(key, it->second);
  }
  Entry e;
  e.instance = InstanceOf(obj);
  e.full = KeepsFull(e.instance);
  e.obj = e.full ? obj : Lean(obj);
  e.uid = base::GetStringAt(obj, "metadata/uid");
  e.resource_version = base::GetStringAt(obj, "metadata/resourceVersion");
  e.owners = OwnerUids(obj);
  e.bytes = static_cast<int64_t>(e.obj.dump().size());
  Link(key, e);
  const Entry& stored = objects_[key] = std::move(e);
  for (const std::string& i : InstancesFor(stored.instance, stored.owners)) AddUnique(instances, i);
  return instances;
}

std::vector<std::string> ObjectIndex::Remove(const core::ResourceKey& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return {};
  std::vector<std::string> instances = InstancesFor(it->second.instance, it->second.owners);
  Unlink(key, it->second);
  objects_.erase(it);
  return instances;
}

std::vector<IndexChange> ObjectIndex::ReplaceKind(const std::string& group, const std::string& kind,
                                                  const std::vector<base::Json>& objects) {
  std::vector<IndexChange> changes;
  std::unordered_set<core::ResourceKey> incoming;
  for (const base::Json& obj : objects) incoming.insert(core::ResourceKey::Of(obj));
  if (auto k = by_kind_.find({group, kind}); k != by_kind_.end()) {
    std::vector<core::ResourceKey> gone;
    for (const core::ResourceKey& key : k->second) {
      if (!incoming.count(key)) gone.push_back(key);
    }
    for (const core::ResourceKey& key : gone) changes.push_back({key, Remove(key)});
  }
  for (const base::Json& obj : objects) {
    core::ResourceKey key = core::ResourceKey::Of(obj);
    auto it = objects_.find(key);
    if (it != objects_.end() && it->second.resource_version == base::GetStringAt(obj, "metadata/resourceVersion") &&
        it->second.uid == base::GetStringAt(obj, "metadata/uid")) {
      continue;  // unchanged
    }
    changes.push_back({key, Upsert(obj)});
  }
  return changes;
}

void ObjectIndex::RemoveKind(const std::string& group, const std::string& kind) {
  auto k = by_kind_.find({group, kind});
  if (k == by_kind_.end()) return;
  std::vector<core::ResourceKey> keys(k->second.begin(), k->second.end());
  for (const core::ResourceKey& key : keys) Remove(key);
}

std::vector<core::ResourceKey> ObjectIndex::Reshard() {
  std::vector<core::ResourceKey> to_fetch;
  for (const auto& [instance, keys] : managed_) {
    const bool keep = KeepsFull(instance);
    for (const core::ResourceKey& key : keys) {
      Entry& e = objects_.at(key);
      if (e.full == keep) continue;
      if (keep) {
        to_fetch.push_back(key);
        continue;
      }
      e.obj = Lean(e.obj);
      e.full = false;
      --full_count_;
      const int64_t bytes = static_cast<int64_t>(e.obj.dump().size());
      bytes_ += bytes - e.bytes;
      e.bytes = bytes;
    }
  }
  return to_fetch;
}

bool ObjectIndex::Promote(const base::Json& obj) {
  auto it = objects_.find(core::ResourceKey::Of(obj));
  if (it == objects_.end() || it->second.full || it->second.uid != base::GetStringAt(obj, "metadata/uid")) return false;
  Upsert(obj);
  return true;
}

std::vector<base::Json> ObjectIndex::ManagedBy(std::string_view instance) const {
  std::vector<base::Json> out;
  auto it = managed_.find(std::string(instance));
  if (it == managed_.end()) return out;
  out.reserve(it->second.size());
  for (const core::ResourceKey& key : it->second) out.push_back(objects_.at(key).obj);
  return out;
}

std::optional<base::Json> ObjectIndex::Get(const core::ResourceKey& key) const {
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  return it->second.obj;
}

std::vector<core::ResourceKey> ObjectIndex::ChildrenOf(std::string_view uid) const {
  auto it = children_.find(std::string(uid));
  if (it == children_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace capstan::cache
