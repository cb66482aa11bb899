// Copyright 2026 The capstan Authors.

#include "app/settings.h"

#include "base/json.h"
#include "core/gvk.h"

namespace capstan::app {

std::optional<std::string> Settings::Get(std::string_view key) const {
  auto it = data.find(key);
  if (it == data.end()) return std::nullopt;
  return it->second;
}

base::Result<Settings> LoadSettings(kube::Client& client, std::string_view control_plane_namespace) {
  static const core::Gvk kConfigMap{"", "v1", "ConfigMap"};
  Settings settings;
  auto cm = client.Get(kConfigMap, control_plane_namespace, kSettingsConfigMap);
  if (!cm.ok()) {
    if (cm.status().IsNotFound()) return settings;
    return cm.status().Annotate("reading ConfigMap " + std::string(control_plane_namespace) + "/" +
                                kSettingsConfigMap);
  }
  const base::Json* data = cm->contains("data") ? &(*cm)["data"] : nullptr;
  if (data != nullptr && data->is_object()) {
    for (const auto& [key, value] : data->items()) {
      if (value.is_string()) settings.data.emplace(key, value.get<std::string>());
    }
  }
  return settings;
}

}  // namespace capstan::app
