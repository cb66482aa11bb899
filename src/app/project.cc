// Copyright 2026 The capstan Authors.
//
// Parity: argo-cd pkg/apis/application/v1alpha1/app_project_types.go (IsSourcePermitted,
// isDestinationMatched, IsGroupKindPermitted, IsAppNamespacePermitted), types.go isResourceInList,
// util/glob (Match, MatchStringInList), util/argo/argo.go ValidatePermissions.

#include "app/project.h"

#include <regex>

#include "app/install.h"
#include "source/git_url.h"
#include "source/glob.h"

namespace capstan::app {

namespace {

bool IsDeny(std::string_view pattern) { return !pattern.empty() && pattern.front() == '!'; }

// util/glob.Match: gobwas/glob; a pattern that does not compile matches nothing.
bool GlobMatch(std::string_view pattern, std::string_view text, std::u32string_view separators = U"") {
  auto g = source::Glob::Compile(pattern, separators);
  return g.ok() && g->Match(text);
}

// app_project_types.go globMatch with negation allowed: "!p" matches what p does not; "*" anything.
bool ProjectGlob(std::string_view pattern, std::string_view text, std::u32string_view separators = U"") {
  if (IsDeny(pattern)) return !GlobMatch(pattern.substr(1), text, separators);
  if (pattern == "*") return true;
  return GlobMatch(pattern, text, separators);
}

// Go's path.Match on one element: '*' any run of non-'/' bytes, '?' one non-'/' byte, '[...]' a class
// ('^' negates, 'a-z' ranges, '\' escapes), '\x' a literal x. A malformed pattern matches nothing.
bool PathMatch(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size() || pi < p.size()) {
    if (pi < p.size()) {
      char c = p[pi];
      if (c == '*') {
        star_p = ++pi;
        star_s = si;
        continue;
      }
      if (si < s.size() && s[si] != '/') {
        if (c == '?') {
          ++pi;
          ++si;
          continue;
        }
        if (c == '[') {
          size_t q = pi + 1;
          bool neg = q < p.size() && p[q] == '^';
          if (neg) ++q;
          bool matched = false, first = true;
          while (true) {
            if (q >= p.size()) return false;  // unclosed class: ErrBadPattern
            if (p[q] == ']' && !first) break;
            first = false;
            char lo = p[q];
            if (lo == '\\') {
              if (++q >= p.size()) return false;
              lo = p[q];
            }
            char hi = lo;
            ++q;
            if (q + 1 < p.size() && p[q] == '-' && p[q + 1] != ']') {
              hi = p[q + 1];
              if (hi == '\\') {
                if (q + 2 >= p.size()) return false;
                hi = p[q + 2];
                ++q;
              }
              q += 2;
            }
            if (lo <= s[si] && s[si] <= hi) matched = true;
          }
          if (matched != neg) {
            pi = q + 1;
            ++si;
            continue;
          }
        } else {
          char lit = c;
          size_t next = pi + 1;
          if (c == '\\') {
            if (pi + 1 >= p.size()) return false;
            lit = p[pi + 1];
            next = pi + 2;
          }
          if (lit == s[si]) {
            pi = next;
            ++si;
            continue;
          }
        }
      }
    }
    // Mismatch: let the last '*' take one more byte (never a '/').
    if (star_p != std::string_view::npos && star_s < s.size() && s[star_s] != '/') {
      pi = star_p;
      si = ++star_s;
      continue;
    }
    return false;
  }
  return true;
}

bool InList(const std::vector<GroupKindPattern>& list, std::string_view group, std::string_view kind) {
  for (const GroupKindPattern& item : list) {
    if (PathMatch(item.kind, kind) && PathMatch(item.group, group)) return true;
  }
  return false;
}

// util/glob.MatchStringInList with REGEXP: "/re/" is a regular expression found anywhere in the
// text; anything else a glob without separators.
bool MatchInList(const std::vector<std::string>& list, std::string_view item) {
  for (const std::string& entry : list) {
    if (entry.size() >= 2 && entry.front() == '/' && entry.back() == '/') {
      try {
        if (std::regex_search(std::string(item), std::regex(entry.substr(1, entry.size() - 2)))) return true;
      } catch (const std::regex_error&) {
        // an invalid expression matches nothing, as in Argo CD; it may still match as a glob below
      }
    }
    if (GlobMatch(entry, item)) return true;
  }
  return false;
}

base::Result<std::string> StringField(const base::Json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return base::Status::InvalidArgument(where + "." + key + ": must be a string");
  return it->get<std::string>();
}

base::Result<std::vector<std::string>> Strings(const base::Json& spec, const char* key, const std::string& who) {
  std::vector<std::string> out;
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return out;
  if (!it->is_array()) return base::Status::InvalidArgument(who + ": spec." + key + ": must be a list of strings");
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return base::Status::InvalidArgument(who + ": spec." + key + "[" + std::to_string(i) + "]: must be a string");
    }
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

base::Result<std::optional<std::vector<GroupKindPattern>>> GroupKinds(const base::Json& spec, const char* key,
                                                                      const std::string& who) {
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return std::optional<std::vector<GroupKindPattern>>();
  if (!it->is_array()) return base::Status::InvalidArgument(who + ": spec." + key + ": must be a list of {group, kind}");
  std::vector<GroupKindPattern> out;
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string where = who + ": spec." + key + "[" + std::to_string(i) + "]";
    if (!(*it)[i].is_object()) return base::Status::InvalidArgument(where + ": must be an object {group, kind}");
    GroupKindPattern gk;
    CAPSTAN_ASSIGN_OR_RETURN(gk.group, StringField((*it)[i], "group", where));
    CAPSTAN_ASSIGN_OR_RETURN(gk.kind, StringField((*it)[i], "kind", where));
    out.push_back(std::move(gk));
  }
  return std::optional<std::vector<GroupKindPattern>>(std::move(out));
}

