// Copyright 2026 The capstan Authors.
//
// Which kinds the live cache watches: every kind the server serves with the `list` and `watch` verbs
// that the ResourceFilter allows, each once, at its preferred version — as gitops-engine's cluster
// cache does with client-go's ServerPreferredResources. The preferred version of a group/kind is the
// highest by Kubernetes' version priority (v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > anything else),
// which is the order API servers list a group's versions in. A CustomResourceDefinition names its kind
// and served versions directly (CrdKind), so kinds of CRDs created later are found without discovery.
//
// Thread safety: pure functions, except DiscoverKinds, which calls the (thread-safe) client.

#ifndef CAPSTAN_CACHE_KIND_DISCOVERY_H_
#define CAPSTAN_CACHE_KIND_DISCOVERY_H_

#include <optional>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "cache/resource_filter.h"
#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::cache {

// Kubernetes' version priority: < 0 when |a| goes before |b| (is preferred), 0 when equal, > 0 after.
int CompareKubeVersions(std::string_view a, std::string_view b);

// The kinds to watch (see the file comment), sorted by group then kind. Uses the client's
// GetServerInfo and Resolve; a kind Resolve no longer finds is skipped. Errors as the client returns
// them, annotated "discovering the server's kinds".
base::Result<std::vector<kube::ApiResource>> DiscoverKinds(kube::Client& client, const ResourceFilter& filter,
                                                           std::string_view cluster_server);

// The kind a CustomResourceDefinition serves, at its preferred served version; nullopt when the CRD is
// not Established yet or serves no version.
std::optional<core::Gvk> CrdKind(const base::Json& crd);

// Whether |res| is served with |verb| ("list", "watch").
bool HasVerb(const kube::ApiResource& res, std::string_view verb);

}  // namespace capstan::cache

#endif  // CAPSTAN_CACHE_KIND_DISCOVERY_H_
