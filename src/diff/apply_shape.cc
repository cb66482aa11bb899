// Copyright 2026 The capstan Authors.

#include "diff/apply_shape.h"

#include <initializer_list>
#include <string>

namespace capstan::diff {

namespace {

void FillProtocols(base::Json& ports) {
  if (!ports.is_array()) return;
  for (auto& p : ports) {
    if (p.is_object() && !p.contains("protocol")) p["protocol"] = "TCP";
  }
}

void FillPodSpec(base::Json* spec) {
  if (spec == nullptr || !spec->is_object()) return;
  for (const char* list : {"containers", "initContainers"}) {
    auto it = spec->find(list);
    if (it == spec->end() || !it->is_array()) continue;
    for (auto& c : *it) {
      if (c.is_object() && c.contains("ports")) FillProtocols(c["ports"]);
    }
  }
}

base::Json* Find(base::Json& obj, std::initializer_list<const char*> path) {
  base::Json* cur = &obj;
  for (const char* p : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(p);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

}  // namespace

void FillApplyDefaults(base::Json& obj) {
  const std::string kind = base::GetString(obj, "kind");
  if (kind == "Service") {
    if (base::Json* ports = Find(obj, {"spec", "ports"})) FillProtocols(*ports);
  } else if (kind == "Pod") {
    FillPodSpec(Find(obj, {"spec"}));
  } else if (kind == "CronJob") {
    FillPodSpec(Find(obj, {"spec", "jobTemplate", "spec", "template", "spec"}));
  } else {
    FillPodSpec(Find(obj, {"spec", "template", "spec"}));
  }
}

}  // namespace capstan::diff
