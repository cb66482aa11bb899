// Copyright 2026 The capstan Authors.

#include "app/controller_presence.h"

#include <regex>

#include "app/shard_membership.h"
#include "base/json.h"
#include "base/time.h"
#include "source/glob.h"

namespace capstan::app {

bool NamespaceMatches(const std::string& pattern, const std::string& ns) {
  if (pattern.size() >= 2 && pattern.front() == '/' && pattern.back() == '/') {
    try {
      return std::regex_match(ns, std::regex(pattern.substr(1, pattern.size() - 2)));
    } catch (const std::regex_error&) {
      return false;
    }
  }
  // Argo CD matches --application-namespaces with util/glob (gobwas/glob, no separators).
  auto glob = source::Glob::Compile(pattern);
  return glob.ok() && glob->Match(ns);
}

namespace {

// Whether the controller holding |lease| serves Applications of |app_namespace|.
bool Serves(const base::Json& lease, const std::string& control_plane_namespace, const std::string& app_namespace) {
  if (app_namespace.empty() || app_namespace == control_plane_namespace) return true;
  const std::string served = base::GetString(
      lease.value("metadata", base::Json::object()).value("annotations", base::Json::object()),
      kApplicationNamespacesAnnotation);
  size_t start = 0;
  while (start <= served.size()) {
    size_t comma = served.find(',', start);
    if (comma == std::string::npos) comma = served.size();
    if (comma > start && NamespaceMatches(served.substr(start, comma - start), app_namespace)) return true;
    start = comma + 1;
  }
  return false;
}

}  // namespace

base::Result<bool> ControllerIsRunning(kube::Client& client, const std::string& control_plane_namespace,
                                       const std::string& app_namespace) {
  const core::Gvk lease_gvk{"coordination.k8s.io", "v1", "Lease"};
  base::Result<base::Json> live = client.Get(lease_gvk, control_plane_namespace, kControllerLeaseName);
  if (live.ok()) {
    if (!base::GetStringAt(*live, "spec/holderIdentity").empty() && !LeaseAbandoned(*live, base::NowUnixMicros())) {
      return Serves(*live, control_plane_namespace, app_namespace);
    }
  } else if (!live.status().IsNotFound()) {
    return live.status();
  }
  // No live leader (one died and its Lease has not expired into another's hands yet): any live
  // replica counts.
  auto members = LiveMemberLeases(client, control_plane_namespace);
  if (!members.ok()) return members.status();
  for (const base::Json& m : *members) {
    if (Serves(m, control_plane_namespace, app_namespace)) return true;
  }
  return false;
}

namespace {

LeaseOptions PresenceLeaseOptions(const std::vector<std::string>& application_namespaces) {
  LeaseOptions opts{.name = std::string(kControllerLeaseName)};
  std::string served;
  for (const std::string& p : application_namespaces) served += (served.empty() ? "" : ",") + p;
  if (!served.empty()) opts.annotations[kApplicationNamespacesAnnotation] = served;
  return opts;
}

}  // namespace

ControllerPresence::ControllerPresence(kube::Client& client, const std::string& control_plane_namespace,
                                       const std::string& holder,
                                       const std::vector<std::string>& application_namespaces)
    : lease_(client, control_plane_namespace, "", holder, PresenceLeaseOptions(application_namespaces)) {}

}  // namespace capstan::app
