// Copyright 2026 The capstan Authors.

#include "localnode/pod_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace capstan::localnode {
namespace {

using base::Json;
using ::testing::HasSubstr;

Json PodWith(Json annotations) {
  return Json{{"metadata", {{"name", "p"}, {"annotations", std::move(annotations)}}}};
}

TEST(PodPlanTest, DefaultsWithoutAnnotations) {
  PodPlan plan = PlanOf(Json{{"metadata", {{"name", "p"}}}});
  EXPECT_EQ(plan.exit_code, 0);
  EXPECT_EQ(plan.run_time, std::chrono::milliseconds(500));
  EXPECT_TRUE(plan.ready);
  EXPECT_EQ(plan.log, "");
  EXPECT_EQ(plan.remove_finalizer_on_delete, "");
  EXPECT_TRUE(plan.problems.empty());
}

TEST(PodPlanTest, ReadsEveryAnnotation) {
  PodPlan plan = PlanOf(PodWith({{"localnode.capstan.dev/exit-code", "3"},
                                 {"localnode.capstan.dev/run-seconds", "2.25"},
                                 {"localnode.capstan.dev/ready", "false"},
                                 {"localnode.capstan.dev/log", "line 1\nline 2\n"},
                                 {"localnode.capstan.dev/remove-finalizer-on-delete", "example.com/hold"}}));
  EXPECT_EQ(plan.exit_code, 3);
  EXPECT_EQ(plan.run_time, std::chrono::milliseconds(2250));
  EXPECT_FALSE(plan.ready);
  EXPECT_EQ(plan.log, "line 1\nline 2\n");
  EXPECT_EQ(plan.remove_finalizer_on_delete, "example.com/hold");
  EXPECT_TRUE(plan.problems.empty());
}

TEST(PodPlanTest, BadValuesKeepDefaultsAndAreReported) {
  PodPlan plan = PlanOf(PodWith({{"localnode.capstan.dev/exit-code", "three"},
                                 {"localnode.capstan.dev/run-seconds", "-1"},
                                 {"localnode.capstan.dev/ready", "maybe"}}));
  EXPECT_EQ(plan.exit_code, 0);
  EXPECT_EQ(plan.run_time, std::chrono::milliseconds(500));
  EXPECT_TRUE(plan.ready);
  ASSERT_EQ(plan.problems.size(), 3u);
  EXPECT_THAT(plan.problems[0], HasSubstr("exit-code \"three\""));
  EXPECT_THAT(plan.problems[1], HasSubstr("run-seconds \"-1\""));
  EXPECT_THAT(plan.problems[2], HasSubstr("ready \"maybe\""));
}

TEST(PodPlanTest, ExitCodeOutOfRangeIsRejected) {
  EXPECT_EQ(PlanOf(PodWith({{"localnode.capstan.dev/exit-code", "256"}})).exit_code, 0);
  EXPECT_EQ(PlanOf(PodWith({{"localnode.capstan.dev/exit-code", " 255 "}})).exit_code, 255);
  EXPECT_EQ(PlanOf(PodWith({{"localnode.capstan.dev/run-seconds", "0"}})).run_time.count(), 0);
}

TEST(PodPlanTest, OddShapesDoNotThrow) {
  EXPECT_EQ(PlanOf(Json()).exit_code, 0);
  EXPECT_EQ(PlanOf(Json::array()).exit_code, 0);
  EXPECT_EQ(PlanOf(Json{{"metadata", {{"annotations", "nope"}}}}).exit_code, 0);
  EXPECT_EQ(PlanOf(PodWith({{"localnode.capstan.dev/exit-code", 7}})).exit_code, 0);
}

}  // namespace
}  // namespace capstan::localnode
