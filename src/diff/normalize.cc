// Copyright 2026 The capstan Authors.

#include "diff/normalize.h"

#include <algorithm>
#include <string>

#include "base/base64.h"
#include "core/annotations.h"

namespace capstan::diff {

namespace {

constexpr const char* kServerMetadata[] = {"creationTimestamp", "managedFields", "resourceVersion",
                                           "uid",               "generation",    "selfLink"};

// Sorts the array at |obj[key]| by its elements' JSON text (a total, stable order).
void SortArray(base::Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return;
  std::sort(it->begin(), it->end(), [](const base::Json& a, const base::Json& b) { return a.dump() < b.dump(); });
}

void NormalizeSecret(base::Json& obj) {
  if (auto sd = obj.find("stringData"); sd != obj.end()) {
    if (sd->is_object()) {
      for (auto it = sd->begin(); it != sd->end(); ++it) {
        obj["data"][it.key()] = base::Base64Encode(it.value().is_string() ? it.value().get<std::string>() : "");
      }
    }
    obj.erase("stringData");
  }
  if (auto data = obj.find("data"); data != obj.end() && data->is_object()) {
    for (auto it = data->begin(); it != data->end(); ++it) {
      if (it.value().is_null()) it.value() = "";
    }
  }
}

void NormalizeEndpoints(base::Json& obj) {
  auto subsets = obj.find("subsets");
  if (subsets == obj.end() || !subsets->is_array()) return;
  for (base::Json& subset : *subsets) {
    if (!subset.is_object()) continue;
    if (auto ports = subset.find("ports"); ports != subset.end() && ports->is_array()) {
      for (base::Json& p : *ports) {
        if (p.is_object() && (!p.contains("protocol") || p["protocol"].is_null())) p["protocol"] = "TCP";
      }
    }
    SortArray(subset, "addresses");
    SortArray(subset, "notReadyAddresses");
    SortArray(subset, "ports");
  }
  SortArray(obj, "subsets");
}

}  // namespace

void Normalize(base::Json& obj) {
  if (!obj.is_object()) return;
  if (auto md = obj.find("metadata"); md != obj.end() && md->is_object()) {
    for (const char* key : kServerMetadata) md->erase(key);
    for (const char* key : {"labels", "annotations"}) {
      if (auto m = md->find(key); m != md->end() && (m->is_null() || (m->is_object() && m->empty()))) md->erase(key);
    }
  }
  std::string kind = base::GetString(obj, "kind");
  std::string api_version = base::GetString(obj, "apiVersion");
  if (kind == "Secret" && api_version == "v1") {
    NormalizeSecret(obj);
  } else if ((kind == "Role" || kind == "ClusterRole") && api_version.rfind("rbac.authorization.k8s.io/", 0) == 0) {
    if (auto rules = obj.find("rules"); rules != obj.end() && (rules->is_null() || rules->empty())) obj.erase("rules");
  } else if (kind == "Endpoints" && api_version == "v1") {
    NormalizeEndpoints(obj);
  }
}

void NormalizeTracking(const base::Json& target, base::Json& live, std::string_view label_key) {
  if (!target.is_object() || !live.is_object()) return;
  if (base::GetString(live, "kind") == "CustomResourceDefinition") return;
  const std::string label(label_key);
  const std::string tracking(core::keys::kTrackingId);
  base::Json& md = live["metadata"];
  if (!md.is_object()) return;
  bool live_has_label = md.contains("labels") && md["labels"].is_object() && md["labels"].contains(label);
  if (!live_has_label) return;
  bool live_has_tracking =
      md.contains("annotations") && md["annotations"].is_object() && md["annotations"].contains(tracking);
  if (!live_has_tracking) {
    if (auto id = core::AnnotationOf(target, tracking)) md["annotations"][tracking] = *id;
  }
  const base::Json* target_labels = nullptr;
  if (auto tmd = target.find("metadata"); tmd != target.end() && tmd->is_object()) {
    if (auto l = tmd->find("labels"); l != tmd->end() && l->is_object()) target_labels = &*l;
  }
  if (!target_labels || !target_labels->contains(label)) md["labels"].erase(label);
}

}  // namespace capstan::diff
