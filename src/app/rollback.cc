// Copyright 2026 The capstan Authors.

#include "app/rollback.h"

#include "app/auto_sync.h"

namespace capstan::app {

base::Result<Operation> RollbackOperation(const base::Json& app, std::optional<int64_t> id, bool prune, bool dry_run,
                                          const std::string& initiated_by) {
  const std::string name = base::GetStringAt(app, "metadata/name");
  if (AutoSyncEnabled(app)) {
    return base::Status::FailedPrecondition("rollback cannot be initiated when auto-sync is enabled");
  }
  if (app.contains("metadata") && app["metadata"].contains("deletionTimestamp")) {
    return base::Status::FailedPrecondition("application " + name + " is being deleted");
  }
  const base::Json history = app.value("status", base::Json::object()).value("history", base::Json::array());
  const base::Json* entry = nullptr;
  if (!id) {
    if (history.is_array() && history.size() >= 2) entry = &history[history.size() - 2];
    if (entry == nullptr) {
      return base::Status::NotFound("application " + name + " has no previous deployment to roll back to");
    }
  } else if (history.is_array()) {
    for (const base::Json& h : history) {
      if (h.value("id", int64_t{-1}) == *id) entry = &h;
    }
  }
  if (entry == nullptr) {
    return base::Status::NotFound("application " + name + " does not have deployment with id " + std::to_string(*id));
  }
  Operation op;
  op.sync.revision = base::GetString(*entry, "revision");
  op.sync.prune = prune;
  op.sync.dry_run = dry_run;
  op.sync.apply_strategy = true;
  if (entry->contains("sources")) {
    op.sync.source = (*entry)["sources"];
  } else if (entry->contains("source")) {
    op.sync.source = (*entry)["source"];
  }
  if (const base::Json& options = app.value("spec", base::Json::object())
                                      .value("syncPolicy", base::Json::object())
                                      .value("syncOptions", base::Json::array());
      options.is_array()) {
    for (const base::Json& o : options) {
      if (o.is_string()) op.sync.sync_options.push_back(o.get<std::string>());
    }
  }
  op.initiated_by = initiated_by;
  return op;
}

}  // namespace capstan::app
