// Copyright 2026 The capstan Authors.
//
// Settings: capstan's configuration ConfigMap `capstan-cm` in the control-plane namespace (DESIGN
// §8.6), read with argocd-cm's keys. This file only fetches the ConfigMap's data; each consumer
// parses its own keys (health: `resource.customizations.health.<group>_<kind>`; diff:
// `resource.customizations.ignoreDifferences.*`, `resource.compareoptions`; ...). A missing ConfigMap
// is an empty configuration, as a missing argocd-cm key is in Argo CD.
//
// Thread safety: Settings is an immutable value after loading.

#ifndef CAPSTAN_APP_SETTINGS_H_
#define CAPSTAN_APP_SETTINGS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "kube/client.h"

namespace capstan::app {

inline constexpr char kSettingsConfigMap[] = "capstan-cm";

struct Settings {
  std::map<std::string, std::string, std::less<>> data;  // the ConfigMap's .data

  // The value of |key|, nullopt when unset.
  std::optional<std::string> Get(std::string_view key) const;
};

// Reads ConfigMap capstan-cm from |control_plane_namespace|. NotFound → empty Settings; other API
// errors are returned annotated with the ConfigMap's name.
base::Result<Settings> LoadSettings(kube::Client& client, std::string_view control_plane_namespace);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_SETTINGS_H_
