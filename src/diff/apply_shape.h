// Copyright 2026 The capstan Authors.
//
// The shape of a target as capstan sends it to the API server: Kubernetes 1.20's server-side apply
// rejects a list entry of ports without `protocol` (an associative-list key; fixed in 1.21), so
// every Service port and container port without one gets `protocol: TCP` — the server's own default,
// harmless on any version (DESIGN §5). The sync applies this shape, so the diff compares it: the
// fields capstan owns then match the target it diffs (a target without `protocol` is in sync with a
// live object whose `protocol: TCP` capstan applied).
//
// Thread safety: pure function on the caller's JSON.

#ifndef CAPSTAN_DIFF_APPLY_SHAPE_H_
#define CAPSTAN_DIFF_APPLY_SHAPE_H_

#include "base/json.h"

namespace capstan::diff {

// Fills `protocol: TCP` into the ports of a Service, a Pod, a CronJob's job template and any kind with
// a pod template at spec.template.spec, where missing.
void FillApplyDefaults(base::Json& obj);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_APPLY_SHAPE_H_
