// Copyright 2026 The capstan Authors.
//
// LuaHealthOverride: the health::HealthOverride built from capstan's settings (capstan-cm's data,
// read with argocd-cm's keys, spec §5.3):
//   resource.customizations.health.<group>_<kind>   (core group: resource.customizations.health.<kind>)
//   resource.customizations                         YAML: {"<group>/<kind>": {"health.lua": "..."}}
//                                                   (core: "<kind>"; keys may hold `*` wildcards)
// Both fill one table keyed "<group>/<kind>" ("<kind>" for core); a per-kind key replaces the YAML
// block's script for the same kind, as Argo CD's settings manager merges them. Lookup for an object:
// the exact key, else the first wildcard key (in key order) whose glob matches — `*` matches any run of
// characters, '/' included — else nullopt, so Assess falls through to the built-in checks (whose
// C++ ports of Argo CD's built-in Lua scripts a configured script therefore beats).
//
// Each script is compiled once, when the override is built. A script that does not compile is kept as
// its error: every object of its kind gets health Unknown with that error (never a CLI failure).
// `resource.customizations.useOpenLibs.*` is accepted and ignored: scripts always get the sandbox of
// lua_health.h.
//
// Thread safety: immutable after FromSettings; Assess may be called from several threads.

#ifndef CAPSTAN_HEALTH_LUA_OVERRIDE_H_
#define CAPSTAN_HEALTH_LUA_OVERRIDE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/json_fwd.h"
#include "health/health.h"
#include "health/lua_health.h"

namespace capstan::health {

inline constexpr char kHealthKeyPrefix[] = "resource.customizations.health.";
inline constexpr char kCustomizationsKey[] = "resource.customizations";

class LuaHealthOverride : public HealthOverride {
 public:
  using SettingsData = std::map<std::string, std::string, std::less<>>;

  // Builds the override from |data| (a settings ConfigMap's .data). Never fails: an unreadable
  // resource.customizations block or a malformed key is reported in problems(); a script that does not
  // compile answers Unknown with its error (see the file comment).
  static std::unique_ptr<LuaHealthOverride> FromSettings(const SettingsData& data, LuaLimits limits = {});

  std::optional<HealthStatus> Assess(const base::Json& obj) override;

  // True when no script is configured.
  bool empty() const { return scripts_.empty(); }
  // Settings that could not be used, each naming the key ("resource.customizations: <YAML error>").
  const std::vector<std::string>& problems() const { return problems_; }

  // "<group>/<kind>", or "<kind>" for the core group: Argo CD's GetConfigMapKey.
  static std::string KeyOf(std::string_view group, std::string_view kind);

 private:
  using Compiled = std::variant<LuaHealthScript, std::string>;  // the script, or its compile error

  std::map<std::string, Compiled, std::less<>> scripts_;  // by override key
  std::vector<std::string> problems_;
};

// Argo CD's glob.Match for override keys: '*' matches any run of characters (including '/'), every
// other character itself.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace capstan::health

#endif  // CAPSTAN_HEALTH_LUA_OVERRIDE_H_
