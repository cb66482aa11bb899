// Copyright 2026 The capstan Authors.
//
// ApplyIsNoOp: can capstan prove that a server-side apply of |target| over |live| would change
// nothing, and so skip both its dry-run and its apply (DESIGN §7: "skip writes the diff proves
// unneeded")? An unchanged sync of a big app then costs no writes at all, where Argo CD and kubectl
// send one or two requests per object.
//
// It answers yes only when all of these hold, and no otherwise:
//  1. |live| has a managedFields entry of |field_manager| with operation Apply and the target's
//     apiVersion — capstan applied this object last, so nothing would change hands;
//  2. that entry's fieldsV1 names only plain fields ("f:" keys, no list keys "k:", values "v:" or
//     indexes "i:") and every one of them is set in |target| — so no field capstan owns would be
//     dropped (an apply removes owned fields the new configuration leaves out);
//  3. diff::Diff finds no difference between |live| and what applying |target| would leave (no
//     ignoreDifferences: an ignored field would still be written) — every field it sets has that
//     value already.
//
// Thread safety: pure function.

#ifndef CAPSTAN_SYNC_NOOP_APPLY_H_
#define CAPSTAN_SYNC_NOOP_APPLY_H_

#include <string_view>

#include "base/json.h"

namespace capstan::sync {

bool ApplyIsNoOp(const base::Json& target, const base::Json& live, std::string_view field_manager);

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_NOOP_APPLY_H_
