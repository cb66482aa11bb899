// Copyright 2026 The capstan Authors.
//
// The tracking annotation Argo CD's repo-server puts on every rendered object (annotation method,
// the default since Argo CD 3.0): `argocd.argoproj.io/tracking-id: <app>:<group>/<kind>:<ns>/<name>`
// (spec/argo-sync-semantics.md §1.8; util/argo/resource_tracking.go SetAppInstance, applied in
// reposerver GenerateManifests to every target except CustomResourceDefinitions).
//
// Thread safety: pure functions.

#ifndef CAPSTAN_SOURCE_TRACKING_H_
#define CAPSTAN_SOURCE_TRACKING_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace capstan::source {

inline constexpr std::string_view kTrackingIdAnnotation = "argocd.argoproj.io/tracking-id";
inline constexpr std::string_view kInstallationIdAnnotation = "argocd.argoproj.io/installation-id";

struct TrackingOptions {
  // The app's instance name: "<app>" in the control-plane namespace, "<namespace>_<app>" elsewhere.
  std::string instance_name{};
  // spec.destination.namespace, written for objects that carry no namespace.
  std::string destination_namespace{};
  // argocd-cm installationID; when set, also written as argocd.argoproj.io/installation-id.
  std::string installation_id{};
};

// "<instance>:<group>/<kind>:<namespace>/<name>" for |obj| (namespace: the object's, else the
// destination namespace).
std::string TrackingId(const base::Json& obj, const TrackingOptions& options);

// The instance name of an Application named |app_name| in |app_namespace| when the control plane
// runs in |control_plane_namespace| (Argo CD: the name alone there or when |app_namespace| is empty,
// else "<namespace>_<name>").
std::string AppInstanceName(std::string_view app_name, std::string_view app_namespace,
                            std::string_view control_plane_namespace);

// Adds the tracking annotation (and the installation id when set) to every object of |objects|
// except apiextensions.k8s.io CustomResourceDefinitions, replacing any value already there.
// kInvalidArgument when an object is not a JSON object or its metadata/annotations are not objects,
// or |options.instance_name| is empty.
base::Status AddTrackingAnnotations(std::vector<base::Json>& objects, const TrackingOptions& options);

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_TRACKING_H_
