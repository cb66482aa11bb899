// Copyright 2026 The capstan Authors.
//
// WorkQueue: the node agent's queue of pod keys to reconcile, shaped like client-go's delaying work
// queue. A key is queued at most once; a key being processed is never handed to a second worker —
// adding it meanwhile marks it dirty and it is queued again when the worker calls Done. AddAt
// schedules a key for later (a run time ending, a retry after an error); the timers live in the same
// queue, so there is no scheduler thread: a waiting Get wakes up when the earliest timer is due.
//
// Thread safety: all methods are safe to call from any thread.

#ifndef CAPSTAN_LOCALNODE_WORK_QUEUE_H_
#define CAPSTAN_LOCALNODE_WORK_QUEUE_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace capstan::localnode {

class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;

  // Queues |key| now (no-op when it is already queued).
  void Add(const std::string& key);
  // Queues |key| at |when| (at once when it is in the past). Earlier timers are not cancelled.
  void AddAt(const std::string& key, Clock::time_point when);
  // Blocks until a key is ready and returns it, marking it as being processed; nullopt once ShutDown
  // was called. REQUIRES: the caller calls Done(key) when it is finished with the key.
  std::optional<std::string> Get();
  // Ends the processing of |key|; queues it again when it was added meanwhile.
  void Done(const std::string& key);
  // Wakes every Get with nullopt; later Adds are ignored.
  void ShutDown();

  // Keys ready now, and pending timers (for tests and logs).
  size_t ready_size() const;
  size_t timer_size() const;

 private:
  void AddLocked(const std::string& key);  // REQUIRES: mu_ held

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> ready_;
  std::set<std::string> queued_;      // keys in ready_
  std::set<std::string> processing_;  // keys handed out by Get and not yet Done
  std::set<std::string> dirty_;       // added while processing
  using Timer = std::pair<Clock::time_point, std::string>;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  bool shut_down_ = false;
};

}  // namespace capstan::localnode

#endif  // CAPSTAN_LOCALNODE_WORK_QUEUE_H_
