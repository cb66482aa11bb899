// Copyright 2026 The capstan Authors.

#include "diff/ignore.h"

#include <fnmatch.h>

#include <set>

#include "base/yaml.h"
#include "core/gvk.h"

namespace capstan::diff {

namespace {

constexpr std::string_view kIgnoreKeyPrefix = "resource.customizations.ignoreDifferences.";
constexpr std::string_view kCompareOptionsKey = "resource.compareoptions";

base::Result<std::vector<std::string>> StringList(const base::Json& rule, const char* field, const std::string& origin) {
  std::vector<std::string> out;
  auto it = rule.find(field);
  if (it == rule.end() || it->is_null()) return out;
  if (!it->is_array()) return base::Status::InvalidArgument(origin + "." + field + ": expected a list of strings");
  for (const base::Json& v : *it) {
    if (!v.is_string()) return base::Status::InvalidArgument(origin + "." + field + ": expected a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// The three lists of |rule| (a map) into |out|.
base::Status ReadLists(const base::Json& rule, IgnoreRule& out) {
  if (!rule.is_object()) return base::Status::InvalidArgument(out.origin + ": expected a map");
  CAPSTAN_ASSIGN_OR_RETURN(out.json_pointers, StringList(rule, "jsonPointers", out.origin));
  CAPSTAN_ASSIGN_OR_RETURN(out.jq_path_expressions, StringList(rule, "jqPathExpressions", out.origin));
  CAPSTAN_ASSIGN_OR_RETURN(out.managed_fields_managers, StringList(rule, "managedFieldsManagers", out.origin));
  for (const std::string& p : out.json_pointers) {
    if (p.empty() || p[0] != '/') {
      return base::Status::InvalidArgument(out.origin + ".jsonPointers: '" + p + "' is not a JSON pointer (must start with /)");
    }
  }
  return base::Status::Ok();
}

base::Status LoadAppRules(const base::Json& application, DiffConfig& config) {
  const base::Json* list = nullptr;
  if (auto spec = application.find("spec"); spec != application.end() && spec->is_object()) {
    if (auto l = spec->find("ignoreDifferences"); l != spec->end() && !l->is_null()) list = &*l;
  }
  if (!list) return base::Status::Ok();
  if (!list->is_array()) return base::Status::InvalidArgument("spec.ignoreDifferences: expected a list");
  for (size_t i = 0; i < list->size(); ++i) {
    const base::Json& r = (*list)[i];
    IgnoreRule rule;
    rule.origin = "spec.ignoreDifferences[" + std::to_string(i) + "]";
    CAPSTAN_RETURN_IF_ERROR(ReadLists(r, rule));
    rule.group = base::GetString(r, "group");
    rule.kind = base::GetString(r, "kind");
    rule.name = base::GetString(r, "name");
    rule.namespace_ = base::GetString(r, "namespace");
    if (rule.kind.empty()) return base::Status::InvalidArgument(rule.origin + ".kind: required");
    config.rules.push_back(std::move(rule));
  }
  return base::Status::Ok();
}

base::Status LoadSystemRules(const SettingsData& settings, DiffConfig& config) {
  for (auto it = settings.lower_bound(kIgnoreKeyPrefix); it != settings.end(); ++it) {
    const std::string& key = it->first;
    if (key.rfind(kIgnoreKeyPrefix, 0) != 0) break;
    std::string group_kind = key.substr(kIgnoreKeyPrefix.size());
    IgnoreRule rule;
    rule.origin = "capstan-cm " + key;
    if (group_kind == "all") {
      rule.group = rule.kind = "*";
    } else if (size_t us = group_kind.find('_'); us != std::string::npos) {
      rule.group = group_kind.substr(0, us);
      rule.kind = group_kind.substr(us + 1);
    } else {
      rule.group = "";
      rule.kind = group_kind;
    }
    auto parsed = base::ParseYaml(it->second, rule.origin);
    if (!parsed.ok()) return parsed.status();
    if (parsed->is_null()) continue;
    CAPSTAN_RETURN_IF_ERROR(ReadLists(*parsed, rule));
    config.rules.push_back(std::move(rule));
  }
  return base::Status::Ok();
}

base::Status LoadCompareOptions(const SettingsData& settings, DiffConfig& config) {
  auto it = settings.find(kCompareOptionsKey);
  if (it == settings.end()) return base::Status::Ok();
  CAPSTAN_ASSIGN_OR_RETURN(base::Json opts, base::ParseYaml(it->second, "capstan-cm resource.compareoptions"));
  std::string mode;
  if (opts.is_object()) {
    if (auto m = opts.find("ignoreResourceStatusField"); m != opts.end()) {
      mode = m->is_string() ? m->get<std::string>() : m->is_boolean() ? (m->get<bool>() ? "true" : "false") : "";
    }
  }
  if (mode == "crd") {
    config.ignore_status = StatusFieldMode::kCrd;
  } else if (mode == "none" || mode == "off" || mode == "false") {
    config.ignore_status = StatusFieldMode::kNone;
  } else {
    config.ignore_status = StatusFieldMode::kAll;
  }
  return base::Status::Ok();
}

bool Glob(const std::string& pattern, const std::string& value) {
  return fnmatch(pattern.c_str(), value.c_str(), 0) == 0;
}

std::string Unescape(std::string token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

}  // namespace

base::Result<DiffConfig> LoadDiffConfig(const base::Json& application, const SettingsData& settings) {
  DiffConfig config;
  CAPSTAN_RETURN_IF_ERROR(LoadAppRules(application, config));
  CAPSTAN_RETURN_IF_ERROR(LoadSystemRules(settings, config));
  CAPSTAN_RETURN_IF_ERROR(LoadCompareOptions(settings, config));
  return config;
}

bool RuleMatches(const IgnoreRule& rule, const base::Json& obj) {
  core::Gvk gvk = core::Gvk::Of(obj);
  if (!Glob(rule.group, gvk.group) || !Glob(rule.kind, gvk.kind)) return false;
  if (!rule.name.empty() && rule.name != base::GetStringAt(obj, "metadata/name")) return false;
  if (!rule.namespace_.empty() && rule.namespace_ != base::GetStringAt(obj, "metadata/namespace")) return false;
  return true;
}

std::vector<std::string> ManagedFieldsManagers(const DiffConfig& config, const base::Json& obj) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const IgnoreRule& rule : config.rules) {
    if (!RuleMatches(rule, obj)) continue;
    for (const std::string& m : rule.managed_fields_managers) {
      if (seen.insert(m).second) out.push_back(m);
    }
  }
  return out;
}

bool RemovePointer(base::Json& obj, const std::string& pointer) {
  if (pointer.empty() || pointer[0] != '/') return false;
  base::Json* cur = &obj;
  size_t pos = 1;
  for (;;) {
    size_t slash = pointer.find('/', pos);
    std::string token = Unescape(pointer.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos));
    bool last = slash == std::string::npos;
    if (cur->is_object()) {
      auto it = cur->find(token);
      if (it == cur->end()) return false;
      if (last) {
        cur->erase(it);
        return true;
      }
      cur = &*it;
    } else if (cur->is_array()) {
      if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos) return false;
      size_t index = std::stoul(token);
      if (index >= cur->size()) return false;
      if (last) {
        cur->erase(index);
        return true;
      }
      cur = &(*cur)[index];
    } else {
      return false;
    }
    pos = slash + 1;
  }
}

base::Status ApplyIgnoreRules(const DiffConfig& config, const base::Json& match, base::Json& obj) {
  if (!obj.is_object()) return base::Status::Ok();
  core::Gvk gvk = core::Gvk::Of(match);
  bool is_crd = gvk.group == "apiextensions.k8s.io" && gvk.kind == "CustomResourceDefinition";
  if (config.ignore_status == StatusFieldMode::kAll || (config.ignore_status == StatusFieldMode::kCrd && is_crd)) {
    obj.erase("status");
  }
  for (const IgnoreRule& rule : config.rules) {
    if (!RuleMatches(rule, match)) continue;
    for (const std::string& p : rule.json_pointers) RemovePointer(obj, p);
    if (rule.jq_path_expressions.empty()) continue;
    auto out = JqDelete(obj, rule.jq_path_expressions, config.jq_timeout);
    if (!out.ok()) return out.status().Annotate(rule.origin);
    obj = std::move(*out);
  }
  return base::Status::Ok();
}

}  // namespace capstan::diff
