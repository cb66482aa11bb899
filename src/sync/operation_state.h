// Copyright 2026 The capstan Authors.
//
// OperationState: everything a sync operation needs to resume — phase, message, startedAt and the
// per-task results keyed by "<group>/<kind>/<namespace>/<name>:<phase>" (spec §6.1, §8.5). It is
// persisted in the Application's status.operationState in Argo CD's field layout, so `argocd app get`
// and capstan read the same thing.
//
// Thread safety: plain values.

#ifndef CAPSTAN_SYNC_OPERATION_STATE_H_
#define CAPSTAN_SYNC_OPERATION_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/json_fwd.h"
#include "base/result.h"
#include "core/sync_types.h"

namespace capstan::sync {

// One entry of status.operationState.syncResult.resources.
struct ResourceResult {
  std::string group;
  std::string version;
  std::string kind;
  std::string namespace_;
  std::string name;
  core::ResultCode status = core::ResultCode::kSynced;
  std::string message;
  std::optional<core::HookType> hook_type;   // set for hooks (= the phase's hook type)
  std::optional<core::OperationPhase> hook_phase;
  core::SyncPhase sync_phase = core::SyncPhase::kSync;

  // The result key: "<group>/<kind>/<namespace>/<name>:<phase>".
  std::string Key() const;
};

struct OperationState {
  core::OperationPhase phase = core::OperationPhase::kRunning;
  std::string message;
  int64_t started_at_unix = 0;                // operation start, UTC seconds
  std::optional<int64_t> finished_at_unix;
  std::string revision;
  std::vector<ResourceResult> results;        // first-recorded order
  int64_t retry_count = 0;                    // retryCount: attempts made after the first

  // The value of the capstan.dev/operation annotation on the hooks this attempt creates (DESIGN
  // §8.7): startedAt, plus "#<retry_count>" on a retry, so a retry re-runs its hooks while a
  // resumed attempt adopts them.
  std::string HookStamp() const;

  // True once any result is recorded (the operation has started applying).
  bool started() const { return !results.empty(); }
  // The result with |key|, or nullptr.
  const ResourceResult* Find(const std::string& key) const;
  // Inserts or replaces (keeping its position) the result with r.Key().
  void Record(ResourceResult r);
};

// metav1.Time ("2026-11-27T03:00:00Z") of |unix| seconds, as Argo CD writes startedAt/finishedAt
// (base::FormatRfc3339).
std::string FormatTime(int64_t unix);
// Parses an RFC 3339 time (any offset; the fraction is dropped) into unix seconds. kInvalidArgument
// naming |field|: "<field>: \"<text>\" is not an RFC 3339 time".
base::Result<int64_t> ParseTime(std::string_view text, std::string_view field);

// status.operationState (without the `operation` copy, which the caller owns) as Argo CD lays it out:
// {phase, message, startedAt, finishedAt, syncResult: {revision, resources: [...]}}.
base::Json ToJson(const OperationState& s);
// Parses what ToJson (or Argo CD) wrote. kInvalidArgument naming the field on bad values.
base::Result<OperationState> OperationStateFromJson(const base::Json& j);

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_OPERATION_STATE_H_
