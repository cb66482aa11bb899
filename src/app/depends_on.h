// Copyright 2026 The capstan Authors.
//
// dependsOn between Applications (DESIGN §6 and §8.5; what Argo CD users ask for in #3454, #10154 and
// the open PR #15280). An Application names the apps it depends on in the annotation
//
//   capstan.dev/depends-on: "database, queue"        (names in its own namespace, or namespace/name)
//
// and the controller starts its automated sync only when every one of them is ready:
//   - it exists and is not being deleted, asks for no operation and runs none;
//   - its last comparison is for its current spec (status.sync.comparedTo equals spec: the stale-verdict
//     guard of Argo CD PR #29649) and is fresh: when both follow the same repository and revision, it
//     was compared at the dependent's commit — so a dependency that says Synced and Healthy about the
//     previous commit is not taken for ready; otherwise (nothing to compare commits by) it was
//     compared no earlier than the dependent's own comparison that found the change;
//   - it is Synced and Healthy.
// A cycle (a → b → a) is refused: the apps on it get the condition DependencyError naming it. While
// it waits, an app carries the condition DependencyWaiting saying for whom and why; `capstan app get`
// and `capstan app plan` show the same. Manual syncs are not held back (the user asked for that one).
//
// Thread safety: pure functions.

#ifndef CAPSTAN_APP_DEPENDS_ON_H_
#define CAPSTAN_APP_DEPENDS_ON_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/application.h"
#include "base/json.h"
#include "base/result.h"

namespace capstan::app {

inline constexpr char kDependencyWaiting[] = "DependencyWaiting";
inline constexpr char kDependencyError[] = "DependencyError";

// The apps |app| depends on, in the order written, without repeats. Empty when the annotation is
// absent. kInvalidArgument naming the app and the annotation for an entry that is not a name or
// namespace/name, or that names the app itself.
base::Result<std::vector<AppRef>> DependenciesOf(const base::Json& app);

// Why |dependency| is not ready for |dependent| to sync ("OutOfSync", "Progressing", "an operation is
// running", "not compared since its spec changed", "compared before <dependent> saw the change", …);
// nullopt when it is ready. |dependency| null: it does not exist.
std::optional<std::string> NotReadyReason(const base::Json& dependent, const base::Json* dependency);

// A dependency cycle through |start| in |graph| ("ns/name" → the keys it depends on), as the keys
// along it ending with |start| again ("ns/a", "ns/b", "ns/a"); empty when there is none.
std::vector<std::string> CycleThrough(const std::map<std::string, std::vector<std::string>>& graph,
                                      const std::string& start);

// What |app|'s dependencies say, for the controller and the CLI.
struct DependencyVerdict {
  std::vector<std::string> waiting;  // "<name> (<reason>)" for each dependency not ready
  std::string error;                 // a bad annotation or a cycle: sync refused
  std::vector<AppRef> to_refresh;    // dependencies whose comparison is older than the app's
  bool ready() const { return waiting.empty() && error.empty(); }
  // The DependencyWaiting / DependencyError message: "waiting for database (OutOfSync), queue (…)".
  std::string Message() const;
};

// Checks |app|'s dependencies; |get| returns an Application by ref (nullopt when it does not exist),
// |graph| is every known app's dependencies (for the cycle check; may omit apps with none).
DependencyVerdict CheckDependencies(const base::Json& app,
                                    const std::function<std::optional<base::Json>(const AppRef&)>& get,
                                    const std::map<std::string, std::vector<std::string>>& graph);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_DEPENDS_ON_H_
