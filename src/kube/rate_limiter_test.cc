// Copyright 2026 The capstan Authors.

#include "kube/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace capstan::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// A manual clock: sleeping advances it.
struct FakeTime {
  RateLimiter::Clock::time_point now{};
  nanoseconds slept{0};
  void Install(RateLimiter& rl) {
    rl.SetClockForTesting([this] { return now; },
                          [this](nanoseconds d) {
                            slept += d;
                            now += d;
                          });
  }
};

TEST(RateLimiterTest, BurstIsFreeThenRequestsAreSpacedByQps) {
  RateLimiter rl(/*qps=*/10, /*burst=*/3);
  FakeTime t;
  t.Install(rl);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(rl.Acquire(), nanoseconds(0)) << i;
  // The 4th waits one token's time: 100 ms at 10 qps; the 5th another 100 ms.
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(rl.Acquire()), milliseconds(100));
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(rl.Acquire()), milliseconds(100));
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(t.slept), milliseconds(200));
}

TEST(RateLimiterTest, RefillsWithTimeButNotAboveBurst) {
  RateLimiter rl(/*qps=*/2, /*burst=*/2);
  FakeTime t;
  t.Install(rl);
  EXPECT_TRUE(rl.TryAcquire());
  EXPECT_TRUE(rl.TryAcquire());
  EXPECT_FALSE(rl.TryAcquire());
  t.now += std::chrono::seconds(100);  // long idle: only |burst| tokens accumulate
  EXPECT_TRUE(rl.TryAcquire());
  EXPECT_TRUE(rl.TryAcquire());
  EXPECT_FALSE(rl.TryAcquire());
  t.now += milliseconds(500);  // one token at 2 qps
  EXPECT_TRUE(rl.TryAcquire());
  EXPECT_FALSE(rl.TryAcquire());
}

TEST(RateLimiterTest, DisabledWhenQpsIsZero) {
  RateLimiter rl(/*qps=*/0, /*burst=*/1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(rl.Acquire(), nanoseconds(0));
  EXPECT_TRUE(rl.TryAcquire());
}

TEST(RateLimiterTest, ConcurrentCallersShareTheRateInRealTime) {
  // 4 threads x 5 requests at 50 qps, burst 5: 15 requests beyond the burst need >= 280 ms.
  RateLimiter rl(/*qps=*/50, /*burst=*/5);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) rl.Acquire();
    });
  }
  for (auto& th : threads) th.join();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, milliseconds(280));
  EXPECT_LT(took, milliseconds(2000));
}

}  // namespace
}  // namespace capstan::kube
