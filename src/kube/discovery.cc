// Copyright 2026 The capstan Authors.

#include "kube/discovery.h"

namespace capstan::kube {

using base::Json;
using base::Result;
using base::Status;

Discovery::Discovery(FetchFn fetch) : fetch_(std::move(fetch)) {}

Result<std::vector<ApiResource>> Discovery::ParseResourceList(const Json& list) {
  if (!list.is_object() || base::GetString(list, "kind") != "APIResourceList") {
    return Status::Internal("discovery: the answer is not an APIResourceList");
  }
  core::Gvk gv = core::Gvk::FromApiVersion(base::GetString(list, "groupVersion"), "");
  std::vector<ApiResource> out;
  auto resources = list.find("resources");
  if (resources == list.end() || !resources->is_array()) return out;
  for (const Json& r : *resources) {
    std::string name = base::GetString(r, "name");
    if (name.empty() || name.find('/') != std::string::npos) continue;  // a subresource
    ApiResource res;
    res.resource = name;
    res.gvk.group = r.contains("group") && r["group"].is_string() ? r["group"].get<std::string>() : gv.group;
    res.gvk.version =
        r.contains("version") && r["version"].is_string() ? r["version"].get<std::string>() : gv.version;
    res.gvk.kind = base::GetString(r, "kind");
    res.namespaced = r.contains("namespaced") && r["namespaced"].is_boolean() && r["namespaced"].get<bool>();
    if (auto verbs = r.find("verbs"); verbs != r.end() && verbs->is_array()) {
      for (const Json& v : *verbs) {
        if (v.is_string()) res.verbs.push_back(v.get<std::string>());
      }
    }
    if (!res.gvk.kind.empty()) out.push_back(std::move(res));
  }
  return out;
}

Result<std::shared_ptr<const Discovery::KindMap>> Discovery::Refresh(const std::string& group_version) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++fetches_;
  }
  CAPSTAN_ASSIGN_OR_RETURN(Json list, fetch_(group_version));
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<ApiResource> resources, ParseResourceList(list));
  auto map = std::make_shared<KindMap>();
  for (ApiResource& r : resources) {
    // Only the kinds of this group-version (a list may name resources of another, e.g. scale).
    std::string kind = r.gvk.kind;
    map->emplace(std::move(kind), std::move(r));
  }
  std::lock_guard<std::mutex> lock(mu_);
  cache_[group_version] = map;
  return std::shared_ptr<const KindMap>(map);
}

Result<ApiResource> Discovery::Resolve(const core::Gvk& gvk) {
  const std::string gv = gvk.api_version();
  std::shared_ptr<const KindMap> map;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(gv);
    if (it != cache_.end()) map = it->second;
  }
  auto lookup = [&](const KindMap& m) -> const ApiResource* {
    auto it = m.find(gvk.kind);
    // A list may also name another group-version's kind for a subresource-less alias; insist on ours.
    if (it == m.end() || it->second.gvk.group != gvk.group || it->second.gvk.version != gvk.version) {
      return nullptr;
    }
    return &it->second;
  };
  if (map != nullptr) {
    if (const ApiResource* r = lookup(*map)) return *r;
  }
  // Not cached, or the kind is new since we looked: ask the server (once).
  auto fresh = Refresh(gv);
  if (!fresh.ok()) {
    if (fresh.status().IsNotFound()) {
      return Status::NotFound("the server does not serve " + gvk.ToString() + " (no group-version " + gv + ")");
    }
    return fresh.status().Annotate("discovery of " + gv);
  }
  if (const ApiResource* r = lookup(**fresh)) return *r;
  return Status::NotFound("the server does not serve " + gvk.ToString() + " (group-version " + gv +
                          " has no kind " + gvk.kind + ")");
}

void Discovery::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
}

int Discovery::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace capstan::kube
