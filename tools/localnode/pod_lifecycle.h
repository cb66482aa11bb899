// Copyright 2026 The capstan Authors.
//
// The pod state machine of the node agent, as a pure function: given a pod as the API server has it,
// the pod's plan (annotations), the time, and what the agent remembers of the current run, Decide
// returns the one next step — a status to write, a finalizer to remove, a DELETE to send, processes
// to start, or a time to look again. The agent executes the step, feeds the object the server
// returned back in, and repeats until the step is a wait.
//
// Everything Decide needs is in the pod's status (phase, containerStatuses' restartCount and
// startedAt), so an agent restarted mid-way picks its pods up: a Running pod stays Running, and a pod
// whose run time passed while the agent was down finishes at once. Status timestamps keep whole
// seconds; the remembered Attempt carries the precise start when the agent has one.
//
// Lifecycle (restartPolicy, exit code per attempt):
//   Pending  -> Running (init containers terminated with exit 0, containers running, Ready unless
//               the plan says ready=false)
//   Always   -> stays Running
//   Never    -> after the run time: Succeeded (exit 0) or Failed, containers terminated
//   OnFailure-> exit 0: Succeeded; else restart in place (restartCount+1, lastState.terminated)
//   deletionTimestamp -> remove the plan's finalizer, mark running containers terminated, DELETE with
//               grace period 0; other finalizers are someone else's to remove.
// With --exec the run ends when the container processes exit (their exit codes), not on a timer, and
// an exited process of an Always pod restarts in place.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_LOCALNODE_POD_LIFECYCLE_H_
#define CAPSTAN_LOCALNODE_POD_LIFECYCLE_H_

#include <map>
#include <optional>
#include <string>

#include "base/json.h"
#include "localnode/k8s_time.h"
#include "localnode/pod_plan.h"

namespace capstan::localnode {

// What the agent remembers of the current run of a pod's containers (kept per pod uid).
struct Attempt {
  int restart_count = 0;       // the containers' restartCount during this run
  Clock::time_point started;   // when the run started, precisely
  // --exec only.
  bool launched = false;                   // the container processes were started
  bool exited = false;                     // every container process has exited
  std::map<std::string, int> exit_codes;   // by container name, once exited
  Clock::time_point finished;              // when the last one exited
};

enum class StepKind {
  kWait,             // nothing to do now; decide again at |recheck_at| (nullopt: on the next change)
  kWriteStatus,      // write |status| (the changed top-level status fields) to the status subresource
  kRemoveFinalizer,  // remove |finalizer| from metadata.finalizers
  kDelete,           // DELETE the pod with gracePeriodSeconds=0 and its uid as precondition
  kRunContainers,    // --exec: start the container processes of the current run
};

struct Step {
  StepKind kind = StepKind::kWait;
  base::Json status;                          // kWriteStatus
  std::string finalizer;                      // kRemoveFinalizer
  std::optional<Clock::time_point> recheck_at;  // kWait
  // kWriteStatus that starts a run (Pending -> Running, or a restart in place): once the write
  // succeeded the agent remembers Attempt{restart_count = *new_attempt, started = now}.
  std::optional<int> new_attempt;
  std::string what;  // the transition, for the log: "Pending -> Running"
};

struct DecideOptions {
  bool exec = false;  // --exec: runs end when processes exit
};

// The next step for |pod| at |now|. |attempt| is what the agent remembers of the current run, or
// nullptr. Never throws, whatever the shape of |pod|.
Step Decide(const base::Json& pod, const PodPlan& plan, Clock::time_point now, const Attempt* attempt,
            const DecideOptions& opts = {});

// The pod's restartPolicy ("Always" when unset).
std::string RestartPolicyOf(const base::Json& pod);

// The highest restartCount among the pod's containerStatuses (0 when there are none).
int RestartCountOf(const base::Json& pod);

// True when |pod| has a container or init container named |container|.
bool HasContainer(const base::Json& pod, const std::string& container);

}  // namespace capstan::localnode

#endif  // CAPSTAN_LOCALNODE_POD_LIFECYCLE_H_
