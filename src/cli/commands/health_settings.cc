// Copyright 2026 The capstan Authors.

#include "cli/commands/health_settings.h"

#include <iostream>
#include <map>
#include <memory>

#include "app/settings.h"
#include "health/lua_override.h"

namespace capstan::cli {

health::HealthOverride* HealthOverrideFor(kube::Client& client, const std::string& control_plane_namespace) {
  static auto* loaded = new std::map<std::string, std::unique_ptr<health::LuaHealthOverride>>();
  auto it = loaded->find(control_plane_namespace);
  if (it == loaded->end()) {
    std::unique_ptr<health::LuaHealthOverride> o;
    auto settings = app::LoadSettings(client, control_plane_namespace);
    if (!settings.ok()) {
      std::cerr << "warning: health checks of " << app::kSettingsConfigMap << " not used: "
                << settings.status().ToString() << "\n";
    } else {
      o = health::LuaHealthOverride::FromSettings(settings->data);
      for (const std::string& problem : o->problems()) {
        std::cerr << "warning: " << control_plane_namespace << "/" << app::kSettingsConfigMap << ": " << problem << "\n";
      }
    }
    it = loaded->emplace(control_plane_namespace, std::move(o)).first;
  }
  return it->second && !it->second->empty() ? it->second.get() : nullptr;
}

}  // namespace capstan::cli
