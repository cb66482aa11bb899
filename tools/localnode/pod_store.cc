// Copyright 2026 The capstan Authors.

#include "localnode/pod_store.h"

#include <charconv>
#include <cstdint>

namespace capstan::localnode {
namespace {

std::optional<uint64_t> ParseVersion(const std::string& v) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return n;
}

}  // namespace

bool NewerVersion(const std::string& a, const std::string& b) {
  auto va = ParseVersion(a), vb = ParseVersion(b);
  if (!va || !vb) return true;
  return *va > *vb;
}

std::string PodStore::KeyOf(const base::Json& pod) {
  return base::GetStringAt(pod, "metadata/namespace") + "/" + base::GetStringAt(pod, "metadata/name");
}

bool PodStore::Update(const base::Json& pod) {
  std::string key = KeyOf(pod);
  std::string rv = base::GetStringAt(pod, "metadata/resourceVersion");
  std::lock_guard lock(mu_);
  auto it = pods_.find(key);
  if (it != pods_.end()) {
    std::string have = base::GetStringAt(it->second, "metadata/resourceVersion");
    if (have != rv && !NewerVersion(rv, have)) return false;
    it->second = pod;
    return true;
  }
  pods_.emplace(std::move(key), pod);
  return true;
}

bool PodStore::Remove(const std::string& key, const std::string& uid) {
  std::lock_guard lock(mu_);
  auto it = pods_.find(key);
  if (it == pods_.end()) return false;
  if (!uid.empty() && base::GetStringAt(it->second, "metadata/uid") != uid) return false;
  pods_.erase(it);
  return true;
}

std::optional<base::Json> PodStore::Get(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = pods_.find(key);
  if (it == pods_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> PodStore::Keys() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  out.reserve(pods_.size());
  for (const auto& [key, pod] : pods_) out.push_back(key);
  return out;
}

size_t PodStore::size() const {
  std::lock_guard lock(mu_);
  return pods_.size();
}

std::vector<std::pair<std::string, std::string>> PodStore::RetainOnly(const std::set<std::string>& keep) {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::string>> removed;
  for (auto it = pods_.begin(); it != pods_.end();) {
    if (keep.count(it->first) == 0) {
      removed.emplace_back(it->first, base::GetStringAt(it->second, "metadata/uid"));
      it = pods_.erase(it);
    } else {
      ++it;
    }
  }
  return removed;
}

}  // namespace capstan::localnode
