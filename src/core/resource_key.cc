// Copyright 2026 The capstan Authors.

#include "core/resource_key.h"

#include "base/json.h"
#include "core/gvk.h"

namespace capstan::core {

ResourceKey ResourceKey::Of(const base::Json& obj) {
  Gvk gvk = Gvk::Of(obj);
  return ResourceKey{gvk.group, gvk.kind, base::GetStringAt(obj, "metadata/namespace"),
                     base::GetStringAt(obj, "metadata/name")};
}

std::string ResourceKey::ToString() const { return group + "/" + kind + "/" + namespace_ + "/" + name; }

std::string ResourceKey::Display() const {
  std::string out = group.empty() ? kind : group + "/" + kind;
  out += ' ';
  if (!namespace_.empty()) out += namespace_ + "/";
  out += name;
  return out;
}

}  // namespace capstan::core

size_t std::hash<capstan::core::ResourceKey>::operator()(const capstan::core::ResourceKey& k) const noexcept {
  std::hash<std::string> h;
  size_t seed = h(k.group);
  for (const std::string* s : {&k.kind, &k.namespace_, &k.name}) {
    seed ^= h(*s) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  }
  return seed;
}
