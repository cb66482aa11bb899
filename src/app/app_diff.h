// Copyright 2026 The capstan Authors.
//
// DiffApp: what a sync of an Application would change, as `argocd app diff` shows it — the source
// rendered, the app's live objects listed, each non-hook resource compared (app_status.h, with the
// app's ignoreDifferences, capstan-cm's settings and, when asked, the server-side diff), and for
// every resource that differs a header and a unified diff of normalised live vs predicted live
// (diff/unified.h), Secret values masked on both sides (diff/redact.h). A target without live object
// shows as all added lines, a live object that requires pruning as all removed lines. Nothing in the
// cluster changes (the server-side diff only sends dry-runs).
//
// Thread safety: thread-compatible.

#ifndef CAPSTAN_APP_APP_DIFF_H_
#define CAPSTAN_APP_APP_DIFF_H_

#include <string>

#include "base/json.h"
#include "base/result.h"
#include "kube/client.h"
#include "source/render/render.h"

namespace capstan::app {

struct AppDiffOptions {
  source::RenderOptions render;  // revision "" = spec.source.targetRevision
  bool server_side = false;      // server-side diff even without the app's compare-options
};

struct AppDiff {
  std::string text;     // the printed diff, "" when nothing differs
  int differences = 0;  // how many resources differ
};

// The diff of |application| (from the cluster or a file). Errors as rendering, listing or the
// comparison (invalid ignoreDifferences, a failing jq expression or dry-run) report them.
base::Result<AppDiff> DiffApp(kube::Client& client, const base::Json& application, const AppDiffOptions& opts);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_APP_DIFF_H_
