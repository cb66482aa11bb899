// Copyright 2026 The capstan Authors.
//
// Project: an Argo CD AppProject (argoproj.io/v1alpha1) — which Git repositories an Application may
// render from, which destinations (server or cluster name + namespace) it may deploy to, which kinds
// it may create (cluster- and namespace-scoped allow/deny lists) and, for apps outside the
// control-plane namespace, which namespaces may hold its Applications (spec.sourceNamespaces).
// The checks follow Argo CD's pkg/apis/application/v1alpha1/app_project_types.go exactly:
//   - sourceRepos / destinations: gobwas globs (`*` stops at `/` for repos, `**` does not),
//     `!pattern` denies; "*" matches anything; repository URLs compared normalised (lowercase,
//     no `.git`, scp-style SSH as ssh://).
//   - group/kind lists: path.Match globs on kind and group. A namespaced kind is allowed unless a
//     namespaceResourceWhitelist is given (absent = all; an empty list = none) or it is blacklisted;
//     a cluster-scoped kind only when clusterResourceWhitelist lists it and the blacklist does not.
//   - sourceNamespaces: globs, or `/regexp/`; the control-plane namespace is always allowed.
// CheckApplication / CheckResource produce the messages Argo CD's controller writes (util/argo/argo.go ValidatePermissions,
// controller/sync.go's permission validator, app_project_types.go ErrApplicationNotAllowedToUseProject).
//
// Thread safety: plain values and pure functions; LoadProject uses the caller's client.

#ifndef CAPSTAN_APP_PROJECT_H_
#define CAPSTAN_APP_PROJECT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "core/gvk.h"
#include "core/resource_key.h"
#include "kube/client.h"

namespace capstan::app {

inline const core::Gvk kAppProjectGvk{"argoproj.io", "v1alpha1", "AppProject"};

struct ProjectDestination {
  std::string server;     // glob, may start with "!"
  std::string name;       // glob, may start with "!"
  std::string namespace_; // glob, may start with "!"
};

struct GroupKindPattern {
  std::string group;  // path.Match pattern
  std::string kind;   // path.Match pattern
};

struct Project {
  std::string name;
  std::vector<std::string> source_repos;
  std::vector<ProjectDestination> destinations;
  std::vector<GroupKindPattern> cluster_whitelist;
  std::vector<GroupKindPattern> cluster_blacklist;
  // nullopt: the field is absent (every namespaced kind allowed); an empty list allows none.
  std::optional<std::vector<GroupKindPattern>> namespace_whitelist;
  std::vector<GroupKindPattern> namespace_blacklist;
  std::vector<std::string> source_namespaces;

  // IsSourcePermitted: |repo_url| matches an allowed pattern and no `!` pattern denies it.
  bool IsSourcePermitted(std::string_view repo_url) const;
  // isDestinationMatched: some destination matches (server or name, and namespace) and no `!`
  // pattern of any destination excludes it. |server| or |name| may be empty (not compared).
  bool IsDestinationPermitted(std::string_view server, std::string_view name, std::string_view namespace_) const;
  // IsGroupKindPermitted, for a namespaced or a cluster-scoped kind.
  bool IsGroupKindPermitted(std::string_view group, std::string_view kind, bool namespaced) const;
  // IsAppNamespacePermitted: |app_namespace| is empty or the control-plane namespace, or matches
  // spec.sourceNamespaces.
  bool IsAppNamespacePermitted(std::string_view app_namespace, std::string_view control_plane_namespace) const;
};

// Parses an AppProject object. kInvalidArgument naming the project and the field
// ("AppProject team-a: spec.destinations[1].namespace: must be a string").
base::Result<Project> ParseProject(const base::Json& obj);

// The project of |app|: spec.project, "default" when empty (Argo CD's GetProject).
std::string ProjectNameOf(const base::Json& app);

// Reads the AppProject |name| from |control_plane_namespace|. kNotFound when it does not exist —
// except `default`, which is then capstan's default project (install.h DefaultProjectSpec);
// kInvalidArgument when it does not parse.
base::Result<Project> LoadProject(kube::Client& client, std::string_view control_plane_namespace, std::string_view name);

// One problem a project finds with an Application, as an Argo CD condition.
struct ProjectProblem {
  std::string condition;  // "InvalidSpecError" or "UnknownError"
  std::string message;
};

// What the controller checks on every refresh (refreshAppConditions + ValidatePermissions), in
// Argo CD's order and words:
//   - project missing: InvalidSpecError "Application referencing project <p> which does not exist";
//   - app namespace not in sourceNamespaces: UnknownError
//     "application '<app>' in namespace '<ns>' is not allowed to use project <p>";
//   - each source not permitted: InvalidSpecError "application repo <url> is not permitted in project '<p>'";
//   - destination not permitted: InvalidSpecError "application destination server '<server>' and
//     namespace '<ns>' do not match any of the allowed destinations in project '<p>'".
// |project| is the loaded project, or the load error (kNotFound = missing). Empty = all is well.
std::vector<ProjectProblem> CheckApplication(const base::Json& app, const base::Result<Project>& project,
                                             std::string_view control_plane_namespace);

// Replaces the project's conditions in |status| (an Application's .status): every InvalidSpecError
// and UnknownError goes, one condition per problem comes, keeping lastTransitionTime of one that
// was already there with the same type and message, else |now|. status.conditions goes away empty.
void SetProjectConditions(base::Json& status, const std::vector<ProjectProblem>& problems, const std::string& now);

// The message an operation fails with (phase Error) for |problems| — Argo CD's
// FormatAppConditions, "<type>: <message>" joined with ";" — or, when the project could not be
// loaded or the app may not use it, controller/sync.go's "Failed to load application project: …".
std::string OperationMessage(const base::Json& app, const base::Result<Project>& project,
                             const std::vector<ProjectProblem>& problems);

// The sync engine's permission check for one task (controller/sync.go WithPermissionValidator):
// "" when permitted, else "resource <group>:<kind> is not permitted in project <p>" or, for a
// namespaced object outside the project's destinations, "namespace <ns> is not permitted in
// project '<p>'". |server| and |name| are the app's destination.
std::string CheckResource(const Project& project, const core::ResourceKey& key, bool namespaced,
                          std::string_view server, std::string_view name);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_PROJECT_H_
