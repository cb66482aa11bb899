// Copyright 2026 The capstan Authors.

#include "cache/resource_filter.h"

#include "base/json.h"
#include "base/yaml.h"

namespace capstan::cache {

namespace {

bool MatchesAny(const std::vector<std::string>& globs, std::string_view text) {
  if (globs.empty()) return true;
  for (const std::string& g : globs) {
    if (GlobMatch(g, text)) return true;
  }
  return false;
}

bool AnyMatches(const std::vector<FilteredResource>& list, const core::Gvk& gvk, std::string_view cluster) {
  for (const FilteredResource& r : list) {
    if (r.Matches(gvk.group, gvk.kind, cluster)) return true;
  }
  return false;
}

FilteredResource Entry(std::vector<std::string> groups, std::vector<std::string> kinds) {
  return FilteredResource{std::move(groups), std::move(kinds), {}};
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point (the last `*`): linear in practice, no recursion.
  size_t p = 0, t = 0, star = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_t = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool FilteredResource::Matches(std::string_view group, std::string_view kind, std::string_view cluster) const {
  return MatchesAny(api_groups, group) && MatchesAny(kinds, kind) && MatchesAny(clusters, cluster);
}

const std::vector<FilteredResource>& CoreExclusions() {
  static const auto* kList = new std::vector<FilteredResource>{
      Entry({"events.k8s.io", "metrics.k8s.io"}, {}),
      Entry({""}, {"Event"}),
      Entry({"coordination.k8s.io"}, {"Lease"}),
  };
  return *kList;
}

const std::vector<FilteredResource>& DefaultExclusions() {
  static const auto* kList = new std::vector<FilteredResource>{
      Entry({"", "discovery.k8s.io"}, {"Endpoints", "EndpointSlice"}),
      Entry({"coordination.k8s.io"}, {"Lease"}),
      Entry({"authentication.k8s.io", "authorization.k8s.io"},
            {"SelfSubjectReview", "TokenReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview",
             "SelfSubjectRulesReview", "SubjectAccessReview"}),
      Entry({"certificates.k8s.io"}, {"CertificateSigningRequest"}),
      Entry({"cert-manager.io"}, {"CertificateRequest"}),
      Entry({"cilium.io"}, {"CiliumIdentity", "CiliumEndpoint", "CiliumEndpointSlice"}),
      Entry({"kyverno.io", "reports.kyverno.io", "wgpolicyk8s.io"},
            {"PolicyReport", "ClusterPolicyReport", "EphemeralReport", "ClusterEphemeralReport", "AdmissionReport",
             "ClusterAdmissionReport", "BackgroundScanReport", "ClusterBackgroundScanReport", "UpdateRequest"}),
  };
  return *kList;
}

base::Result<std::vector<FilteredResource>> ParseFilteredResources(std::string_view value, std::string_view key) {
  std::vector<FilteredResource> out;
  if (value.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  auto doc = base::ParseYaml(value, key);
  if (!doc.ok()) return doc.status();
  if (doc->is_null()) return out;
  const std::string k(key);
  if (!doc->is_array()) {
    return base::Status::InvalidArgument(k + ": expected a list of {apiGroups, kinds, clusters} entries");
  }
  int n = 0;
  for (const base::Json& item : *doc) {
    ++n;
    const std::string where = k + ": entry " + std::to_string(n);
    if (!item.is_object()) {
      return base::Status::InvalidArgument(where + ": expected a map with apiGroups, kinds and clusters");
    }
    FilteredResource r;
    for (const auto& [field, list] : item.items()) {
      std::vector<std::string>* dst = field == "apiGroups" ? &r.api_groups
                                      : field == "kinds"   ? &r.kinds
                                      : field == "clusters" ? &r.clusters
                                                            : nullptr;
      if (dst == nullptr) {
        return base::Status::InvalidArgument(where + ": unknown field \"" + field +
                                             "\" (expected apiGroups, kinds, clusters)");
      }
      if (list.is_null()) continue;
      if (!list.is_array()) return base::Status::InvalidArgument(where + ": " + field + " must be a list of strings");
      for (const base::Json& s : list) {
        if (!s.is_string()) {
          return base::Status::InvalidArgument(where + ": " + field + " must be a list of strings, found " + s.dump());
        }
        dst->push_back(s.get<std::string>());
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

ResourceFilter::ResourceFilter() : exclusions_(DefaultExclusions()) {}

base::Result<ResourceFilter> ResourceFilter::FromSettings(const std::optional<std::string>& inclusions,
                                                          const std::optional<std::string>& exclusions) {
  ResourceFilter f;
  if (inclusions) {
    CAPSTAN_ASSIGN_OR_RETURN(f.inclusions_, ParseFilteredResources(*inclusions, "resource.inclusions"));
  }
  if (exclusions) {
    CAPSTAN_ASSIGN_OR_RETURN(f.exclusions_, ParseFilteredResources(*exclusions, "resource.exclusions"));
  }
  return f;
}

bool ResourceFilter::Allows(const core::Gvk& gvk, std::string_view cluster_server) const {
  if (AnyMatches(CoreExclusions(), gvk, cluster_server) || AnyMatches(exclusions_, gvk, cluster_server)) return false;
  if (inclusions_.empty()) return true;
  return AnyMatches(inclusions_, gvk, cluster_server);
}

}  // namespace capstan::cache
