// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/sync/sync_tasks.go (kindOrder, Less, Sort's dependency bubbling). The
// kind list is Helm's install order (helm/pkg/releaseutil/kind_sorter.go) as gitops-engine copies it.

#include "sync/task_order.h"

#include <algorithm>
#include <array>

namespace capstan::sync {
namespace {

constexpr std::array<std::string_view, 35> kKindOrder = {
    "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap",
    "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList",
    "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
    "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet",
    "Job", "CronJob", "IngressClass", "Ingress", "APIService",
};

bool IsNamespaceTask(const Task& t) {
  return t.target != nullptr && t.key.group.empty() && t.key.kind == "Namespace";
}

// Does |t| (with a target) need Namespace |ns| to exist first? Cluster-scoped targets count as in the
// destination namespace, because gitops-engine stamps it on every target without one (§2.2 step 3).
bool NeedsNamespace(const Task& t, const std::string& ns, const std::string& destination_namespace) {
  if (t.target == nullptr || IsNamespaceTask(t)) return false;
  std::string own = base::GetStringAt(*t.target, "metadata/namespace");
  if (own.empty()) own = destination_namespace;
  return !own.empty() && own == ns;
}

bool IsCrdTask(const Task& t) {
  return t.target != nullptr && t.key.group == "apiextensions.k8s.io" && t.key.kind == "CustomResourceDefinition";
}

// group/kind a CRD defines: spec.group + spec.names.kind.
bool DefinesKindOf(const Task& crd, const Task& t) {
  const base::Json& o = *crd.target;
  return t.target != nullptr && base::GetStringAt(o, "spec/group") == t.key.group &&
         base::GetStringAt(o, "spec/names/kind") == t.key.kind;
}

// Moves tasks[i] to position j < i, taking phase and wave of the task it lands in front of.
void BubbleTo(std::vector<Task>& tasks, size_t i, size_t j) {
  Task moved = std::move(tasks[i]);
  moved.phase = tasks[j].phase;
  moved.wave = tasks[j].wave;
  tasks.erase(tasks.begin() + static_cast<std::ptrdiff_t>(i));
  tasks.insert(tasks.begin() + static_cast<std::ptrdiff_t>(j), std::move(moved));
}

}  // namespace

int KindRank(std::string_view kind) {
  auto it = std::find(kKindOrder.begin(), kKindOrder.end(), kind);
  return static_cast<int>(it - kKindOrder.begin());  // kKindOrder.size() when unknown
}

bool TaskLess(const Task& a, const Task& b) {
  if (a.phase != b.phase) return static_cast<int>(a.phase) < static_cast<int>(b.phase);
  if (a.wave != b.wave) return a.wave < b.wave;
  int ra = KindRank(a.key.kind), rb = KindRank(b.key.kind);
  if (ra != rb) return ra < rb;
  return a.key.name < b.key.name;  // the object's metadata.name (a hook's key is made after naming it)
}

void SortTasks(std::vector<Task>& tasks, const std::string& destination_namespace) {
  std::stable_sort(tasks.begin(), tasks.end(), TaskLess);
  // Dependency bubbling, Namespaces first, then CRDs: only when a dependent sorts before its
  // dependency. Each pass moves a dependency in front of the first task (so far) that needs it.
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (!IsNamespaceTask(tasks[i])) continue;
    for (size_t j = 0; j < i; ++j) {
      if (NeedsNamespace(tasks[j], tasks[i].key.name, destination_namespace)) {
        BubbleTo(tasks, i, j);
        break;
      }
    }
  }
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (!IsCrdTask(tasks[i])) continue;
    for (size_t j = 0; j < i; ++j) {
      if (!IsCrdTask(tasks[j]) && DefinesKindOf(tasks[i], tasks[j])) {
        BubbleTo(tasks, i, j);
        break;
      }
    }
  }
}

}  // namespace capstan::sync