// The destination the project compares: capstan's only cluster is Argo CD's in-cluster, so a
// destination named by either field has both (Argo CD resolves the other through its cluster list).
std::pair<std::string, std::string> ResolvedDestination(std::string server, std::string name) {
  if (server.empty() && name == "in-cluster") server = "https://kubernetes.default.svc";
  if (name.empty() && server == "https://kubernetes.default.svc") name = "in-cluster";
  return {std::move(server), std::move(name)};
}

}  // namespace

bool Project::IsSourcePermitted(std::string_view repo_url) const {
  const std::string src = source::NormalizeRepoUrl(repo_url);
  bool any = false;
  for (const std::string& pattern : source_repos) {
    std::string normalized = IsDeny(pattern) ? "!" + source::NormalizeRepoUrl(std::string_view(pattern).substr(1))
                                             : source::NormalizeRepoUrl(pattern);
    bool matched = ProjectGlob(normalized, src, U"/");
    if (matched) {
      any = true;
    } else if (IsDeny(normalized)) {
      return false;
    }
  }
  return any;
}

bool Project::IsDestinationPermitted(std::string_view server, std::string_view name,
                                     std::string_view namespace_) const {
  bool any = false;
  bool denied = false;
  for (const ProjectDestination& d : destinations) {
    bool name_matched = !name.empty() && ProjectGlob(d.name, name);
    bool server_matched = !server.empty() && ProjectGlob(d.server, server);
    bool ns_matched = ProjectGlob(d.namespace_, namespace_);
    if ((server_matched || name_matched) && ns_matched) {
      any = true;
    } else if ((!name_matched && IsDeny(d.name)) || (!server_matched && IsDeny(d.server)) ||
               (!ns_matched && IsDeny(d.namespace_))) {
      denied = true;
    }
  }
  return any && !denied;
}

bool Project::IsGroupKindPermitted(std::string_view group, std::string_view kind, bool namespaced) const {
  if (namespaced) {
    bool white = !namespace_whitelist || (!namespace_whitelist->empty() && InList(*namespace_whitelist, group, kind));
    bool black = !namespace_blacklist.empty() && InList(namespace_blacklist, group, kind);
    return white && !black;
  }
  bool white = !cluster_whitelist.empty() && InList(cluster_whitelist, group, kind);
  bool black = !cluster_blacklist.empty() && InList(cluster_blacklist, group, kind);
  return white && !black;
}

