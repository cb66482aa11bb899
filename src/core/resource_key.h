// Copyright 2026 The capstan Authors.
//
// ResourceKey identifies one object across versions: group, kind, namespace, name (as gitops-engine's
// kube.ResourceKey). Two manifests with the same key are the same object, whatever their apiVersion.
//
// Thread safety: a plain value.

#ifndef CAPSTAN_CORE_RESOURCE_KEY_H_
#define CAPSTAN_CORE_RESOURCE_KEY_H_

#include <compare>
#include <functional>
#include <string>

#include "base/json_fwd.h"

namespace capstan::core {

struct ResourceKey {
  std::string group;
  std::string kind;
  std::string namespace_;  // "" for cluster-scoped objects
  std::string name;

  // The key of |obj| from apiVersion, kind, metadata.namespace and metadata.name.
  static ResourceKey Of(const base::Json& obj);

  // "group/Kind/namespace/name" (gitops-engine's String()): "apps/Deployment/default/web",
  // "/ConfigMap/ns/cm", "/Namespace//ns".
  std::string ToString() const;
  // What a person reads: "apps/Deployment ns/web", "Namespace ns", "ConfigMap ns/cm".
  std::string Display() const;

  auto operator<=>(const ResourceKey&) const = default;
};

}  // namespace capstan::core

template <>
struct std::hash<capstan::core::ResourceKey> {
  size_t operator()(const capstan::core::ResourceKey& k) const noexcept;
};

#endif  // CAPSTAN_CORE_RESOURCE_KEY_H_
