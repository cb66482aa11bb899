// Copyright 2026 The capstan Authors.

#include "app/cached_live_source.h"

#include <unordered_map>

#include "core/resource_key.h"

namespace capstan::app {

namespace {

// GETs |gvk| |key| from the server: nullopt when it (or its kind) does not exist.
base::Result<std::optional<base::Json>> Fetch(kube::Client& client, const core::Gvk& gvk, const core::ResourceKey& key) {
  auto got = client.Get(gvk, key.namespace_, key.name);
  if (got.ok()) return std::optional<base::Json>(std::move(*got));
  if (got.status().IsNotFound()) return std::optional<base::Json>();
  return got.status().Annotate("reading " + key.Display());
}

}  // namespace

base::Result<std::vector<base::Json>> CachedLiveSource::ListLive(const std::vector<core::Gvk>& /*kinds*/,
                                                                 const std::string& instance_name,
                                                                 const std::string& /*destination_namespace*/,
                                                                 const std::vector<base::Json>& targets) {
  std::vector<base::Json> out = cache_.ManagedBy(instance_name);
  std::unordered_map<core::ResourceKey, size_t> tracked;
  for (size_t i = 0; i < out.size(); ++i) tracked.emplace(core::ResourceKey::Of(out[i]), i);

  for (const base::Json& target : targets) {
    core::ResourceKey key = core::ResourceKey::Of(target);
    core::Gvk gvk = core::Gvk::Of(target);
    if (auto it = tracked.find(key); it != tracked.end()) {
      base::Json& live = out[it->second];
      if (base::GetString(live, "apiVersion") == base::GetString(target, "apiVersion")) continue;
      CAPSTAN_ASSIGN_OR_RETURN(std::optional<base::Json> at_version, Fetch(client_, gvk, key));
      if (at_version) live = std::move(*at_version);
      continue;
    }
    if (cache_.Watches(key.group, key.kind) && !cache_.Get(key).has_value()) continue;  // known absent
    CAPSTAN_ASSIGN_OR_RETURN(std::optional<base::Json> live, Fetch(client_, gvk, key));
    if (live) {
      tracked.emplace(key, out.size());
      out.push_back(std::move(*live));
    }
  }
  return out;
}

}  // namespace capstan::app
