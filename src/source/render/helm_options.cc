// Copyright 2026 The capstan Authors.
//
// ParseHelmOptions: spec.source.helm read field by field with Argo CD's field names
// (pkg/apis/application/v1alpha1 ApplicationSourceHelm). valuesObject wins over values, as
// ApplicationSourceHelm.ValuesYAML() prefers it.

#include <set>

#include "base/yaml.h"
#include "source/render/helm.h"

namespace capstan::source::render {
namespace {

const char kPrefix[] = "spec.source.helm.";

base::Status Wrong(std::string_view field, std::string_view want) {
  return base::Status::InvalidArgument(std::string(kPrefix) + std::string(field) + ": must be " + std::string(want));
}

// |key| of |obj|; messages name |where|.|key| (|where| "" = the helm block itself).
std::string FieldName(std::string_view where, std::string_view key) {
  return where.empty() ? std::string(key) : std::string(where) + "." + std::string(key);
}

base::Status ReadString(const base::Json& obj, std::string_view where, std::string_view key, std::string& out) {
  const std::string field = FieldName(where, key);
  auto it = obj.find(std::string(key));
  if (it == obj.end() || it->is_null()) return base::Status::Ok();
  if (!it->is_string()) return Wrong(field, "a string");
  out = it->get<std::string>();
  return base::Status::Ok();
}

base::Status ReadBool(const base::Json& obj, std::string_view where, std::string_view key, bool& out) {
  const std::string field = FieldName(where, key);
  auto it = obj.find(std::string(key));
  if (it == obj.end() || it->is_null()) return base::Status::Ok();
  if (!it->is_boolean()) return Wrong(field, "a boolean");
  out = it->get<bool>();
  return base::Status::Ok();
}

base::Status ReadStrings(const base::Json& obj, std::string_view key, std::vector<std::string>& out) {
  const std::string field(key);
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return base::Status::Ok();
  if (!it->is_array()) return Wrong(field, "a list of strings");
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) return Wrong(std::string(field) + "[" + std::to_string(i) + "]", "a string");
    out.push_back((*it)[i].get<std::string>());
  }
  return base::Status::Ok();
}

// The items of list |field|, each an object; |read| fills one from (item, "field[i]").
template <typename T, typename ReadFn>
base::Status ReadObjects(const base::Json& obj, std::string_view key, std::vector<T>& out, ReadFn read) {
  const std::string field(key);
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return base::Status::Ok();
  if (!it->is_array()) return Wrong(field, "a list");
  for (size_t i = 0; i < it->size(); ++i) {
    std::string at = std::string(field) + "[" + std::to_string(i) + "]";
    if (!(*it)[i].is_object()) return Wrong(at, "an object");
    T item;
    CAPSTAN_RETURN_IF_ERROR(read((*it)[i], at, item));
    out.push_back(std::move(item));
  }
  return base::Status::Ok();
}

base::Status CheckKnown(const base::Json& obj, std::string_view at, const std::set<std::string>& known) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!known.count(it.key())) {
      return base::Status::InvalidArgument(std::string(kPrefix) + std::string(at) + (at.empty() ? "" : ".") +
                                           it.key() + ": unknown field");
    }
  }
  return base::Status::Ok();
}

}  // namespace

base::Result<HelmOptions> ParseHelmOptions(const base::Json& helm) {
  HelmOptions out;
  if (helm.is_null()) return out;
  if (!helm.is_object()) return base::Status::InvalidArgument("spec.source.helm: must be an object");
  out.raw = helm;
  CAPSTAN_RETURN_IF_ERROR(CheckKnown(
      helm, "",
      {"valueFiles", "values", "valuesObject", "parameters", "fileParameters", "releaseName", "passCredentials",
       "ignoreMissingValueFiles", "skipCrds", "skipSchemaValidation", "skipTests", "version", "namespace",
       "kubeVersion", "apiVersions"}));
  CAPSTAN_RETURN_IF_ERROR(ReadStrings(helm, "valueFiles", out.value_files));
  CAPSTAN_RETURN_IF_ERROR(ReadString(helm, "", "values", out.values_yaml));
  if (auto it = helm.find("valuesObject"); it != helm.end() && !it->is_null()) {
    if (!it->is_object()) return Wrong("valuesObject", "an object");
    if (!it->empty()) out.values_yaml = base::EmitYaml(*it);
  }
  CAPSTAN_RETURN_IF_ERROR(ReadObjects(helm, "parameters", out.parameters,
                                      [](const base::Json& item, const std::string& at, HelmParameter& p) {
                                        CAPSTAN_RETURN_IF_ERROR(CheckKnown(item, at, {"name", "value", "forceString"}));
                                        CAPSTAN_RETURN_IF_ERROR(ReadString(item, at, "name", p.name));
                                        CAPSTAN_RETURN_IF_ERROR(ReadString(item, at, "value", p.value));
                                        return ReadBool(item, at, "forceString", p.force_string);
                                      }));
  CAPSTAN_RETURN_IF_ERROR(ReadObjects(helm, "fileParameters", out.file_parameters,
                                      [](const base::Json& item, const std::string& at, HelmFileParameter& p) {
                                        CAPSTAN_RETURN_IF_ERROR(CheckKnown(item, at, {"name", "path"}));
                                        CAPSTAN_RETURN_IF_ERROR(ReadString(item, at, "name", p.name));
                                        return ReadString(item, at, "path", p.path);
                                      }));
  CAPSTAN_RETURN_IF_ERROR(ReadString(helm, "", "releaseName", out.release_name));
  CAPSTAN_RETURN_IF_ERROR(ReadString(helm, "", "namespace", out.namespace_name));
  CAPSTAN_RETURN_IF_ERROR(ReadString(helm, "", "kubeVersion", out.kube_version));
  CAPSTAN_RETURN_IF_ERROR(ReadStrings(helm, "apiVersions", out.api_versions));
  CAPSTAN_RETURN_IF_ERROR(ReadString(helm, "", "version", out.version));
  CAPSTAN_RETURN_IF_ERROR(ReadBool(helm, "", "passCredentials", out.pass_credentials));
  CAPSTAN_RETURN_IF_ERROR(ReadBool(helm, "", "ignoreMissingValueFiles", out.ignore_missing_value_files));
  CAPSTAN_RETURN_IF_ERROR(ReadBool(helm, "", "skipCrds", out.skip_crds));
  CAPSTAN_RETURN_IF_ERROR(ReadBool(helm, "", "skipSchemaValidation", out.skip_schema_validation));
  CAPSTAN_RETURN_IF_ERROR(ReadBool(helm, "", "skipTests", out.skip_tests));
  // Argo CD: util/helm/cmd.go NewCmd — "" and "v3" use Helm 3; anything else is refused.
  if (!out.version.empty() && out.version != "v3") {
    return base::Status::InvalidArgument(std::string(kPrefix) + "version: helm chart version '" + out.version +
                                         "' is not supported");
  }
  return out;
}

}  // namespace capstan::source::render
