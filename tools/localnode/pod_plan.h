// Copyright 2026 The capstan Authors.
//
// PodPlan: what a pod's `localnode.capstan.dev/*` annotations ask the node agent to play out — the
// exit code, the run time, readiness, the log text, and a finalizer to drop on deletion (what a
// preStop hook removing its own finalizer would do). Annotations that do not parse fall back to the
// defaults and are listed in |problems| so the agent can warn; an odd pod never stops the agent.
//
// Thread safety: pure functions over values.

#ifndef CAPSTAN_LOCALNODE_POD_PLAN_H_
#define CAPSTAN_LOCALNODE_POD_PLAN_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"

namespace capstan::localnode {

inline constexpr std::string_view kExitCodeAnnotation = "localnode.capstan.dev/exit-code";
inline constexpr std::string_view kRunSecondsAnnotation = "localnode.capstan.dev/run-seconds";
inline constexpr std::string_view kReadyAnnotation = "localnode.capstan.dev/ready";
inline constexpr std::string_view kLogAnnotation = "localnode.capstan.dev/log";
inline constexpr std::string_view kRemoveFinalizerAnnotation =
    "localnode.capstan.dev/remove-finalizer-on-delete";

struct PodPlan {
  int exit_code = 0;                                  // per attempt, for every container
  std::chrono::milliseconds run_time{500};            // from start to exit (run-to-completion pods)
  bool ready = true;                                  // false: never Ready
  std::string log;                                    // every container's log text
  std::string remove_finalizer_on_delete;             // "" = none
  std::vector<std::string> problems;                  // "exit-code \"x\": not an integer (using 0)"
};

// The plan of |pod| from its metadata.annotations. Never fails: bad values keep the default and are
// described in the result's |problems|.
PodPlan PlanOf(const base::Json& pod);

}  // namespace capstan::localnode

#endif  // CAPSTAN_LOCALNODE_POD_PLAN_H_
