// Copyright 2026 The capstan Authors.

#include "app/work_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace capstan::app {
namespace {

using std::chrono::milliseconds;

TEST(WorkQueueTest, AKeyIsQueuedOnce) {
  WorkQueue q;
  q.Add("ns/a");
  q.Add("ns/b");
  q.Add("ns/a");
  EXPECT_EQ(q.Waiting(), 2u);
  EXPECT_EQ(q.Get(), "ns/a");
  EXPECT_EQ(q.Get(), "ns/b");
  EXPECT_EQ(q.Waiting(), 0u);
  EXPECT_EQ(q.Processing(), 2u);
}

TEST(WorkQueueTest, DelayedKeysComeWhenDueAndAnEarlierAddWins) {
  WorkQueue q;
  q.Add("late", milliseconds(10000));
  q.Add("soon", milliseconds(50));
  auto start = WorkQueue::Clock::now();
  EXPECT_EQ(q.Get(), "soon");
  EXPECT_GE(WorkQueue::Clock::now() - start, milliseconds(40));
  q.Add("late");  // brought forward
  EXPECT_EQ(q.Get(), "late");
}

TEST(WorkQueueTest, AKeyBeingProcessedIsQueuedAgainOnDone) {
  WorkQueue q;
  q.Add("k");
  ASSERT_EQ(q.Get(), "k");
  q.Add("k");  // while processing
  EXPECT_EQ(q.Waiting(), 0u);
  q.Done("k");
  EXPECT_EQ(q.Waiting(), 1u);
  EXPECT_EQ(q.Get(), "k");
  q.Done("k");
  EXPECT_EQ(q.Waiting(), 0u);
  EXPECT_EQ(q.Processing(), 0u);
}

TEST(WorkQueueTest, ShutDownWakesWaiters) {
  WorkQueue q;
  std::optional<std::string> got = "x";
  std::thread t([&] { got = q.Get(); });
  std::this_thread::sleep_for(milliseconds(20));
  q.ShutDown();
  t.join();
  EXPECT_FALSE(got.has_value());
  q.Add("after");
  EXPECT_EQ(q.Waiting(), 0u);
}

}  // namespace
}  // namespace capstan::app
