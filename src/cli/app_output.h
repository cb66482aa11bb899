// Copyright 2026 The capstan Authors.
//
// Printing Applications the way `argocd app get` does: `-o json|yaml` prints the object alone (so
// stdout can be parsed), `wide` and the default print a summary and the operation's result table.

#ifndef CAPSTAN_CLI_APP_OUTPUT_H_
#define CAPSTAN_CLI_APP_OUTPUT_H_

#include <ostream>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "app/application.h"
#include "app/sync_window.h"

namespace capstan::cli {

// |output|: "json", "yaml", "wide" or "" (summary). The summary lists status.conditions and, when
// given, |depends_on|: one "<app> (ready)" or "<app> (<why not>)" per dependency (app/depends_on.h).
// With |windows| (app get), it shows the sync windows at |now_unix| as argocd app get does:
// `SyncWindow:` Sync Allowed | Sync Denied | Manual Allowed, and `Assigned Windows:` kind:schedule:duration,...
void PrintApplication(std::ostream& out, const base::Json& app, const std::string& output,
                      const std::vector<std::string>& depends_on = {}, const app::AppSyncWindows* windows = nullptr,
                      int64_t now_unix = 0);

// "NAME" or "NAMESPACE/NAME" with -N |app_namespace| as the default namespace.
app::AppRef ParseAppName(const std::string& text, const std::string& app_namespace);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_APP_OUTPUT_H_
