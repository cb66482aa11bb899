// Copyright 2026 The capstan Authors.
//
// The order tasks run in (spec §2.4; gitops-engine sync_tasks.go): phase → wave → kind rank → name,
// then Namespaces and CRDs bubbled up in front of the first task that needs them.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_SYNC_TASK_ORDER_H_
#define CAPSTAN_SYNC_TASK_ORDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "sync/task.h"

namespace capstan::sync {

// The rank of |kind| in Helm's install order (kind only; the group is ignored). Kinds not in the
// list rank after all listed kinds, equal to each other.
int KindRank(std::string_view kind);

// The sort key comparison: phase, wave, kind rank, metadata.name (byte-wise).
bool TaskLess(const Task& a, const Task& b);

// Sorts |tasks| by TaskLess, then moves each core Namespace task (then each CRD task) that a task
// sorted before it depends on to just before the first such task, adopting its phase and wave.
// Targets without a namespace (cluster-scoped) count as needing |destination_namespace|.
void SortTasks(std::vector<Task>& tasks, const std::string& destination_namespace);

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_TASK_ORDER_H_
