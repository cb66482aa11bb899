// Copyright 2026 The capstan Authors.
//
// Pre-normalisation (spec/argo-sync-semantics.md §7.1, §7.4, §7.5): what both sides of a comparison
// go through before they are compared, so that fields the API server owns and equivalent spellings
// of the same content never count as a difference.
//
//  - metadata the server writes is dropped: creationTimestamp, managedFields, resourceVersion, uid,
//    generation, selfLink; an empty labels or annotations map is the same as none;
//  - Secret: stringData is merged into data as base64 (as the server stores it), a null value in
//    data is "";
//  - Role / ClusterRole: empty rules are the same as none;
//  - Endpoints: a port without protocol is TCP; subsets (and their addresses and ports) are sorted.
//
// Tracking normalisation (§7.1 step 1) makes the live object's tracking metadata look like the
// target's where only the tracking method differs.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_DIFF_NORMALIZE_H_
#define CAPSTAN_DIFF_NORMALIZE_H_

#include <string_view>

#include "base/json.h"

namespace capstan::diff {

inline constexpr std::string_view kInstanceLabel = "app.kubernetes.io/instance";

// Normalises |obj| in place as the file comment says. Non-objects are left alone.
void Normalize(base::Json& obj);

// Argo CD's tracking normalisation: when |live| carries the instance label |label_key| but no
// tracking-id annotation, the target's tracking-id is copied into |live|; when |target| lacks the
// label, it is removed from |live|. CustomResourceDefinitions are left alone.
void NormalizeTracking(const base::Json& target, base::Json& live, std::string_view label_key = kInstanceLabel);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_NORMALIZE_H_
