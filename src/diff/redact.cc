// Copyright 2026 The capstan Authors.

#include "diff/redact.h"

#include <map>
#include <set>
#include <string>

#include "core/annotations.h"
#include "diff/normalize.h"

namespace capstan::diff {

namespace {

bool IsSecret(const base::Json& obj) {
  return obj.is_object() && base::GetString(obj, "kind") == "Secret" && base::GetString(obj, "apiVersion") == "v1";
}

// stringData merged into data (base64), as the server stores it, so both are masked together.
void MergeStringData(base::Json& obj) {
  base::Json normalized = obj;
  Normalize(normalized);
  if (normalized.contains("data")) obj["data"] = normalized["data"];
  obj.erase("stringData");
}

}  // namespace

void RedactSecrets(base::Json& a, base::Json& b) {
  base::Json* sides[] = {IsSecret(a) ? &a : nullptr, IsSecret(b) ? &b : nullptr};
  std::set<std::string> keys;
  for (base::Json* s : sides) {
    if (!s) continue;
    MergeStringData(*s);
    if (auto d = s->find("data"); d != s->end() && d->is_object()) {
      for (auto it = d->begin(); it != d->end(); ++it) keys.insert(it.key());
    }
  }
  for (const std::string& key : keys) {
    std::map<std::string, std::string> masks;  // value → mask
    std::string next = "++++++++";
    for (base::Json* s : sides) {
      if (!s || !s->contains("data") || !(*s)["data"].is_object() || !(*s)["data"].contains(key)) continue;
      base::Json& v = (*s)["data"][key];
      std::string value = v.is_string() ? v.get<std::string>() : v.dump();
      auto [it, added] = masks.emplace(value, next);
      if (added) next += "++++";
      v = it->second;
    }
  }
  // last-applied-configuration carries the whole Secret, values included.
  std::map<std::string, std::string> masks;
  std::string next = "++++++++";
  for (base::Json* s : sides) {
    if (!s) continue;
    auto md = s->find("metadata");
    if (md == s->end() || !md->is_object()) continue;
    auto ann = md->find("annotations");
    if (ann == md->end() || !ann->is_object()) continue;
    auto la = ann->find(std::string(core::keys::kLastAppliedConfig));
    if (la == ann->end()) continue;
    auto [it, added] = masks.emplace(la->dump(), next);
    if (added) next += "++++";
    *la = it->second;
  }
}

void RedactSecret(base::Json& obj) {
  base::Json none;
  RedactSecrets(obj, none);
}

}  // namespace capstan::diff
