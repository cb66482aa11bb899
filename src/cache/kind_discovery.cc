// Copyright 2026 The capstan Authors.

#include "cache/kind_discovery.h"

#include <cctype>
#include <map>
#include <utility>

namespace capstan::cache {

namespace {

// A version's rank: GA 3, beta 2, alpha 1, anything else 0; with its major and minor numbers.
struct VersionRank {
  int level = 0;
  long major = 0;
  long minor = 0;
};

VersionRank RankOf(std::string_view v) {
  VersionRank r;
  if (v.size() < 2 || v[0] != 'v' || !std::isdigit(static_cast<unsigned char>(v[1]))) return r;
  size_t i = 1;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) r.major = r.major * 10 + (v[i++] - '0');
  if (i == v.size()) {
    r.level = 3;
    return r;
  }
  std::string_view rest = v.substr(i);
  int level = rest.rfind("beta", 0) == 0 ? 2 : rest.rfind("alpha", 0) == 0 ? 1 : 0;
  if (level == 0) return VersionRank{};
  size_t j = level == 2 ? 4 : 5;
  if (j == rest.size()) return VersionRank{};
  for (; j < rest.size(); ++j) {
    if (!std::isdigit(static_cast<unsigned char>(rest[j]))) return VersionRank{};
    r.minor = r.minor * 10 + (rest[j] - '0');
  }
  r.level = level;
  return r;
}

// "apps/v1/Deployment" → Gvk; "v1/ConfigMap" → core group; group versions alone ("apps/v1") → nullopt.
std::optional<core::Gvk> ParseApiVersionEntry(const std::string& entry) {
  size_t slash = entry.rfind('/');
  if (slash == std::string::npos || slash + 1 >= entry.size()) return std::nullopt;
  if (!std::isupper(static_cast<unsigned char>(entry[slash + 1]))) return std::nullopt;
  return core::Gvk::FromApiVersion(entry.substr(0, slash), entry.substr(slash + 1));
}

}  // namespace

int CompareKubeVersions(std::string_view a, std::string_view b) {
  VersionRank ra = RankOf(a), rb = RankOf(b);
  if (ra.level != rb.level) return ra.level > rb.level ? -1 : 1;
  if (ra.level == 0) return a < b ? -1 : a == b ? 0 : 1;
  if (ra.major != rb.major) return ra.major > rb.major ? -1 : 1;
  if (ra.minor != rb.minor) return ra.minor > rb.minor ? -1 : 1;
  return 0;
}

bool HasVerb(const kube::ApiResource& res, std::string_view verb) {
  for (const auto& v : res.verbs) {
    if (v == verb) return true;
  }
  return false;
}

base::Result<std::vector<kube::ApiResource>> DiscoverKinds(kube::Client& client, const ResourceFilter& filter,
                                                           std::string_view cluster_server) {
  constexpr std::string_view kWhat = "discovering the server's kinds";
  auto info = client.GetServerInfo();
  if (!info.ok()) return info.status().Annotate(kWhat);
  std::map<std::pair<std::string, std::string>, core::Gvk> preferred;  // by (group, kind)
  for (const std::string& entry : info->api_versions) {
    std::optional<core::Gvk> gvk = ParseApiVersionEntry(entry);
    if (!gvk || !filter.Allows(*gvk, cluster_server)) continue;
    auto [it, inserted] = preferred.try_emplace({gvk->group, gvk->kind}, *gvk);
    if (!inserted && CompareKubeVersions(gvk->version, it->second.version) < 0) it->second = *gvk;
  }
  std::vector<kube::ApiResource> out;
  for (const auto& [gk, gvk] : preferred) {
    auto res = client.Resolve(gvk);
    if (!res.ok()) {
      if (res.status().IsNotFound()) continue;
      return res.status().Annotate(kWhat);
    }
    if (HasVerb(*res, "list") && HasVerb(*res, "watch")) out.push_back(std::move(*res));
  }
  return out;
}

std::optional<core::Gvk> CrdKind(const base::Json& crd) {
  bool established = false;
  if (auto st = crd.find("status"); st != crd.end() && st->is_object()) {
    if (auto conds = st->find("conditions"); conds != st->end() && conds->is_array()) {
      for (const base::Json& c : *conds) {
        if (base::GetString(c, "type") == "Established" && base::GetString(c, "status") == "True") established = true;
      }
    }
  }
  std::string group = base::GetStringAt(crd, "spec/group");
  std::string kind = base::GetStringAt(crd, "spec/names/kind");
  if (!established || group.empty() || kind.empty()) return std::nullopt;
  std::optional<std::string> best;
  const base::Json* versions = nullptr;
  if (auto spec = crd.find("spec"); spec != crd.end() && spec->is_object()) {
    if (auto v = spec->find("versions"); v != spec->end() && v->is_array()) versions = &*v;
  }
  if (versions == nullptr) return std::nullopt;
  for (const base::Json& v : *versions) {
    std::string name = base::GetString(v, "name");
    auto served = v.find("served");
    if (name.empty() || (served != v.end() && served->is_boolean() && !served->get<bool>())) continue;
    if (!best || CompareKubeVersions(name, *best) < 0) best = name;
  }
  if (!best) return std::nullopt;
  return core::Gvk{group, *best, kind};
}

}  // namespace capstan::cache
