// Copyright 2026 The capstan Authors.
//
// OperationRunner: drives the operation requested on an Application (`.operation`, DESIGN §8.4) to
// its end. It takes the operation Lease, renders the app's source once at the operation's revision,
// and then repeats: read the Application (a terminate request lands there), list the app's live
// objects, run one sync::Engine step, write status.operationState together with status.sync,
// status.health and status.resources — after every step, so a new runner resumes where a crashed one
// stopped — and wait until something it watches changes. At the end it applies the retry policy
// (spec §6.4), appends history after a successful full sync (§6.3), clears `.operation` in the same
// write as the final state, and releases the Lease.
//
// When another runner holds the Lease, Run follows the Application instead until the operation
// ends (or the Lease expires unrenewed, and then takes over), feeding the same progress callbacks
// from the operation state the other runner writes.
//
// Crash points (base/crash_point.h): "write:<why>" before and "written:<why>" after each write of
// operation state, <why> one of start, step, retry, final; "hook-created" in the engine.
//
// Thread safety: one Run at a time per runner.

#ifndef CAPSTAN_APP_OPERATION_RUNNER_H_
#define CAPSTAN_APP_OPERATION_RUNNER_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/application.h"
#include "base/json.h"
#include "base/result.h"
#include "health/health.h"
#include "kube/client.h"
#include "source/render/render.h"
#include "sync/operation_state.h"

namespace capstan::app {

// One task of the operation's plan, in the engine's order, for a progress display.
struct PlannedTask {
  std::string key;  // the result key (sync::ResourceResult::Key())
  core::SyncPhase phase = core::SyncPhase::kSync;
  int64_t wave = 0;
  bool hook = false;
  std::string group, kind, namespace_, name;
};

// What a progress display sees after each engine step and at the end (RunnerOptions::on_step).
// The references are valid only during the call.
struct StepSnapshot {
  const sync::OperationState& state;
  const std::vector<PlannedTask>& plan;   // empty until the source is rendered
  const base::Json* resources = nullptr;  // status.resources of the latest comparison, or null
};

struct RunnerOptions {
  std::string holder;  // Lease holder identity; "" = "capstan/<host>/<pid>"
  std::string control_plane_namespace = "capstan";
  source::RenderOptions render;  // cache dir and credentials (revision comes from the operation)
  std::string field_manager = "capstan";
  // When set, Run gives up at this time with kTimeout, leaving the operation Running.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Receives one human-readable line per change (phase, message, each result as it changes).
  std::function<void(std::string_view)> progress;
  // When false, `progress` gets no per-result and operation-phase lines (a display fed by on_step
  // shows them); warnings and other notes still go to `progress`.
  bool report_results = true;
  // Called after each engine step and once with the final state.
  std::function<void(const StepSnapshot&)> on_step;
  health::HealthOverride* health_override = nullptr;
  // When another runner holds the operation Lease: follow the operation until it ends (true), or
  // return the Application at once (false: the controller, which comes back to the app later).
  bool follow_others = true;
  // While a controller is running (controller_presence.h), follow instead of running: the CLI asks
  // for an operation and shows its progress, the controller runs it. When no controller is
  // running, the runner runs the operation itself.
  bool defer_to_controller = false;
};

class OperationRunner {
 public:
  // |client| must outlive the runner.
  OperationRunner(kube::Client& client, RunnerOptions opts);

  // Runs (or follows) the operation of |ref| until it has ended and returns the Application as
  // stored then. Returns the Application at once when no operation is requested or running.
  // kNotFound when the Application does not exist; kTimeout at the deadline; render and cluster
  // errors end the operation with phase Error and the message, and are not returned.
  base::Result<base::Json> Run(const AppRef& ref);

 private:
  class Run_;
  kube::Client& client_;
  RunnerOptions opts_;
};

// Writes `.operation` = |op| on the Application |ref|. kFailedPrecondition "another operation is
// already in progress" when its operationState is Running or Terminating.
base::Status RequestOperation(kube::Client& client, const AppRef& ref, const Operation& op);

// The crash-recovery check of `capstan sync -f` (DESIGN §8.4): when the operation Lease of |ref|
// outlived its operation — the last operation finished after the Lease was taken (its runner wrote
// the final state, then died before releasing the Lease and reporting) — and that operation is the
// one |op| would request again for the same source, deletes the stale Lease and returns the
// Application: its result is the one to report, and syncing again would run every hook twice.
// nullopt in every other case.
base::Result<std::optional<base::Json>> TakeUnreportedResult(kube::Client& client, const AppRef& ref,
                                                             const Operation& op);

// Asks the running operation of |ref| to terminate (operationState.phase = Terminating).
// kFailedPrecondition "Unable to terminate operation. No operation is in progress" otherwise.
base::Status RequestTermination(kube::Client& client, const AppRef& ref);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_OPERATION_RUNNER_H_