bool Project::IsAppNamespacePermitted(std::string_view app_namespace, std::string_view control_plane_namespace) const {
  if (app_namespace.empty() || app_namespace == control_plane_namespace) return true;
  return MatchInList(source_namespaces, app_namespace);
}

base::Result<Project> ParseProject(const base::Json& obj) {
  Project p;
  p.name = base::GetStringAt(obj, "metadata/name");
  const std::string who = "AppProject " + (p.name.empty() ? std::string("(no name)") : p.name);
  if (p.name.empty()) return base::Status::InvalidArgument(who + ": metadata.name is missing");
  base::Json spec = obj.value("spec", base::Json::object());
  if (spec.is_null()) spec = base::Json::object();
  if (!spec.is_object()) return base::Status::InvalidArgument(who + ": spec: must be an object");
  CAPSTAN_ASSIGN_OR_RETURN(p.source_repos, Strings(spec, "sourceRepos", who));
  CAPSTAN_ASSIGN_OR_RETURN(p.source_namespaces, Strings(spec, "sourceNamespaces", who));
  if (auto it = spec.find("destinations"); it != spec.end() && !it->is_null()) {
    if (!it->is_array()) return base::Status::InvalidArgument(who + ": spec.destinations: must be a list");
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string where = who + ": spec.destinations[" + std::to_string(i) + "]";
      if (!(*it)[i].is_object()) return base::Status::InvalidArgument(where + ": must be an object");
      ProjectDestination d;
      CAPSTAN_ASSIGN_OR_RETURN(d.server, StringField((*it)[i], "server", where));
      CAPSTAN_ASSIGN_OR_RETURN(d.name, StringField((*it)[i], "name", where));
      CAPSTAN_ASSIGN_OR_RETURN(d.namespace_, StringField((*it)[i], "namespace", where));
      p.destinations.push_back(std::move(d));
    }
  }
  CAPSTAN_ASSIGN_OR_RETURN(auto cw, GroupKinds(spec, "clusterResourceWhitelist", who));
  CAPSTAN_ASSIGN_OR_RETURN(auto cb, GroupKinds(spec, "clusterResourceBlacklist", who));
  CAPSTAN_ASSIGN_OR_RETURN(p.namespace_whitelist, GroupKinds(spec, "namespaceResourceWhitelist", who));
  CAPSTAN_ASSIGN_OR_RETURN(auto nb, GroupKinds(spec, "namespaceResourceBlacklist", who));
  p.cluster_whitelist = cw.value_or(std::vector<GroupKindPattern>{});
  p.cluster_blacklist = cb.value_or(std::vector<GroupKindPattern>{});
  p.namespace_blacklist = nb.value_or(std::vector<GroupKindPattern>{});
  return p;
}

std::string ProjectNameOf(const base::Json& app) {
  std::string name = base::GetStringAt(app, "spec/project");
  return name.empty() ? "default" : name;
}

base::Result<Project> LoadProject(kube::Client& client, std::string_view control_plane_namespace, std::string_view name) {
  base::Result<base::Json> obj = client.Get(kAppProjectGvk, control_plane_namespace, name);
  if (!obj.ok() && obj.status().IsNotFound() && name == "default") {
    return ParseProject({{"metadata", {{"name", "default"}}}, {"spec", DefaultProjectSpec()}});
  }
  if (!obj.ok()) return obj.status();
  return ParseProject(*obj);
}

