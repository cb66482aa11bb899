// Copyright 2026 The capstan Authors.

#include "app/shard_membership.h"

#include <algorithm>
#include <cstdio>

#include "app/controller_presence.h"
#include "app/shard.h"
#include "base/json.h"
#include "base/time.h"

namespace capstan::app {
namespace {

const core::Gvk kLease{"coordination.k8s.io", "v1", "Lease"};

LeaseOptions MemberLeaseOptions(const std::string& holder, const std::vector<std::string>& application_namespaces) {
  LeaseOptions opts{.name = MemberLeaseName(holder)};
  std::string served;
  for (const std::string& p : application_namespaces) served += (served.empty() ? "" : ",") + p;
  if (!served.empty()) opts.annotations[kApplicationNamespacesAnnotation] = served;
  opts.labels[kMemberLabel] = "true";
  return opts;
}

base::Result<std::vector<base::Json>> MemberLeases(kube::Client& client, const std::string& ns) {
  kube::ListOptions opts;
  opts.label_selector = std::string(kMemberLabel) + "=true";
  auto listed = client.List(kLease, ns, opts);
  if (!listed.ok()) return listed.status().Annotate("listing the controller member Leases of " + ns);
  return std::move(listed->items);
}

}  // namespace

std::string MemberLeaseName(const std::string& holder) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(StableHash(holder)));
  return kMemberLeasePrefix + std::string(hex);
}

base::Result<std::vector<base::Json>> LiveMemberLeases(kube::Client& client, const std::string& control_plane_namespace) {
  auto leases = MemberLeases(client, control_plane_namespace);
  if (!leases.ok()) return leases.status();
  const int64_t now = base::NowUnixMicros();
  std::vector<base::Json> live;
  for (base::Json& lease : *leases) {
    if (!base::GetStringAt(lease, "spec/holderIdentity").empty() && !LeaseAbandoned(lease, now)) {
      live.push_back(std::move(lease));
    }
  }
  return live;
}

ShardMembership::ShardMembership(kube::Client& client, std::string control_plane_namespace, std::string holder,
                                 const std::vector<std::string>& application_namespaces)
    : client_(client),
      namespace_(std::move(control_plane_namespace)),
      holder_(std::move(holder)),
      lease_(client, namespace_, "", holder_, MemberLeaseOptions(holder_, application_namespaces)) {}

base::Status ShardMembership::Join() { return lease_.Acquire(); }

base::Status ShardMembership::Renew() {
  base::Status renewed = lease_.Renew();
  if (renewed.code() == base::StatusCode::kFailedPrecondition) return lease_.Acquire();
  return renewed;
}

base::Status ShardMembership::Leave() { return lease_.Release(); }

base::Result<std::vector<std::string>> ShardMembership::LiveMembers() {
  auto live = LiveMemberLeases(client_, namespace_);
  if (!live.ok()) return live.status();
  std::vector<std::string> members = {holder_};
  for (const base::Json& lease : *live) members.push_back(base::GetStringAt(lease, "spec/holderIdentity"));
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

base::Status ShardMembership::CollectExpired(std::chrono::seconds grace) {
  auto leases = MemberLeases(client_, namespace_);
  if (!leases.ok()) return leases.status();
  const int64_t cutoff = base::NowUnixMicros() - static_cast<int64_t>(grace.count()) * 1000000;
  for (const base::Json& lease : *leases) {
    if (base::GetStringAt(lease, "spec/holderIdentity") == holder_ || !LeaseAbandoned(lease, cutoff)) continue;
    kube::DeleteOptions opts;
    opts.precondition_resource_version = base::GetStringAt(lease, "metadata/resourceVersion");
    base::Status s = client_.Delete(kLease, namespace_, base::GetStringAt(lease, "metadata/name"), opts);
    if (!s.ok() && !s.IsNotFound() && !s.IsConflict()) return s;
  }
  return base::Status();
}

}  // namespace capstan::app
