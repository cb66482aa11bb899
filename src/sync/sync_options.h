// Copyright 2026 The capstan Authors.
//
// SyncOptions: the operation-level settings of one sync (spec §1.5, app-level column; plus the
// operation's flags), parsed once from Argo CD's syncOptions strings.
//
// Thread safety: plain values.

#ifndef CAPSTAN_SYNC_SYNC_OPTIONS_H_
#define CAPSTAN_SYNC_SYNC_OPTIONS_H_

#include <string>
#include <vector>

#include "base/result.h"

namespace capstan::sync {

struct SyncOptions {
  // Operation flags.
  bool dry_run = false;     // operation-level dry run: everything dry-run, nothing written
  bool prune = false;       // delete live objects no longer in Git
  bool force = false;       // sync strategy force
  // From syncOptions (app level).
  bool replace = false;                          // Replace=true
  bool apply_out_of_sync_only = false;           // ApplyOutOfSyncOnly=true
  bool skip_dry_run_on_missing_resource = false; // SkipDryRunOnMissingResource=true
  bool create_namespace = false;                 // CreateNamespace=true
  bool prune_last = false;                       // PruneLast=true
  bool prune_disabled = false;                   // Prune=false
  bool prune_confirm = false;                    // Prune=confirm
  bool prune_confirmed = false;                  // deletion-approved ≥ startedAt (set by the caller)
  bool validate = true;                          // Validate=false turns it off
  std::string prune_propagation = "foreground";  // PrunePropagationPolicy=foreground|background|orphan
  // capstan.
  std::string field_manager = "capstan";
  int max_parallel = 32;                         // tasks applied at once within a kind group

  // Parses Argo CD's list (exact items, no trimming: SyncOptions.HasOption). Unknown items are
  // ignored as Argo CD ignores them; a bad PrunePropagationPolicy value is kInvalidArgument.
  static base::Result<SyncOptions> FromList(const std::vector<std::string>& items);
};

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_SYNC_OPTIONS_H_
