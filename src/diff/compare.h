// Copyright 2026 The capstan Authors.
//
// Compare: is a live object in sync with its target? The first, deliberately simple form of Argo
// CD's comparison (spec/argo-sync-semantics.md §7): the target must be contained in the live object.
// Every field the target sets must be present in the live object with an equal value — maps
// recursively (the server may add fields: defaults, other managers' fields), lists element by element
// with the same length, numbers by value. Only metadata.labels and metadata.annotations count from
// metadata (the server owns the rest), `status` never counts, and a Secret's stringData is compared
// as the base64 data the server stores. A target `null` means "any value".
//
// Not yet here (the Diff issue): ignoreDifferences, known-type normalisation (quantities, ports as
// strings), removed fields (a field dropped from Git but still live counts as in sync), the
// server-side diff. Until then a field the server rewrites (e.g. cpu "0.5" → "500m") shows as a
// difference.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_DIFF_COMPARE_H_
#define CAPSTAN_DIFF_COMPARE_H_

#include <string>
#include <vector>

#include "base/json.h"

namespace capstan::diff {

struct Comparison {
  bool modified = false;
  // JSON pointers of the first differing fields of the target (at most 10), e.g. "/spec/replicas".
  std::vector<std::string> paths;
};

Comparison Compare(const base::Json& target, const base::Json& live);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_COMPARE_H_
