// Copyright 2026 The capstan Authors.

#include "core/gvk.h"

#include "base/json.h"

namespace capstan::core {

Gvk Gvk::FromApiVersion(std::string_view api_version, std::string_view kind) {
  Gvk g;
  size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) {
    g.version = std::string(api_version);
  } else {
    g.group = std::string(api_version.substr(0, slash));
    g.version = std::string(api_version.substr(slash + 1));
  }
  g.kind = std::string(kind);
  return g;
}

Gvk Gvk::Of(const base::Json& obj) {
  return FromApiVersion(base::GetString(obj, "apiVersion"), base::GetString(obj, "kind"));
}

std::string Gvk::api_version() const { return group.empty() ? version : group + "/" + version; }

std::string Gvk::ToString() const { return api_version() + ", Kind=" + kind; }

}  // namespace capstan::core
