// Copyright 2026 The capstan Authors.
//
// Compare: the short answer of Diff (diff.h) for one object with default options — is the live
// object in sync with its target, and if not, where does it differ? Kept for callers that need only
// that (app plan's actions).
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
  // JSON pointers of the first differing fields (at most 10), e.g. "/spec/replicas".
  std::vector<std::string> paths;
};

// Diff(&target, &live) with no ignore rules (status ignored). REQUIRES: both are objects.
Comparison Compare(const base::Json& target, const base::Json& live);

// JSON pointers where |a| and |b| differ (at most |max|): a member present on one side only, a
// value that differs, or a list of another length is named once at its own path.
std::vector<std::string> DifferingPaths(const base::Json& a, const base::Json& b, size_t max = 10);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_COMPARE_H_
