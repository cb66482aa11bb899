// Copyright 2026 The capstan Authors.

#include "app/controller_presence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/fake_client.h"

namespace capstan::app {
namespace {

using ::testing::HasSubstr;

TEST(ControllerPresenceTest, ARunningControllerIsSeenUntilItReleases) {
  kube::FakeClient fake("capstan");
  auto running = ControllerIsRunning(fake, "capstan");
  ASSERT_TRUE(running.ok());
  EXPECT_FALSE(*running);

  ControllerPresence a(fake, "capstan", "controller-a");
  ASSERT_TRUE(a.Acquire().ok());
  EXPECT_TRUE(ControllerIsRunning(fake, "capstan").value_or(false));
  EXPECT_TRUE(ControllerIsRunning(fake, "capstan", "capstan").value_or(false));
  // Another control-plane namespace has no controller.
  EXPECT_FALSE(ControllerIsRunning(fake, "elsewhere").value_or(true));

  // A second controller is refused while the first holds the Lease.
  ControllerPresence b(fake, "capstan", "controller-b");
  base::Status s = b.Acquire();
  EXPECT_EQ(s.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("controller-a"));

  ASSERT_TRUE(a.Release().ok());
  EXPECT_FALSE(ControllerIsRunning(fake, "capstan").value_or(true));
}

TEST(ControllerPresenceTest, OtherNamespacesOnlyWhenServed) {
  kube::FakeClient fake("capstan");
  ControllerPresence a(fake, "capstan", "controller-a", {"team-*", "/^ops-[0-9]+$/"});
  ASSERT_TRUE(a.Acquire().ok());
  EXPECT_TRUE(ControllerIsRunning(fake, "capstan", "team-a").value_or(false));
  EXPECT_TRUE(ControllerIsRunning(fake, "capstan", "ops-12").value_or(false));
  EXPECT_FALSE(ControllerIsRunning(fake, "capstan", "ops-x").value_or(true));
  EXPECT_FALSE(ControllerIsRunning(fake, "capstan", "default").value_or(true));
  // Renewing keeps the annotation.
  ASSERT_TRUE(a.Renew().ok());
  EXPECT_TRUE(ControllerIsRunning(fake, "capstan", "team-b").value_or(false));
}

TEST(ControllerPresenceTest, NamespacePatterns) {
  EXPECT_TRUE(NamespaceMatches("*", "anything"));
  EXPECT_TRUE(NamespaceMatches("team-*", "team-"));
  EXPECT_TRUE(NamespaceMatches("t?am-*-x", "team-a-b-x"));
  EXPECT_TRUE(NamespaceMatches("{dev,prod}-*", "prod-eu"));
  EXPECT_FALSE(NamespaceMatches("team-*", "teams"));
  EXPECT_TRUE(NamespaceMatches("/^a|b$/", "b"));
  EXPECT_FALSE(NamespaceMatches("/[/", "x"));  // a bad expression matches nothing
}

}  // namespace
}  // namespace capstan::app
