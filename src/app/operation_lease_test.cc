// Copyright 2026 The capstan Authors.

#include "app/operation_lease.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/fake_client.h"

namespace capstan::app {
namespace {

using ::testing::HasSubstr;

class LeaseTest : public ::testing::Test {
 protected:
  LeaseOptions Clock() { return {.now_micros = [this] { return now_; }}; }
  kube::FakeClient fake_{"capstan"};
  int64_t now_ = 1'700'000'000'000'000;
};

TEST_F(LeaseTest, OneRunnerAtATime) {
  OperationLease a(fake_, "capstan", "guestbook", "runner-a", Clock());
  OperationLease b(fake_, "capstan", "guestbook", "runner-b", Clock());
  ASSERT_TRUE(a.Acquire().ok());
  base::Status s = b.Acquire();
  EXPECT_EQ(s.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("being run by runner-a"));
  auto lease = fake_.Get({"coordination.k8s.io", "v1", "Lease"}, "capstan", "capstan-op-guestbook");
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(base::GetStringAt(*lease, "spec/holderIdentity"), "runner-a");
  EXPECT_EQ(base::GetStringAt(*lease, "spec/renewTime"), "2023-11-14T22:13:20.000000Z");
}

TEST_F(LeaseTest, ExpiredLeaseIsTakenOverAndTheOldHolderLearnsIt) {
  OperationLease a(fake_, "capstan", "app", "runner-a", Clock());
  OperationLease b(fake_, "capstan", "app", "runner-b", Clock());
  ASSERT_TRUE(a.Acquire().ok());
  now_ += 10'000'000;
  ASSERT_TRUE(a.Renew().ok());
  now_ += 16'000'000;  // a stopped renewing 16 s ago
  ASSERT_TRUE(b.Acquire().ok());
  EXPECT_EQ(a.Renew().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(a.Release().ok());  // does not delete b's lease
  EXPECT_TRUE(fake_.Get({"coordination.k8s.io", "v1", "Lease"}, "capstan", "capstan-op-app").ok());
  EXPECT_TRUE(b.Release().ok());
  EXPECT_TRUE(fake_.Get({"coordination.k8s.io", "v1", "Lease"}, "capstan", "capstan-op-app").status().IsNotFound());
}

TEST_F(LeaseTest, AnAbandonedLeaseIsReleasedByOthersAndALiveOneIsKept) {
  const core::Gvk lease_gvk{"coordination.k8s.io", "v1", "Lease"};
  OperationLease dead(fake_, "capstan", "app", "runner-a", Clock());
  OperationLease other(fake_, "capstan", "app", "controller", Clock());
  EXPECT_TRUE(other.ReleaseAbandoned().ok());  // none: nothing to do
  ASSERT_TRUE(dead.Acquire().ok());
  now_ += 5'000'000;
  EXPECT_TRUE(other.ReleaseAbandoned().ok());
  EXPECT_TRUE(fake_.Get(lease_gvk, "capstan", "capstan-op-app").ok()) << "a live holder's Lease was deleted";
  now_ += 11'000'000;  // not renewed for 16 s
  EXPECT_TRUE(other.ReleaseAbandoned().ok());
  EXPECT_TRUE(fake_.Get(lease_gvk, "capstan", "capstan-op-app").status().IsNotFound());
}

}  // namespace
}  // namespace capstan::app
