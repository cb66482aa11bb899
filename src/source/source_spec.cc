// Copyright 2026 The capstan Authors.

#include "source/source_spec.h"

#include <filesystem>
#include <vector>

namespace capstan::source {

std::string_view SourceTypeName(SourceType type) {
  switch (type) {
    case SourceType::kDirectory:
      return "Directory";
    case SourceType::kHelm:
      return "Helm";
    case SourceType::kKustomize:
      return "Kustomize";
    case SourceType::kPlugin:
      return "Plugin";
  }
  return "Directory";
}

base::Result<ApplicationSource> ParseApplicationSource(const base::Json& source) {
  if (!source.is_object()) return base::Status::InvalidArgument("spec.source: not an object");
  ApplicationSource out;
  auto str = [&](const base::Json& obj, const char* key, const std::string& where, std::string* dst) -> base::Status {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return base::Status::Ok();
    if (!it->is_string()) return base::Status::InvalidArgument(where + "." + key + ": not a string");
    *dst = it->get<std::string>();
    return base::Status::Ok();
  };
  CAPSTAN_RETURN_IF_ERROR(str(source, "repoURL", "spec.source", &out.repo_url));
  CAPSTAN_RETURN_IF_ERROR(str(source, "targetRevision", "spec.source", &out.target_revision));
  CAPSTAN_RETURN_IF_ERROR(str(source, "path", "spec.source", &out.path));
  CAPSTAN_RETURN_IF_ERROR(str(source, "chart", "spec.source", &out.chart));
  CAPSTAN_RETURN_IF_ERROR(str(source, "ref", "spec.source", &out.ref));
  if (out.repo_url.empty()) return base::Status::InvalidArgument("spec.source.repoURL: missing");
  auto present = [&](const char* key) {
    auto it = source.find(key);
    return it != source.end() && !it->is_null();
  };
  out.has_helm = present("helm");
  out.has_kustomize = present("kustomize");
  out.has_plugin = present("plugin");
  out.has_directory = present("directory");
  if (out.has_directory) {
    const base::Json& d = source["directory"];
    if (!d.is_object()) return base::Status::InvalidArgument("spec.source.directory: not an object");
    if (auto r = d.find("recurse"); r != d.end() && !r->is_null()) {
      if (!r->is_boolean()) return base::Status::InvalidArgument("spec.source.directory.recurse: not a boolean");
      out.directory.recurse = r->get<bool>();
    }
    CAPSTAN_RETURN_IF_ERROR(str(d, "include", "spec.source.directory", &out.directory.include));
    CAPSTAN_RETURN_IF_ERROR(str(d, "exclude", "spec.source.directory", &out.directory.exclude));
    auto j = d.find("jsonnet");
    out.has_directory_jsonnet = j != d.end() && j->is_object() && !j->empty();
  }
  return out;
}

base::Result<SourceType> DetectSourceType(const ApplicationSource& source, std::string_view app_dir) {
  std::vector<std::pair<bool, SourceType>> explicit_types = {{source.has_kustomize, SourceType::kKustomize},
                                                             {source.has_helm, SourceType::kHelm},
                                                             {source.has_directory, SourceType::kDirectory},
                                                             {source.has_plugin, SourceType::kPlugin}};
  std::vector<SourceType> set;
  for (auto [on, type] : explicit_types) {
    if (on) set.push_back(type);
  }
  if (set.size() > 1) {
    std::string names;
    for (SourceType t : set) names += std::string(names.empty() ? "" : ",") + std::string(SourceTypeName(t));
    return base::Status::InvalidArgument("multiple application sources defined: " + names);
  }
  if (set.size() == 1) return set[0];
  if (!source.chart.empty()) return SourceType::kHelm;
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
    if (fs::exists(fs::path(app_dir) / name, ec)) return SourceType::kKustomize;
  }
  if (fs::exists(fs::path(app_dir) / "Chart.yaml", ec)) return SourceType::kHelm;
  return SourceType::kDirectory;
}

}  // namespace capstan::source
