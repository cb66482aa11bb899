// Copyright 2026 The capstan Authors.
//
// Rollback (spec §6.3, Argo CD's server Rollback): an operation that syncs the revision and source of
// one status.history entry with the apply strategy (no hooks) and the app's sync options. Refused
// while automated sync is on (the controller would sync the app straight back to Git).
//
// Thread safety: pure functions.

#ifndef CAPSTAN_APP_ROLLBACK_H_
#define CAPSTAN_APP_ROLLBACK_H_

#include <cstdint>
#include <optional>

#include "app/application.h"
#include "base/json.h"
#include "base/result.h"

namespace capstan::app {

// The operation rolling |app| back to history entry |id| (nullopt: the entry before the latest, as
// `argocd app rollback APP` without an ID). kFailedPrecondition "rollback cannot be initiated when
// auto-sync is enabled", or while the app is being deleted; kNotFound "application <name> does not
// have deployment with id <id>" (Argo CD's messages).
base::Result<Operation> RollbackOperation(const base::Json& app, std::optional<int64_t> id, bool prune, bool dry_run,
                                          const std::string& initiated_by);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_ROLLBACK_H_
