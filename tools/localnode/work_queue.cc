// Copyright 2026 The capstan Authors.

#include "localnode/work_queue.h"

namespace capstan::localnode {

void WorkQueue::AddLocked(const std::string& key) {
  if (shut_down_) return;
  if (processing_.count(key) != 0) {
    dirty_.insert(key);
    return;
  }
  if (queued_.insert(key).second) {
    ready_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard lock(mu_);
  AddLocked(key);
}

void WorkQueue::AddAt(const std::string& key, Clock::time_point when) {
  std::lock_guard lock(mu_);
  if (shut_down_) return;
  if (when <= Clock::now()) {
    AddLocked(key);
    return;
  }
  bool earliest = timers_.empty() || when < timers_.top().first;
  timers_.emplace(when, key);
  if (earliest) cv_.notify_all();  // a waiting Get must wake up sooner
}

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock lock(mu_);
  while (true) {
    if (shut_down_) return std::nullopt;
    Clock::time_point now = Clock::now();
    while (!timers_.empty() && timers_.top().first <= now) {
      std::string key = timers_.top().second;
      timers_.pop();
      AddLocked(key);
    }
    if (!ready_.empty()) {
      std::string key = std::move(ready_.front());
      ready_.pop_front();
      queued_.erase(key);
      processing_.insert(key);
      return key;
    }
    if (timers_.empty()) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, timers_.top().first);
    }
  }
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard lock(mu_);
  processing_.erase(key);
  if (dirty_.erase(key) != 0) AddLocked(key);
}

void WorkQueue::ShutDown() {
  std::lock_guard lock(mu_);
  shut_down_ = true;
  cv_.notify_all();
}

size_t WorkQueue::ready_size() const {
  std::lock_guard lock(mu_);
  return ready_.size();
}

size_t WorkQueue::timer_size() const {
  std::lock_guard lock(mu_);
  return timers_.size();
}

}  // namespace capstan::localnode
