// Copyright 2026 The capstan Authors.

#include "source/tracking.h"

#include "core/gvk.h"

namespace capstan::source {

namespace {

bool IsCrd(const core::Gvk& gvk) {
  return gvk.group == "apiextensions.k8s.io" && gvk.kind == "CustomResourceDefinition";
}

}  // namespace

std::string TrackingId(const base::Json& obj, const TrackingOptions& options) {
  core::Gvk gvk = core::Gvk::Of(obj);
  std::string ns = base::GetStringAt(obj, "metadata/namespace");
  if (ns.empty()) ns = options.destination_namespace;
  return options.instance_name + ":" + gvk.group + "/" + gvk.kind + ":" + ns + "/" +
         base::GetStringAt(obj, "metadata/name");
}

std::string AppInstanceName(std::string_view app_name, std::string_view app_namespace,
                            std::string_view control_plane_namespace) {
  if (app_namespace.empty() || app_namespace == control_plane_namespace) return std::string(app_name);
  return std::string(app_namespace) + "_" + std::string(app_name);
}

base::Status AddTrackingAnnotations(std::vector<base::Json>& objects, const TrackingOptions& options) {
  if (options.instance_name.empty()) return base::Status::InvalidArgument("tracking: empty app instance name");
  for (size_t i = 0; i < objects.size(); ++i) {
    base::Json& obj = objects[i];
    if (!obj.is_object()) return base::Status::InvalidArgument("tracking: object " + std::to_string(i) + " is not an object");
    if (IsCrd(core::Gvk::Of(obj))) continue;
    std::string id = TrackingId(obj, options);
    base::Json& meta = obj["metadata"];
    if (meta.is_null()) meta = base::Json::object();
    if (!meta.is_object()) {
      return base::Status::InvalidArgument("tracking: metadata of " + core::Gvk::Of(obj).kind + " is not an object");
    }
    base::Json& ann = meta["annotations"];
    if (ann.is_null()) ann = base::Json::object();
    if (!ann.is_object()) {
      return base::Status::InvalidArgument("tracking: metadata.annotations of " + core::Gvk::Of(obj).kind + "/" +
                                           base::GetString(meta, "name") + " is not an object");
    }
    ann[std::string(kTrackingIdAnnotation)] = id;
    if (!options.installation_id.empty()) ann[std::string(kInstallationIdAnnotation)] = options.installation_id;
  }
  return base::Status::Ok();
}

}  // namespace capstan::source
