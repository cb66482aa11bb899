// Copyright 2026 The capstan Authors.
//
// Parity: Argo CD util/settings/settings.go (GetResourceOverrides, appendResourceOverridesFromSplitKeys,
// convertToOverrideKey) and util/lua/lua.go (GetHealthScript, getWildcardHealthOverrideLua).

#include "health/lua_override.h"

#include "base/json.h"
#include "base/yaml.h"
#include "health/kinds.h"

namespace capstan::health {
namespace {

// convertToOverrideKey: "group_kind" → "group/kind", "kind" → "kind"; nullopt for anything else.
std::optional<std::string> OverrideKeyOf(std::string_view group_kind) {
  size_t underscore = group_kind.find('_');
  if (underscore == std::string_view::npos) {
    if (group_kind.empty()) return std::nullopt;
    return std::string(group_kind);
  }
  if (group_kind.find('_', underscore + 1) != std::string_view::npos) return std::nullopt;
  return std::string(group_kind.substr(0, underscore)) + "/" + std::string(group_kind.substr(underscore + 1));
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative wildcard match with backtracking to the last '*'.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string LuaHealthOverride::KeyOf(std::string_view group, std::string_view kind) {
  if (group.empty()) return std::string(kind);
  return std::string(group) + "/" + std::string(kind);
}

std::unique_ptr<LuaHealthOverride> LuaHealthOverride::FromSettings(const SettingsData& data, LuaLimits limits) {
  auto out = std::unique_ptr<LuaHealthOverride>(new LuaHealthOverride());
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> sources;  // key → (script, setting)
  if (auto it = data.find(kCustomizationsKey); it != data.end()) {
    auto block = base::ParseYaml(it->second, kCustomizationsKey);
    if (!block.ok()) {
      out->problems_.push_back(block.status().message());
    } else if (block->is_object()) {
      for (auto entry = block->begin(); entry != block->end(); ++entry) {
        const base::Json* lua = entry->is_object() ? field::At(*entry, "health.lua") : nullptr;
        if (lua == nullptr) continue;
        if (!lua->is_string()) {
          out->problems_.push_back(std::string(kCustomizationsKey) + ": " + entry.key() + ": health.lua is not a string");
          continue;
        }
        if (lua->get<std::string>().empty()) continue;
        sources[entry.key()] = {lua->get<std::string>(), std::string(kCustomizationsKey) + " " + entry.key()};
      }
    } else if (!block->is_null()) {
      out->problems_.push_back(std::string(kCustomizationsKey) + ": not a YAML mapping of <group>/<kind> to customizations");
    }
  }
  std::string_view prefix = kHealthKeyPrefix;
  for (const auto& [key, value] : data) {
    if (key.size() <= prefix.size() || key.compare(0, prefix.size(), prefix) != 0) continue;
    std::optional<std::string> override_key = OverrideKeyOf(std::string_view(key).substr(prefix.size()));
    if (!override_key) {
      out->problems_.push_back(key + ": group kind should be in format " + std::string(prefix) +
                               "<group_kind> or " + std::string(prefix) + "<kind>");
      continue;
    }
    if (value.empty()) continue;
    sources[*override_key] = {value, key};  // the per-kind key wins over the YAML block
  }
  for (auto& [key, source] : sources) {
    auto compiled = LuaHealthScript::Compile(source.first, source.second, limits);
    if (compiled.ok()) {
      out->scripts_.emplace(key, std::move(*compiled));
    } else {
      out->scripts_.emplace(key, "health script " + source.second + " does not compile: " +
                                     std::string(compiled.status().message()));
    }
  }
  return out;
}

std::optional<HealthStatus> LuaHealthOverride::Assess(const base::Json& obj) {
  if (scripts_.empty()) return std::nullopt;
  std::string api_version = field::Str(obj, "apiVersion");
  size_t slash = api_version.find('/');
  std::string key = KeyOf(slash == std::string::npos ? "" : std::string_view(api_version).substr(0, slash),
                          field::Str(obj, "kind"));
  const Compiled* found = nullptr;
  if (auto it = scripts_.find(key); it != scripts_.end()) {
    found = &it->second;
  } else {
    for (const auto& [pattern, compiled] : scripts_) {
      if (pattern.find('*') != std::string::npos && GlobMatch(pattern, key)) {
        found = &compiled;
        break;
      }
    }
  }
  if (found == nullptr) return std::nullopt;
  if (const auto* error = std::get_if<std::string>(found)) return HealthStatus{HealthCode::kUnknown, *error};
  return std::get<LuaHealthScript>(*found).Evaluate(obj);
}

}  // namespace capstan::health
