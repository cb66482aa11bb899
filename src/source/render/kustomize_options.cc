// Copyright 2026 The capstan Authors.
//
// ParseKustomizeOptions: spec.source.kustomize, Argo CD's ApplicationSourceKustomize
// (pkg/apis/application/v1alpha1/types.go). Fields are checked for their JSON type as the CRD's
// schema would; null counts as absent. Unknown fields are refused (the CRD would prune them
// silently, which hides a typo such as `nameprefix`).

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "source/render/kustomize.h"

namespace capstan::source::render {
namespace {

const std::string kPrefix = "spec.source.kustomize.";

base::Status TypeError(const std::string& field, std::string_view want) {
  return base::Status::InvalidArgument(kPrefix + field + ": expected " + std::string(want));
}

base::Status GetString(const base::Json& v, const std::string& field, std::string& out) {
  if (v.is_null()) return base::Status::Ok();
  if (!v.is_string()) return TypeError(field, "a string");
  out = v.get<std::string>();
  return base::Status::Ok();
}

base::Status GetBool(const base::Json& v, const std::string& field, bool& out) {
  if (v.is_null()) return base::Status::Ok();
  if (!v.is_boolean()) return TypeError(field, "true or false");
  out = v.get<bool>();
  return base::Status::Ok();
}

base::Status GetStrings(const base::Json& v, const std::string& field, std::vector<std::string>& out) {
  if (v.is_null()) return base::Status::Ok();
  if (!v.is_array()) return TypeError(field, "a list of strings");
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) return TypeError(field + "[" + std::to_string(i) + "]", "a string");
    out.push_back(v[i].get<std::string>());
  }
  return base::Status::Ok();
}

base::Status GetStringMap(const base::Json& v, const std::string& field, std::map<std::string, std::string>& out) {
  if (v.is_null()) return base::Status::Ok();
  if (!v.is_object()) return TypeError(field, "a map of strings");
  for (const auto& [key, value] : v.items()) {
    if (!value.is_string()) return TypeError(field + "." + key, "a string (quote numbers and booleans)");
    out[key] = value.get<std::string>();
  }
  return base::Status::Ok();
}

// KustomizeReplica: {name, count} where count is an int or a string holding one (intstr; Argo CD's
// GetIntCount: "expected integer value for count. Received: x").
base::Status GetReplicas(const base::Json& v, std::vector<KustomizeReplica>& out) {
  if (v.is_null()) return base::Status::Ok();
  if (!v.is_array()) return TypeError("replicas", "a list of {name, count}");
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string field = "replicas[" + std::to_string(i) + "]";
    const base::Json& r = v[i];
    if (!r.is_object()) return TypeError(field, "a map with name and count");
    KustomizeReplica replica;
    for (const auto& [key, value] : r.items()) {
      if (key != "name" && key != "count") {
        return base::Status::InvalidArgument(kPrefix + field + "." + key + ": unknown field");
      }
    }
    CAPSTAN_RETURN_IF_ERROR(GetString(r.value("name", base::Json()), field + ".name", replica.name));
    if (replica.name.empty()) return base::Status::InvalidArgument(kPrefix + field + ".name: is required");
    const base::Json count = r.value("count", base::Json());
    if (count.is_number_integer()) {
      replica.count = count.get<int64_t>();
    } else if (count.is_string()) {
      const std::string s = count.get<std::string>();
      size_t used = 0;
      bool ok = !s.empty();
      try {
        replica.count = std::stoll(s, &used);
      } catch (...) {
        ok = false;
      }
      if (!ok || used != s.size()) {
        return base::Status::InvalidArgument(kPrefix + field + ".count: expected integer value for count. Received: " +
                                             s);
      }
    } else {
      return TypeError(field + ".count", "an integer (or a string holding one)");
    }
    out.push_back(std::move(replica));
  }
  return base::Status::Ok();
}

