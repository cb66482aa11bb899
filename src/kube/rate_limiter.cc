// Copyright 2026 The capstan Authors.

#include "kube/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace capstan::kube {

RateLimiter::RateLimiter(double qps, int burst)
    : qps_(qps),
      burst_(std::max(1, burst)),
      now_([] { return Clock::now(); }),
      sleep_([](std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }),
      tokens_(std::max(1, burst)),
      last_(Clock::now()) {}

void RateLimiter::SetClockForTesting(std::function<Clock::time_point()> now,
                                     std::function<void(std::chrono::nanoseconds)> sleep) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = std::move(now);
  sleep_ = std::move(sleep);
  last_ = now_();
}

std::chrono::nanoseconds RateLimiter::Reserve() {
  std::lock_guard<std::mutex> lock(mu_);
  Clock::time_point now = now_();
  double elapsed = std::chrono::duration<double>(now - last_).count();
  if (elapsed > 0) {
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  // The token this caller took will exist after -tokens_ / qps_ seconds.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(-tokens_ / qps_));
}

std::chrono::nanoseconds RateLimiter::Acquire() {
  if (qps_ <= 0) return std::chrono::nanoseconds(0);
  std::chrono::nanoseconds wait = Reserve();
  if (wait.count() > 0) {
    std::function<void(std::chrono::nanoseconds)> sleep;
    {
      std::lock_guard<std::mutex> lock(mu_);
      sleep = sleep_;
    }
    sleep(wait);
  }
  return wait;
}

bool RateLimiter::TryAcquire() {
  if (qps_ <= 0) return true;
  std::lock_guard<std::mutex> lock(mu_);
  Clock::time_point now = now_();
  double elapsed = std::chrono::duration<double>(now - last_).count();
  if (elapsed > 0) {
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

}  // namespace capstan::kube
