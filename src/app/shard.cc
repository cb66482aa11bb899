// Copyright 2026 The capstan Authors.

#include "app/shard.h"

#include <algorithm>

namespace capstan::app {
namespace {

uint64_t Fnv1a64(std::string_view a, std::string_view b = {}) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(a);
  if (!b.empty()) {
    mix("\n");
    mix(b);
  }
  return h;
}

// A finalizer (splitmix64's) so that scores of one key under different members are independent.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

}  // namespace

uint64_t StableHash(std::string_view s) { return Fnv1a64(s); }

std::string RendezvousOwner(std::string_view key, const std::vector<std::string>& members) {
  std::string best;
  uint64_t best_score = 0;
  for (const std::string& m : members) {
    uint64_t score = Mix(Fnv1a64(m, key));
    // Ties (practically never) go to the smaller identity, so every replica picks the same one.
    if (best.empty() || score > best_score || (score == best_score && m < best)) {
      best = m;
      best_score = score;
    }
  }
  return best;
}

int StaticShardOf(std::string_view key, int replicas) {
  return static_cast<int>(Fnv1a64(key) % static_cast<uint64_t>(replicas));
}

std::string AppKeyOfInstance(std::string_view instance, std::string_view control_plane_namespace) {
  const size_t underscore = instance.find('_');
  if (underscore == std::string_view::npos) return std::string(control_plane_namespace) + "/" + std::string(instance);
  return std::string(instance.substr(0, underscore)) + "/" + std::string(instance.substr(underscore + 1));
}

bool ShardMap::Owns(std::string_view key) const {
  if (is_static()) return StaticShardOf(key, replicas_) == shard_;
  std::lock_guard<std::mutex> lock(mu_);
  if (!known_ || members_.size() <= 1) return true;
  return RendezvousOwner(key, members_) == self_;
}

bool ShardMap::SetMembers(std::vector<std::string> members) {
  if (is_static()) return false;
  members.push_back(self_);
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  std::lock_guard<std::mutex> lock(mu_);
  const bool changed = !known_ || members != members_;
  known_ = true;
  members_ = std::move(members);
  return changed;
}

std::vector<std::string> ShardMap::Members() const {
  std::lock_guard<std::mutex> lock(mu_);
  return members_;
}

std::string ShardMap::Describe() const {
  if (is_static()) return "shard " + std::to_string(shard_) + " of " + std::to_string(replicas_);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::find(members_.begin(), members_.end(), self_);
  const size_t index = it == members_.end() ? 0 : static_cast<size_t>(it - members_.begin()) + 1;
  std::string out = "member " + std::to_string(index) + " of " + std::to_string(std::max<size_t>(1, members_.size()));
  std::string names;
  for (const std::string& m : members_) names += (names.empty() ? "" : ", ") + m;
  return out + " (" + names + ")";
}

}  // namespace capstan::app
