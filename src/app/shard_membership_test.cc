// Copyright 2026 The capstan Authors.

#include "app/shard_membership.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/controller_presence.h"
#include "base/time.h"
#include "kube/fake_client.h"

namespace capstan::app {
namespace {

using ::testing::ElementsAre;

const core::Gvk kLease{"coordination.k8s.io", "v1", "Lease"};

// A member Lease of |holder| last renewed |age_s| seconds ago, as a replica that stopped would leave.
void CreateStaleMember(kube::FakeClient& fake, const std::string& holder, int age_s) {
  base::Json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                      {"kind", "Lease"},
                      {"metadata",
                       {{"name", MemberLeaseName(holder)}, {"namespace", "capstan"}, {"labels", {{kMemberLabel, "true"}}}}},
                      {"spec",
                       {{"holderIdentity", holder},
                        {"leaseDurationSeconds", 15},
                        {"renewTime", base::FormatMicroTime(base::NowUnixMicros() - int64_t{age_s} * 1000000)}}}};
  ASSERT_TRUE(fake.Create(lease, {}).ok());
}

TEST(ShardMembershipTest, ReplicasSeeEachOtherUntilOneLeaves) {
  kube::FakeClient fake("capstan");
  ShardMembership a(fake, "capstan", "capstan/host-a/1", {});
  ShardMembership b(fake, "capstan", "capstan/host-b/1", {"team-*"});
  ASSERT_TRUE(a.Join().ok());
  EXPECT_THAT(a.LiveMembers().value(), ElementsAre("capstan/host-a/1"));
  ASSERT_TRUE(b.Join().ok());
  EXPECT_THAT(a.LiveMembers().value(), ElementsAre("capstan/host-a/1", "capstan/host-b/1"));
  ASSERT_TRUE(b.Renew().ok());
  ASSERT_TRUE(b.Leave().ok());
  EXPECT_THAT(a.LiveMembers().value(), ElementsAre("capstan/host-a/1"));
  EXPECT_TRUE(fake.Get(kLease, "capstan", MemberLeaseName("capstan/host-b/1")).status().IsNotFound());
}

TEST(ShardMembershipTest, AnExpiredMemberDropsOutAndTheLeaderDeletesItLater) {
  kube::FakeClient fake("capstan");
  ShardMembership a(fake, "capstan", "capstan/host-a/1", {});
  ASSERT_TRUE(a.Join().ok());
  CreateStaleMember(fake, "capstan/host-b/1", 16);   // just expired
  CreateStaleMember(fake, "capstan/host-c/1", 120);  // long gone
  CreateStaleMember(fake, "capstan/host-d/1", 3);    // alive
  EXPECT_THAT(a.LiveMembers().value(), ElementsAre("capstan/host-a/1", "capstan/host-d/1"));
  ASSERT_TRUE(a.CollectExpired(std::chrono::seconds(60)).ok());
  EXPECT_TRUE(fake.Get(kLease, "capstan", MemberLeaseName("capstan/host-b/1")).ok());  // within the grace
  EXPECT_TRUE(fake.Get(kLease, "capstan", MemberLeaseName("capstan/host-c/1")).status().IsNotFound());
  EXPECT_TRUE(fake.Get(kLease, "capstan", MemberLeaseName("capstan/host-d/1")).ok());
}

TEST(ShardMembershipTest, ALostLeaseIsTakenBackOnRenew) {
  kube::FakeClient fake("capstan");
  ShardMembership a(fake, "capstan", "capstan/host-a/1", {});
  ASSERT_TRUE(a.Join().ok());
  ASSERT_TRUE(fake.Delete(kLease, "capstan", MemberLeaseName("capstan/host-a/1"), {}).ok());  // a leader collected it
  ASSERT_TRUE(a.Renew().ok());
  EXPECT_TRUE(fake.Get(kLease, "capstan", MemberLeaseName("capstan/host-a/1")).ok());
}

TEST(ShardMembershipTest, TheCliSeesAControllerWhileTheLeaderLeaseChangesHands) {
  kube::FakeClient fake("capstan");
  EXPECT_FALSE(ControllerIsRunning(fake, "capstan").value_or(true));
  ShardMembership b(fake, "capstan", "capstan/host-b/1", {"team-*"});
  ASSERT_TRUE(b.Join().ok());  // a follower, and no leader Lease
  EXPECT_TRUE(ControllerIsRunning(fake, "capstan").value_or(false));
  EXPECT_TRUE(ControllerIsRunning(fake, "capstan", "team-x").value_or(false));
  EXPECT_FALSE(ControllerIsRunning(fake, "capstan", "other").value_or(true));
  ASSERT_TRUE(b.Leave().ok());
  EXPECT_FALSE(ControllerIsRunning(fake, "capstan").value_or(true));
}

}  // namespace
}  // namespace capstan::app
