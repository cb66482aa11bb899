// Copyright 2026 The capstan Authors.
//
// REST paths of the Kubernetes API: where a kind's collection and objects live
// (/api/v1/namespaces/NS/pods/NAME/status, /apis/apps/v1/deployments), URL escaping of path segments
// and query parameters, and how messages name an object ("apps/Deployment ns/web").
//
// Thread safety: pure functions and plain values.

#ifndef CAPSTAN_KUBE_REST_PATHS_H_
#define CAPSTAN_KUBE_REST_PATHS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::kube {

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string UrlEscape(std::string_view s);

// A query string built parameter by parameter, each key and value escaped.
class Query {
 public:
  // Adds key=value (always, even when |value| is empty).
  Query& Add(std::string_view key, std::string_view value);
  // Adds key=value only when |value| is not empty.
  Query& AddIfSet(std::string_view key, std::string_view value);
  // "" when empty, else "?k=v&k2=v2".
  std::string str() const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

// "/api/v1" for the core group, else "/apis/<group>/<version>".
std::string GroupVersionPath(std::string_view group, std::string_view version);

// The path of |res|'s collection in |ns| ("" = all namespaces, or a cluster-scoped kind), or, with a
// |name|, of one object, or with a |subresource| too, of that subresource. |ns| is ignored for
// cluster-scoped kinds.
std::string ResourcePath(const ApiResource& res, std::string_view ns, std::string_view name = {},
                         std::string_view subresource = {});

// How messages name a kind: "apps/Deployment", "ConfigMap".
std::string DescribeKind(const core::Gvk& gvk);

// How messages name an object: "apps/Deployment ns/web", "ConfigMap ns/cfg", "Namespace prod"
// (no namespace part when |ns| is empty).
std::string DescribeObject(const core::Gvk& gvk, std::string_view ns, std::string_view name);

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_REST_PATHS_H_
