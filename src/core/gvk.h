// Copyright 2026 The capstan Authors.
//
// GroupVersionKind: the type of a Kubernetes object as written in its apiVersion and kind.
//
// Thread safety: a plain value.

#ifndef CAPSTAN_CORE_GVK_H_
#define CAPSTAN_CORE_GVK_H_

#include <compare>
#include <string>
#include <string_view>

#include "base/json_fwd.h"

namespace capstan::core {

struct Gvk {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string kind;     // "ConfigMap"

  // Parses "apps/v1" or "v1" plus a kind.
  static Gvk FromApiVersion(std::string_view api_version, std::string_view kind);
  // The apiVersion and kind of |obj| (empty fields when absent).
  static Gvk Of(const base::Json& obj);

  // "apps/v1" or "v1".
  std::string api_version() const;
  // "apps/v1, Kind=Deployment", as Kubernetes prints it.
  std::string ToString() const;

  auto operator<=>(const Gvk&) const = default;
};

}  // namespace capstan::core

#endif  // CAPSTAN_CORE_GVK_H_
