// Copyright 2026 The capstan Authors.

#include "app/work_queue.h"

namespace capstan::app {

void WorkQueue::Schedule(const std::string& key, Clock::time_point due) {
  auto it = due_.find(key);
  if (it != due_.end()) {
    if (it->second <= due) return;
    order_.erase({it->second, key});
    it->second = due;
  } else {
    due_.emplace(key, due);
  }
  order_.insert({due, key});
  cv_.notify_one();
}

void WorkQueue::Add(const std::string& key, Clock::duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_) return;
  const Clock::time_point due = Clock::now() + delay;
  if (processing_.count(key)) {
    auto [it, added] = again_.emplace(key, due);
    if (!added && due < it->second) it->second = due;
    return;
  }
  Schedule(key, due);
}

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (shut_down_) return std::nullopt;
    if (!order_.empty()) {
      auto first = order_.begin();
      if (first->first <= Clock::now()) {
        std::string key = first->second;
        order_.erase(first);
        due_.erase(key);
        processing_.insert(key);
        return key;
      }
      // A copy: wait_until reads its deadline again after waking, and an Add meanwhile may erase
      // the element |first| points to.
      const Clock::time_point until = first->first;
      cv_.wait_until(lock, until);
    } else {
      cv_.wait(lock);
    }
  }
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  processing_.erase(key);
  auto it = again_.find(key);
  if (it == again_.end()) return;
  Clock::time_point due = it->second;
  again_.erase(it);
  if (!shut_down_) Schedule(key, due);
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
  cv_.notify_all();
}

size_t WorkQueue::Waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return due_.size();
}

size_t WorkQueue::Processing() const {
  std::lock_guard<std::mutex> lock(mu_);
  return processing_.size();
}

}  // namespace capstan::app
