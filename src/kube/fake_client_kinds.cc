// Copyright 2026 The capstan Authors.
//
// The kinds FakeClient serves without being told: the common built-ins (in the versions a 1.2x
// server serves, plus the older ones still found in manifests) and Argo CD's CRDs.

#include "kube/fake_client.h"

namespace capstan::kube {

std::vector<std::pair<ApiResource, bool>> FakeBuiltinKinds() {
  const std::vector<std::string> verbs = {"create", "delete", "deletecollection", "get",
                                          "list",   "patch",  "update",           "watch"};
  struct Row {
    const char* group;
    const char* version;
    const char* kind;
    const char* resource;
    bool namespaced;
    bool has_status;
  };
  static const Row kRows[] = {
      {"", "v1", "Namespace", "namespaces", false, true},
      {"", "v1", "ConfigMap", "configmaps", true, false},
      {"", "v1", "Secret", "secrets", true, false},
      {"", "v1", "Pod", "pods", true, true},
      {"", "v1", "Service", "services", true, true},
      {"", "v1", "ServiceAccount", "serviceaccounts", true, false},
      {"", "v1", "Endpoints", "endpoints", true, false},
      {"", "v1", "Event", "events", true, false},
      {"", "v1", "Node", "nodes", false, true},
      {"", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, true},
      {"", "v1", "PersistentVolume", "persistentvolumes", false, true},
      {"apps", "v1", "Deployment", "deployments", true, true},
      {"apps", "v1", "ReplicaSet", "replicasets", true, true},
      {"apps", "v1", "StatefulSet", "statefulsets", true, true},
      {"apps", "v1", "DaemonSet", "daemonsets", true, true},
      {"batch", "v1", "Job", "jobs", true, true},
      {"batch", "v1", "CronJob", "cronjobs", true, true},
      {"batch", "v1beta1", "CronJob", "cronjobs", true, true},
      {"networking.k8s.io", "v1", "Ingress", "ingresses", true, true},
      {"rbac.authorization.k8s.io", "v1", "Role", "roles", true, false},
      {"rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, false},
      {"rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, false},
      {"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, false},
      {"apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, true},
      {"coordination.k8s.io", "v1", "Lease", "leases", true, false},
      {"policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, true},
      {"policy", "v1beta1", "PodDisruptionBudget", "poddisruptionbudgets", true, true},
      {"autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true},
      {"autoscaling", "v2beta2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true},
      {"autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true},
      // Argo CD's CRDs have no status subresource (DESIGN §8.5).
      {"argoproj.io", "v1alpha1", "Application", "applications", true, false},
      {"argoproj.io", "v1alpha1", "AppProject", "appprojects", true, false},
  };
  std::vector<std::pair<ApiResource, bool>> out;
  for (const Row& r : kRows) {
    out.push_back({ApiResource{core::Gvk{r.group, r.version, r.kind}, r.resource, r.namespaced, verbs}, r.has_status});
  }
  return out;
}

}  // namespace capstan::kube
