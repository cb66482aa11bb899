// Copyright 2026 The capstan Authors.
//
// Sharding: which controller replica processes which Application (issue 8). Two modes:
//
//  - dynamic (the default): the replicas alive now are the members (shard_membership.h: one Lease
//    each), and an app belongs to the member that scores highest for it under rendezvous hashing
//    (highest random weight: FNV-1a 64 of "<member>\n<app key>", mixed). Every replica computes the
//    same owner from the same member list, with no coordination and no shard table; when a member
//    joins or leaves, only the apps it gains or held move (about 1/N of them), the rest stay put.
//  - static (`--replicas N --shard i`, Argo CD's ARGOCD_CONTROLLER_REPLICAS with a StatefulSet
//    ordinal): an app belongs to shard FNV-1a 64(app key) mod N. Nothing moves when a replica dies:
//    its apps wait for it to be restarted.
//
// ShardMap holds the current answer for one replica. Until its first member list arrives (dynamic) it
// owns every app, so a lone controller never waits for its own membership to start working. While
// membership changes, two replicas may briefly both own an app (until each has seen the new list, 1 s
// apart at most): refreshes are idempotent and the operation Lease keeps one runner per operation.
//
// Thread safety: ShardMap is safe to use from any thread; the free functions are pure.

#ifndef CAPSTAN_APP_SHARD_H_
#define CAPSTAN_APP_SHARD_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace capstan::app {

// FNV-1a 64 of |s|: stable across processes, builds and hosts (member Lease names use it).
uint64_t StableHash(std::string_view s);

// The member of |members| that owns |key| under rendezvous hashing; "" when |members| is empty.
std::string RendezvousOwner(std::string_view key, const std::vector<std::string>& members);

// The static shard of |key| among |replicas| (> 0).
int StaticShardOf(std::string_view key, int replicas);

// The key "<namespace>/<name>" of the Application whose instance name (tracking id, spec §1.8) is
// |instance|: "<app>" lives in |control_plane_namespace|, "<namespace>_<app>" elsewhere.
std::string AppKeyOfInstance(std::string_view instance, std::string_view control_plane_namespace);

class ShardMap {
 public:
  // Dynamic: |self| is this replica's member identity.
  explicit ShardMap(std::string self) : self_(std::move(self)) {}
  // Static: this replica is shard |shard| of |replicas|. REQUIRES: 0 <= shard < replicas.
  ShardMap(std::string self, int replicas, int shard) : self_(std::move(self)), replicas_(replicas), shard_(shard) {}

  // Whether this replica processes the app |key| ("<namespace>/<name>").
  bool Owns(std::string_view key) const;

  // Dynamic mode: replaces the member list (this replica is added if missing). Returns whether it
  // changed. Ignored (false) in static mode.
  bool SetMembers(std::vector<std::string> members);
  std::vector<std::string> Members() const;

  bool is_static() const { return replicas_ > 0; }
  const std::string& self() const { return self_; }
  // "shard 1 of 3" or "member 2 of 3 (capstan/host-b/7)", for logs.
  std::string Describe() const;

 private:
  const std::string self_;
  const int replicas_ = 0;
  const int shard_ = -1;
  mutable std::mutex mu_;
  bool known_ = false;                // a member list arrived
  std::vector<std::string> members_;  // sorted, unique, holds self_
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_SHARD_H_
