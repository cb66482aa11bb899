// Copyright 2026 The capstan Authors.

#include "localnode/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace capstan::localnode {
namespace {

using std::chrono::milliseconds;

TEST(WorkQueueTest, AddDeduplicates) {
  WorkQueue q;
  q.Add("a");
  q.Add("b");
  q.Add("a");
  EXPECT_EQ(q.ready_size(), 2u);
  EXPECT_EQ(q.Get(), "a");
  EXPECT_EQ(q.Get(), "b");
}

TEST(WorkQueueTest, KeyAddedWhileProcessingComesBackAfterDone) {
  WorkQueue q;
  q.Add("a");
  ASSERT_EQ(q.Get(), "a");
  q.Add("a");
  EXPECT_EQ(q.ready_size(), 0u);  // not handed to a second worker
  q.Done("a");
  EXPECT_EQ(q.ready_size(), 1u);
  EXPECT_EQ(q.Get(), "a");
  q.Done("a");
  EXPECT_EQ(q.ready_size(), 0u);
}

TEST(WorkQueueTest, AddAtDeliversWhenDueInTimeOrder) {
  WorkQueue q;
  auto start = WorkQueue::Clock::now();
  q.AddAt("late", start + milliseconds(200));
  q.AddAt("early", start + milliseconds(80));
  EXPECT_EQ(q.timer_size(), 2u);
  EXPECT_EQ(q.Get(), "early");
  EXPECT_GE(WorkQueue::Clock::now() - start, milliseconds(80));
  EXPECT_EQ(q.Get(), "late");
  EXPECT_GE(WorkQueue::Clock::now() - start, milliseconds(200));
}

TEST(WorkQueueTest, PastTimerIsReadyAtOnce) {
  WorkQueue q;
  q.AddAt("a", WorkQueue::Clock::now() - milliseconds(1));
  EXPECT_EQ(q.ready_size(), 1u);
}

TEST(WorkQueueTest, AnEarlierTimerWakesAWaitingGet) {
  WorkQueue q;
  auto start = WorkQueue::Clock::now();
  q.AddAt("far", start + std::chrono::seconds(30));
  std::thread adder([&] {
    std::this_thread::sleep_for(milliseconds(50));
    q.AddAt("near", WorkQueue::Clock::now() + milliseconds(50));
  });
  EXPECT_EQ(q.Get(), "near");
  EXPECT_LT(WorkQueue::Clock::now() - start, std::chrono::seconds(5));
  adder.join();
}

TEST(WorkQueueTest, ShutDownWakesWorkers) {
  WorkQueue q;
  std::atomic<int> ended{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 3; ++i) {
    workers.emplace_back([&] {
      while (q.Get()) {
      }
      ++ended;
    });
  }
  std::this_thread::sleep_for(milliseconds(20));
  q.ShutDown();
  for (auto& w : workers) w.join();
  EXPECT_EQ(ended, 3);
  q.Add("x");
  EXPECT_EQ(q.Get(), std::nullopt);
}

TEST(WorkQueueTest, ManyWorkersProcessEachKeyOnceAtATime) {
  WorkQueue q;
  std::mutex mu;
  std::set<std::string> in_flight;
  std::atomic<int> overlaps{0}, processed{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      while (auto key = q.Get()) {
        {
          std::lock_guard lock(mu);
          if (!in_flight.insert(*key).second) ++overlaps;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        {
          std::lock_guard lock(mu);
          in_flight.erase(*key);
        }
        ++processed;
        q.Done(*key);
      }
    });
  }
  for (int round = 0; round < 50; ++round) {
    for (int k = 0; k < 10; ++k) q.Add("k" + std::to_string(k));
  }
  std::this_thread::sleep_for(milliseconds(300));
  q.ShutDown();
  for (auto& w : workers) w.join();
  EXPECT_EQ(overlaps, 0);
  EXPECT_GE(processed, 10);
}

}  // namespace
}  // namespace capstan::localnode
