// Copyright 2026 The capstan Authors.
//
// Application conditions (status.conditions, spec §8.4): [{type, message, lastTransitionTime}], at
// most one per type. Refresh owns ComparisonError; the operation runner owns SyncError, which it
// sets when an operation failed in its PostSync phase (DESIGN §6: a failed PostSync hook leaves a
// condition, not a silently Healthy app) and clears when a later sync succeeds.
//
// Thread safety: pure functions on the caller's JSON.

#ifndef CAPSTAN_APP_CONDITIONS_H_
#define CAPSTAN_APP_CONDITIONS_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "sync/operation_state.h"

namespace capstan::app {

inline constexpr char kComparisonError[] = "ComparisonError";
inline constexpr char kSyncError[] = "SyncError";

// Sets the condition |type| in |status| (an Application's .status object) to |message|; keeps its
// lastTransitionTime when the message is unchanged, else stamps |now|.
void SetCondition(base::Json& status, std::string_view type, const std::string& message, const std::string& now);
// Removes the condition |type| from |status|; status.conditions goes away when it empties.
void ClearCondition(base::Json& status, std::string_view type);

// The SyncError message for a finished operation whose PostSync phase failed:
// "PostSync hook batch/Job/notify failed: <its message>" (the first failed PostSync hook; with more,
// " and N more"). nullopt when the operation did not fail in PostSync.
std::optional<std::string> PostSyncFailure(const sync::OperationState& state);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_CONDITIONS_H_
