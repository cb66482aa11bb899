// Copyright 2026 The capstan Authors.

#include "sync/sync_options.h"

namespace capstan::sync {

base::Result<SyncOptions> SyncOptions::FromList(const std::vector<std::string>& items) {
  SyncOptions o;
  for (const std::string& item : items) {
    if (item == "Replace=true") o.replace = true;
    else if (item == "ApplyOutOfSyncOnly=true") o.apply_out_of_sync_only = true;
    else if (item == "SkipDryRunOnMissingResource=true") o.skip_dry_run_on_missing_resource = true;
    else if (item == "CreateNamespace=true") o.create_namespace = true;
    else if (item == "PruneLast=true") o.prune_last = true;
    else if (item == "Prune=false") o.prune_disabled = true;
    else if (item == "Prune=confirm") o.prune_confirm = true;
    else if (item == "Validate=false") o.validate = false;
    else if (item.rfind("PrunePropagationPolicy=", 0) == 0) {
      std::string v = item.substr(sizeof("PrunePropagationPolicy=") - 1);
      if (v != "foreground" && v != "background" && v != "orphan") {
        return base::Status::InvalidArgument("syncOptions: PrunePropagationPolicy=\"" + v +
                                             "\" (want foreground, background or orphan)");
      }
      o.prune_propagation = v;
    }
  }
  return o;
}

}  // namespace capstan::sync
