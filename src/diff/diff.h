// Copyright 2026 The capstan Authors.
//
// Diff: is a live object what its target asks for, and what would it look like after capstan applied
// the target (spec/argo-sync-semantics.md §7)? capstan always applies server-side with its own field
// manager, so the predicted live object is the one server-side apply would leave:
//   - the live object with the target merged in: maps recursively; lists whose items have a known
//     merge key (containers, initContainers, ephemeralContainers, volumes, env, imagePullSecrets by
//     name; ports by containerPort or port; volumeMounts by mountPath; volumeDevices by devicePath;
//     hostAliases by ip) item by item, keeping the live order and appending new items; every other
//     list replaced;
//   - minus the fields only the field manager owns (live managedFields) that the target no longer
//     sets: a field dropped from Git is a difference.
// Server defaults and other managers' fields stay on both sides and so never count. Both sides are
// then normalised (normalize.h) and the ignoreDifferences rules applied (ignore.h, incl. status);
// rules with managedFieldsManagers first take the fields those managers own and that differ out of
// target and live. Modified ⇔ normalised predicted ≠ normalised live (numbers by value).
// Target without live → modified; live without target → not modified (it requires pruning instead).
//
// Thread safety: pure functions (jq expressions run in a child process).

#ifndef CAPSTAN_DIFF_DIFF_H_
#define CAPSTAN_DIFF_DIFF_H_

#include <string>

#include "base/json.h"
#include "base/result.h"
#include "diff/ignore.h"

namespace capstan::diff {

inline constexpr char kFieldManager[] = "capstan";

struct DiffOptions {
  const DiffConfig* config = nullptr;  // nullptr = no rules, status ignored
  std::string field_manager = kFieldManager;
};

struct DiffResult {
  bool modified = false;
  base::Json normalized_live;  // null without live
  base::Json predicted_live;   // normalised; null without target
};

// Compares |target| and |live| (either may be null, not both) as the file comment says. Errors from
// the ignore rules (a jq expression that fails or times out), naming the rule and the expression.
base::Result<DiffResult> Diff(const base::Json* target, const base::Json* live, const DiffOptions& opts = {});

// Compares an already predicted live object (a server-side apply dry-run's answer, spec §7.4) with
// |live|: both normalised, managedFields and resourceVersion gone, ignore rules matched on |target|.
base::Result<DiffResult> DiffPredicted(const base::Json& target, const base::Json& predicted, const base::Json& live,
                                       const DiffOptions& opts = {});

// The live object server-side apply of |target| by |field_manager| would leave (before
// normalisation): see the file comment.
base::Json PredictApply(const base::Json& target, const base::Json& live, const std::string& field_manager);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_DIFF_H_