// KustomizePatch {path, patch, target{group, version, kind, name, namespace, labelSelector,
// annotationSelector}, options map[string]bool}, kept as the kustomization entry Go would marshal
// (omitempty: empty fields left out).
base::Status GetPatches(const base::Json& v, std::vector<base::Json>& out) {
  if (v.is_null()) return base::Status::Ok();
  if (!v.is_array()) return TypeError("patches", "a list of patches");
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string field = "patches[" + std::to_string(i) + "]";
    const base::Json& p = v[i];
    if (!p.is_object()) return TypeError(field, "a map with patch or path, target and options");
    base::Json entry = base::Json::object();
    for (const auto& [key, value] : p.items()) {
      const std::string f = field + "." + key;
      if (key == "path" || key == "patch") {
        std::string s;
        CAPSTAN_RETURN_IF_ERROR(GetString(value, f, s));
        if (!s.empty()) entry[key] = s;
      } else if (key == "target") {
        if (value.is_null()) continue;
        if (!value.is_object()) return TypeError(f, "a map");
        base::Json target = base::Json::object();
        for (const auto& [tk, tv] : value.items()) {
          static const char* const kTargetFields[] = {"group", "version", "kind", "name", "namespace",
                                                      "labelSelector", "annotationSelector"};
          if (std::find(std::begin(kTargetFields), std::end(kTargetFields), tk) == std::end(kTargetFields)) {
            return base::Status::InvalidArgument(kPrefix + f + "." + tk + ": unknown field");
          }
          std::string s;
          CAPSTAN_RETURN_IF_ERROR(GetString(tv, f + "." + tk, s));
          if (!s.empty()) target[tk] = s;
        }
        if (!target.empty()) entry["target"] = std::move(target);
      } else if (key == "options") {
        if (value.is_null()) continue;
        if (!value.is_object()) return TypeError(f, "a map of booleans");
        for (const auto& [ok, ov] : value.items()) {
          if (!ov.is_boolean()) return TypeError(f + "." + ok, "true or false");
        }
        if (!value.empty()) entry["options"] = value;
      } else {
        return base::Status::InvalidArgument(kPrefix + f + ": unknown field");
      }
    }
    if (!entry.contains("patch") && !entry.contains("path")) {
      return base::Status::InvalidArgument(kPrefix + field + ": needs patch (inline) or path (a file)");
    }
    out.push_back(std::move(entry));
  }
  return base::Status::Ok();
}

}  // namespace

base::Result<KustomizeOptions> ParseKustomizeOptions(const base::Json& kustomize) {
  KustomizeOptions o;
  if (kustomize.is_null()) return o;
  if (!kustomize.is_object()) return base::Status::InvalidArgument("spec.source.kustomize: expected a map");
  o.raw = kustomize;
  for (const auto& [key, v] : kustomize.items()) {
    base::Status s;
    if (key == "namePrefix") s = GetString(v, key, o.name_prefix);
    else if (key == "nameSuffix") s = GetString(v, key, o.name_suffix);
    else if (key == "images") s = GetStrings(v, key, o.images);
    else if (key == "replicas") s = GetReplicas(v, o.replicas);
    else if (key == "commonLabels") s = GetStringMap(v, key, o.common_labels);
    else if (key == "commonAnnotations") s = GetStringMap(v, key, o.common_annotations);
    else if (key == "commonAnnotationsEnvsubst") s = GetBool(v, key, o.common_annotations_envsubst);
    else if (key == "forceCommonLabels") s = GetBool(v, key, o.force_common_labels);
    else if (key == "forceCommonAnnotations") s = GetBool(v, key, o.force_common_annotations);
    else if (key == "labelWithoutSelector") s = GetBool(v, key, o.label_without_selector);
    else if (key == "labelIncludeTemplates") s = GetBool(v, key, o.label_include_templates);
    else if (key == "namespace") s = GetString(v, key, o.namespace_);
    else if (key == "patches") s = GetPatches(v, o.patches);
    else if (key == "components") s = GetStrings(v, key, o.components);
    else if (key == "ignoreMissingComponents") s = GetBool(v, key, o.ignore_missing_components);
    else if (key == "kubeVersion") s = GetString(v, key, o.kube_version);
    else if (key == "apiVersions") s = GetStrings(v, key, o.api_versions);
    else if (key == "version") {
      std::string version;
      s = GetString(v, key, version);
      if (s.ok() && !version.empty()) {
        s = base::Status::InvalidArgument(
            kPrefix + "version: \"" + version +
            "\": capstan has one kustomize (the one in kubectl, or `kustomize` in $PATH); named kustomize "
            "versions (argocd-cm kustomize.version.*) are not supported, remove the field");
      }
    } else {
      s = base::Status::InvalidArgument(kPrefix + key + ": unknown field");
    }
    CAPSTAN_RETURN_IF_ERROR(s);
  }
  // kustomize `edit add label`: "--without-selector flag must be specified for --include-templates
  // to work" (Argo CD passes the flags only when there are commonLabels).
  if (!o.common_labels.empty() && o.label_include_templates && !o.label_without_selector) {
    return base::Status::InvalidArgument(
        kPrefix + "labelIncludeTemplates: needs labelWithoutSelector (kustomize: --without-selector flag must be "
                  "specified for --include-templates to work)");
  }
  return o;
}

}  // namespace capstan::source::render
