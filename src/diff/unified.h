// Copyright 2026 The capstan Authors.
//
// The printed diff of `capstan app diff`, as `argocd app diff` prints it: per resource a header
// `===== <group>/<Kind> <namespace>/<name> ======` (core group empty: `===== /ConfigMap ns/cm ======`)
// and a unified diff (`--- live` / `+++ target`, hunks with 3 lines of context) of the YAML of the
// normalised live object and the predicted live object. A missing side is an empty text, so an
// object to create is all added lines and one to prune all removed lines.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_DIFF_UNIFIED_H_
#define CAPSTAN_DIFF_UNIFIED_H_

#include <string>
#include <string_view>

#include "base/json.h"

namespace capstan::diff {

// A unified diff of |from| → |to| (texts of lines), with |context| lines around each change and
// hunk headers "@@ -a,b +c,d @@"; "" when the texts are equal.
std::string UnifiedDiff(std::string_view from, std::string_view to, int context = 3);

// The header line of one resource, ending in a newline.
std::string ResourceHeader(std::string_view group, std::string_view kind, std::string_view namespace_,
                           std::string_view name);

// Header and unified diff of |live| → |predicted| as YAML (null = absent). REQUIRES: Secrets already
// redacted (redact.h).
std::string ResourceDiff(std::string_view group, std::string_view kind, std::string_view namespace_,
                         std::string_view name, const base::Json& live, const base::Json& predicted);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_UNIFIED_H_
