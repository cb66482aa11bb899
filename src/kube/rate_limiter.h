// Copyright 2026 The capstan Authors.
//
// RateLimiter: a client-side token bucket (client-go's flowcontrol.NewTokenBucketRateLimiter). The
// bucket holds at most |burst| tokens and refills at |qps| tokens a second; each request takes one,
// waiting when the bucket is empty. RestClient puts one in front of every request so a busy caller
// cannot flood the API server.
//
// Thread safety: safe for concurrent use; waiters are served in no particular order.

#ifndef CAPSTAN_KUBE_RATE_LIMITER_H_
#define CAPSTAN_KUBE_RATE_LIMITER_H_

#include <chrono>
#include <functional>
#include <mutex>

namespace capstan::kube {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // |qps| <= 0 disables limiting (Acquire never waits). |burst| < 1 is treated as 1.
  RateLimiter(double qps, int burst);

  // Takes one token, sleeping until one is available. Returns how long it waited.
  std::chrono::nanoseconds Acquire();

  // Takes one token if one is available now; never waits.
  bool TryAcquire();

  // Test seam: replaces the clock and the sleep (both default to steady_clock / sleep_for).
  void SetClockForTesting(std::function<Clock::time_point()> now,
                          std::function<void(std::chrono::nanoseconds)> sleep);

 private:
  // Reserves a token and returns how long the caller must wait before using it.
  std::chrono::nanoseconds Reserve();

  const double qps_;
  const double burst_;
  std::function<Clock::time_point()> now_;
  std::function<void(std::chrono::nanoseconds)> sleep_;

  std::mutex mu_;
  double tokens_;            // may go negative: reservations made by waiters (guarded by mu_)
  Clock::time_point last_;   // when tokens_ was last refilled (guarded by mu_)
};

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_RATE_LIMITER_H_
