// Copyright 2026 The capstan Authors.
//
// ObjectIndex: the live cache's store — every watched object by key, kept lean unless an application
// manages it, with the indexes the controller asks through: objects by the instance their tracking
// annotation names, objects by uid, and children by their owners' uids (the resource tree).
//
// Lean vs full. An object whose tracking annotation names an instance and the object itself
// ("<instance>:<group>/<kind>:<namespace>/<name>", as Argo CD writes it) is kept as the server sent it: health and diff need all
// of it, metadata.managedFields included (the comparison drops fields only capstan's field manager
// owns that Git no longer sets). Any other object keeps only what the tree and lookups need:
// apiVersion, kind, and metadata name, namespace, uid, resourceVersion, ownerReferences, labels and
// the tracking annotation. An object that gains or loses the annotation is re-stored in the other form
// on its next event (watch events carry the whole object).
//
// Sharding: with a |keep_full| predicate, only the objects of the instances it accepts are kept in
// full (a controller replica's shard); the managed objects of other instances are kept lean like
// unmanaged ones, and still indexed by instance. When the accepted set changes, Reshard makes the
// objects that should be lean lean at once and names those that should now be full, which the cache
// fetches again (the lean form lacks what health and diff need) and stores with Promote.
//
// Which applications a change concerns: the instance the object's own tracking annotation names; for
// an object without one, every instance found by walking ownerReferences upwards through the cached
// owners (a Pod → its ReplicaSet → the managed Deployment), at most 8 levels.
//
// approx_bytes: the sum of the serialized (JSON) sizes of what is kept — an estimate of the data held;
// the in-memory JSON trees take a few times more.
//
// Thread safety: thread-compatible (ClusterCache guards it with a shared_mutex).

#ifndef CAPSTAN_CACHE_OBJECT_INDEX_H_
#define CAPSTAN_CACHE_OBJECT_INDEX_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/json.h"
#include "core/resource_key.h"

namespace capstan::cache {

// An object that changed and the instances the change concerns (possibly none).
struct IndexChange {
  core::ResourceKey key;
  std::vector<std::string> instances;
};

class ObjectIndex {
 public:
  // Whether the managed objects of |instance| are kept in full; empty = all of them.
  using KeepFull = std::function<bool(const std::string& instance)>;

  explicit ObjectIndex(std::string tracking_annotation, KeepFull keep_full = {});

  // The instance |obj|'s tracking annotation names (the text before its first ':'), "" when none or
  // when the annotation names another object (a copy made by a controller).
  std::string InstanceOf(const base::Json& obj) const;
  // The lean form of |obj| (see the file comment).
  base::Json Lean(const base::Json& obj) const;

  // Stores |obj| (adds or replaces by key). Returns the instances concerned before and after.
  std::vector<std::string> Upsert(const base::Json& obj);
  // Removes |key|. Returns the instances concerned (computed before removal); empty when absent.
  std::vector<std::string> Remove(const core::ResourceKey& key);
  // Makes |objects| the complete set of |group|/|kind| objects. Returns the objects added, changed
  // (another resourceVersion) or removed, with the instances each concerns.
  std::vector<IndexChange> ReplaceKind(const std::string& group, const std::string& kind,
                                       const std::vector<base::Json>& objects);
  // Drops every object of |group|/|kind|.
  void RemoveKind(const std::string& group, const std::string& kind);

  // Asks |keep_full| again for every managed object: those no longer kept in full become lean; returns
  // the keys of the lean ones that should now be full (the caller fetches them and calls Promote).
  std::vector<core::ResourceKey> Reshard();
  // Stores |obj| (as the server sent it) in place of its lean form. False, storing nothing, when the
  // object is gone, is another object (uid) or is already full: a watch event has been there first.
  bool Promote(const base::Json& obj);

  // The objects whose tracking annotation names |instance| (full unless keep_full refuses it), sorted by key.
  std::vector<base::Json> ManagedBy(std::string_view instance) const;
  // The stored form of |key| (full or lean), nullopt when absent.
  std::optional<base::Json> Get(const core::ResourceKey& key) const;
  // Keys of the objects whose ownerReferences name |uid|, sorted.
  std::vector<core::ResourceKey> ChildrenOf(std::string_view uid) const;

  int64_t size() const { return static_cast<int64_t>(objects_.size()); }
  int64_t managed_size() const { return managed_count_; }
  int64_t full_size() const { return full_count_; }  // managed objects kept in full
  int64_t approx_bytes() const { return bytes_; }

 private:
  struct Entry {
    base::Json obj;
    std::string uid;
    std::string resource_version;
    std::string instance;              // "" when not managed
    bool full = false;                 // obj is the whole object (else its lean form)
    std::vector<std::string> owners;   // owner uids
    int64_t bytes = 0;
  };
  using GroupKind = std::pair<std::string, std::string>;

  // Instances for an object with |instance| and |owners| (see the file comment).
  std::vector<std::string> InstancesFor(const std::string& instance, const std::vector<std::string>& owners) const;
  void Unlink(const core::ResourceKey& key, const Entry& e);
  void Link(const core::ResourceKey& key, const Entry& e);

  bool KeepsFull(const std::string& instance) const;

  const std::string tracking_annotation_;
  const KeepFull keep_full_;
  std::unordered_map<core::ResourceKey, Entry> objects_;
  std::map<GroupKind, std::unordered_set<core::ResourceKey>> by_kind_;
  std::unordered_map<std::string, core::ResourceKey> by_uid_;
  std::unordered_map<std::string, std::set<core::ResourceKey>> children_;  // by owner uid
  std::unordered_map<std::string, std::set<core::ResourceKey>> managed_;   // by instance
  int64_t managed_count_ = 0;
  int64_t full_count_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace capstan::cache

#endif  // CAPSTAN_CACHE_OBJECT_INDEX_H_
