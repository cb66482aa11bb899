// Copyright 2026 The capstan Authors.

#include "source/render/build_env.h"

namespace capstan::source::render {
namespace {

bool IsShellSpecial(char c) {
  return c == '*' || c == '#' || c == '$' || c == '@' || c == '!' || c == '?' || c == '-' || (c >= '0' && c <= '9');
}
bool IsAlphaNum(char c) {
  return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Go's os.getShellName: the variable name at the start of |s| (after a '$') and how many bytes it
// takes; an empty name with a non-zero width is bad syntax, eaten.
std::pair<std::string_view, size_t> ShellName(std::string_view s) {
  if (s[0] == '{') {
    if (s.size() > 2 && IsShellSpecial(s[1]) && s[2] == '}') return {s.substr(1, 1), 3};
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i] == '}') {
        if (i == 1) return {"", 2};
        return {s.substr(1, i - 1), i + 1};
      }
    }
    return {"", 1};
  }
  if (IsShellSpecial(s[0])) return {s.substr(0, 1), 1};
  size_t i = 0;
  while (i < s.size() && IsAlphaNum(s[i])) ++i;
  return {s.substr(0, i), i};
}

}  // namespace

std::map<std::string, std::string> BuildEnv::Variables() const {
  std::string apis;
  for (const std::string& v : api_versions) apis += (apis.empty() ? "" : ",") + v;
  return {
      {"ARGOCD_APP_NAME", app_name},
      {"ARGOCD_APP_NAMESPACE", app_namespace},
      {"ARGOCD_APP_PROJECT_NAME", app_project},
      {"ARGOCD_APP_REVISION", revision},
      {"ARGOCD_APP_REVISION_SHORT", revision.substr(0, 7)},
      {"ARGOCD_APP_REVISION_SHORT_8", revision.substr(0, 8)},
      {"ARGOCD_APP_SOURCE_REPO_URL", source_repo_url},
      {"ARGOCD_APP_SOURCE_PATH", source_path},
      {"ARGOCD_APP_SOURCE_TARGET_REVISION", source_target_revision},
      {"KUBE_VERSION", kube_version},
      {"KUBE_API_VERSIONS", apis},
  };
}

std::string BuildEnv::Envsubst(std::string_view s) const {
  const std::map<std::string, std::string> vars = Variables();
  std::string out;
  size_t i = 0;
  for (size_t j = 0; j < s.size(); ++j) {
    if (s[j] != '$' || j + 1 >= s.size()) continue;
    out.append(s.substr(i, j - i));
    auto [name, width] = ShellName(s.substr(j + 1));
    if (name.empty() && width > 0) {
      // bad syntax ("${", "${}"): eaten
    } else if (name.empty()) {
      out += '$';  // not followed by a name: kept
    } else if (name == "$") {
      out += '$';
    } else if (auto it = vars.find(std::string(name)); it != vars.end()) {
      out += it->second;
    }
    j += width;
    i = j + 1;
  }
  out.append(s.substr(std::min(i, s.size())));
  return out;
}

}  // namespace capstan::source::render
