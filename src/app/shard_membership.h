// Copyright 2026 The capstan Authors.
//
// ShardMembership: how controller replicas know one another (dynamic sharding, shard.h). Each replica
// holds a coordination.k8s.io/v1 Lease "capstan-member-<hash of its identity>" in the control-plane
// namespace, labelled capstan.dev/controller-member=true, renewed every 5 s and valid 15 s — the same
// Lease rules as the operation Lease (operation_lease.h). The members are the holders of the Leases
// that are still live; a replica that dies stops renewing, so within the lease duration it drops out
// of every other replica's list and its apps move to them. A dead process of this host drops out at
// once (lease_holder.h). The leader (controller_presence.h) deletes Leases that expired long ago.
//
// A member Lease also carries the namespaces the replica serves (capstan.dev/application-namespaces),
// so the CLI can tell that a controller runs even while the leader Lease changes hands.
//
// Thread safety: one ShardMembership per replica, used by one thread.

#ifndef CAPSTAN_APP_SHARD_MEMBERSHIP_H_
#define CAPSTAN_APP_SHARD_MEMBERSHIP_H_

#include <chrono>
#include <string>
#include <vector>

#include "app/operation_lease.h"
#include "base/result.h"
#include "kube/client.h"

namespace capstan::app {

inline constexpr char kMemberLeasePrefix[] = "capstan-member-";
inline constexpr char kMemberLabel[] = "capstan.dev/controller-member";

// The name of |holder|'s membership Lease.
std::string MemberLeaseName(const std::string& holder);

// The live member Leases of |control_plane_namespace| (see the file comment). Errors as the client
// returns them.
base::Result<std::vector<base::Json>> LiveMemberLeases(kube::Client& client, const std::string& control_plane_namespace);

class ShardMembership {
 public:
  // |client| must outlive this. |application_namespaces|: the patterns of the other namespaces this
  // replica serves, written on its Lease.
  ShardMembership(kube::Client& client, std::string control_plane_namespace, std::string holder,
                  const std::vector<std::string>& application_namespaces);

  // Creates this replica's Lease (or takes back its own). Errors as the client returns them.
  base::Status Join();
  // Renews the Lease; one that was lost (deleted after expiring during a long pause) is created again.
  base::Status Renew();
  // Deletes the Lease: the others take this replica's apps at their next look.
  base::Status Leave();

  // The identities of the live members, this replica included, sorted.
  base::Result<std::vector<std::string>> LiveMembers();

  // The leader's chore: deletes member Leases not renewed for |grace| beyond their duration.
  base::Status CollectExpired(std::chrono::seconds grace);

 private:
  kube::Client& client_;
  const std::string namespace_;
  const std::string holder_;
  OperationLease lease_;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_SHARD_MEMBERSHIP_H_
