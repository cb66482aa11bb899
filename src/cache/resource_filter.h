// Copyright 2026 The capstan Authors.
//
// ResourceFilter: which kinds the live cache watches, from capstan-cm's `resource.inclusions` and
// `resource.exclusions` (argocd-cm's keys and format: a YAML list of
// `{apiGroups: [...], kinds: [...], clusters: [...]}`, each entry a glob where `*` matches any run of
// characters and `?` one character; an absent or empty list matches everything).
//
// Argo CD's rules (util/settings/filtered_resource.go, IsExcludedResource):
//  - a kind matched by an exclusion is not watched, whatever the inclusions say;
//  - else, when there are inclusions, only the kinds they match are watched;
//  - the core exclusions always apply: the groups events.k8s.io and metrics.k8s.io, core Event and
//    coordination.k8s.io Lease (high-churn objects nobody manages and no tree shows);
//  - argocd-cm as installed also carries a `resource.exclusions` value (Endpoints, EndpointSlice,
//    authn/authz reviews, CertificateSigningRequest, cert-manager CertificateRequest, Cilium internals,
//    Kyverno reports). capstan applies that list when capstan-cm has no `resource.exclusions` key; a
//    key that is set replaces it, as editing the key in argocd-cm does.
//
// Thread safety: an immutable value after parsing; Allows is safe to call from many threads.

#ifndef CAPSTAN_CACHE_RESOURCE_FILTER_H_
#define CAPSTAN_CACHE_RESOURCE_FILTER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "core/gvk.h"

namespace capstan::cache {

// One entry of resource.inclusions / resource.exclusions.
struct FilteredResource {
  std::vector<std::string> api_groups;  // globs; empty matches every group
  std::vector<std::string> kinds;       // globs; empty matches every kind
  std::vector<std::string> clusters;    // globs on the cluster's server URL; empty matches all

  // True when the group, kind and cluster each match one glob of their list (or the list is empty).
  bool Matches(std::string_view group, std::string_view kind, std::string_view cluster) const;
};

// Glob match: `*` any run of characters (also none), `?` exactly one; everything else literally.
bool GlobMatch(std::string_view pattern, std::string_view text);

// Argo CD's always-applied exclusions (see the file comment).
const std::vector<FilteredResource>& CoreExclusions();
// The `resource.exclusions` value of argocd-cm as Argo CD installs it.
const std::vector<FilteredResource>& DefaultExclusions();

// Parses a resource.inclusions / resource.exclusions value. |key| names the setting in errors.
// An empty (or blank) value is an empty list. kInvalidArgument "<key>: ..." naming the entry (1-based)
// and the field when the text is not YAML, not a list, an entry is not a map, a field is not a list
// of strings, or an entry has an unknown field.
base::Result<std::vector<FilteredResource>> ParseFilteredResources(std::string_view value, std::string_view key);

class ResourceFilter {
 public:
  // No user inclusions or exclusions: the core and default exclusions apply.
  ResourceFilter();

  // From capstan-cm's values (nullopt when the key is absent). Errors as ParseFilteredResources.
  static base::Result<ResourceFilter> FromSettings(const std::optional<std::string>& inclusions,
                                                   const std::optional<std::string>& exclusions);

  // Whether objects of |gvk| on the cluster at |cluster_server| are watched (the file comment's rules).
  bool Allows(const core::Gvk& gvk, std::string_view cluster_server) const;

  const std::vector<FilteredResource>& inclusions() const { return inclusions_; }
  // The exclusions in force besides the core ones (the defaults, or the user's).
  const std::vector<FilteredResource>& exclusions() const { return exclusions_; }

 private:
  std::vector<FilteredResource> inclusions_;
  std::vector<FilteredResource> exclusions_;
};

}  // namespace capstan::cache

#endif  // CAPSTAN_CACHE_RESOURCE_FILTER_H_