std::vector<ProjectProblem> CheckApplication(const base::Json& app, const base::Result<Project>& project,
                                             std::string_view control_plane_namespace) {
  std::vector<ProjectProblem> out;
  // Messages quote spec.project as written (Argo CD's app.Spec.Project), which may be empty.
  const std::string spec_project = base::GetStringAt(app, "spec/project");
  if (!project.ok()) {
    if (project.status().IsNotFound()) {
      out.push_back({"InvalidSpecError", "Application referencing project " + spec_project + " which does not exist"});
    } else {
      out.push_back({"UnknownError", project.status().message()});
    }
    return out;
  }
  const std::string app_ns = base::GetStringAt(app, "metadata/namespace");
  if (!project->IsAppNamespacePermitted(app_ns, control_plane_namespace)) {
    out.push_back({"UnknownError", "application '" + base::GetStringAt(app, "metadata/name") + "' in namespace '" +
                                       app_ns + "' is not allowed to use project " + project->name});
    return out;
  }
  const base::Json& spec = app.value("spec", base::Json::object());
  std::vector<std::string> repos;
  if (auto s = spec.find("sources"); s != spec.end() && s->is_array() && !s->empty()) {
    for (const base::Json& src : *s) repos.push_back(base::GetString(src, "repoURL"));
  } else {
    repos.push_back(base::GetStringAt(app, "spec/source/repoURL"));
  }
  for (const std::string& repo : repos) {
    if (!project->IsSourcePermitted(repo)) {
      out.push_back({"InvalidSpecError",
                     "application repo " + repo + " is not permitted in project '" + spec_project + "'"});
    }
  }
  auto [server, name] = ResolvedDestination(base::GetStringAt(app, "spec/destination/server"),
                                            base::GetStringAt(app, "spec/destination/name"));
  const std::string ns = base::GetStringAt(app, "spec/destination/namespace");
  if (!server.empty() && !project->IsDestinationPermitted(server, name, ns)) {
    out.push_back({"InvalidSpecError", "application destination server '" +
                                           base::GetStringAt(app, "spec/destination/server") + "' and namespace '" +
                                           ns + "' do not match any of the allowed destinations in project '" +
                                           spec_project + "'"});
  }
  return out;
}

void SetProjectConditions(base::Json& status, const std::vector<ProjectProblem>& problems, const std::string& now) {
  base::Json kept = base::Json::array();
  std::vector<base::Json> old;
  if (auto it = status.find("conditions"); it != status.end() && it->is_array()) {
    for (const base::Json& c : *it) {
      const std::string type = base::GetString(c, "type");
      if (type == "InvalidSpecError" || type == "UnknownError") {
        old.push_back(c);
      } else {
        kept.push_back(c);
      }
    }
  }
  for (const ProjectProblem& p : problems) {
    std::string since = now;
    for (const base::Json& c : old) {
      if (base::GetString(c, "type") == p.condition && base::GetString(c, "message") == p.message) {
        since = base::GetString(c, "lastTransitionTime");
      }
    }
    kept.push_back({{"type", p.condition}, {"message", p.message}, {"lastTransitionTime", since}});
  }
  if (kept.empty()) {
    status.erase("conditions");
  } else {
    status["conditions"] = std::move(kept);
  }
}

std::string OperationMessage(const base::Json& app, const base::Result<Project>& project,
                             const std::vector<ProjectProblem>& problems) {
  if (!project.ok()) {
    if (project.status().IsNotFound()) {
      const std::string name = ProjectNameOf(app);
      return "Failed to load application project: error getting app project \"" + name +
             "\": appproject.argoproj.io \"" + name + "\" not found";
    }
    return "Failed to load application project: " + project.status().message();
  }
  std::string msg;
  for (const ProjectProblem& p : problems) {
    if (p.condition == "UnknownError") return "Failed to load application project: " + p.message;
    msg += (msg.empty() ? "" : ";") + p.condition + ": " + p.message;
  }
  return msg;
}

std::string CheckResource(const Project& project, const core::ResourceKey& key, bool namespaced,
                          std::string_view server, std::string_view name) {
  if (!project.IsGroupKindPermitted(key.group, key.kind, namespaced)) {
    return "resource " + key.group + ":" + key.kind + " is not permitted in project " + project.name;
  }
  auto [s, n] = ResolvedDestination(std::string(server), std::string(name));
  if (namespaced && !project.IsDestinationPermitted(s, n, key.namespace_)) {
    return "namespace " + key.namespace_ + " is not permitted in project '" + project.name + "'";
  }
  return "";
}

}  // namespace capstan::app
