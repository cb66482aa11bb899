// Copyright 2026 The capstan Authors.

#include "app/lease_holder.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace capstan::app {
namespace {

TEST(LeaseHolderTest, ThisProcessAndLiveProcessesAreNotDead) {
  EXPECT_FALSE(HolderIsDeadLocalProcess(LocalHolderIdentity()));
  std::string self = LocalHolderIdentity();
  std::string parent = self.substr(0, self.rfind('/') + 1) + std::to_string(getppid());
  EXPECT_FALSE(HolderIsDeadLocalProcess(parent));
}

TEST(LeaseHolderTest, AnExitedProcessOfThisHostIsDead) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);  // reaped: the pid names no process now
  std::string self = LocalHolderIdentity();
  EXPECT_TRUE(HolderIsDeadLocalProcess(self.substr(0, self.rfind('/') + 1) + std::to_string(child)));
}

TEST(LeaseHolderTest, OtherHostsAndOtherFormsAreNeverDead) {
  EXPECT_FALSE(HolderIsDeadLocalProcess("capstan/some-other-host-name/999999"));
  EXPECT_FALSE(HolderIsDeadLocalProcess("controller-0"));
  std::string self = LocalHolderIdentity();
  EXPECT_FALSE(HolderIsDeadLocalProcess(self.substr(0, self.rfind('/') + 1) + "12x"));
}

}  // namespace
}  // namespace capstan::app
