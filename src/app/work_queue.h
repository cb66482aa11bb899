// Copyright 2026 The capstan Authors.
//
// WorkQueue: the controller's queue of Applications to process (client-go's delaying work queue, cut
// to what the controller needs). A key ("<namespace>/<name>") is in the queue at most once: adding it
// again before it is taken only brings its due time forward. A key being processed is never handed
// to a second worker; adding it meanwhile marks it to be queued again when that worker calls Done.
// Keys become available when their due time has come, earliest first.
//
// Thread safety: every method is safe to call from any thread.

#ifndef CAPSTAN_APP_WORK_QUEUE_H_
#define CAPSTAN_APP_WORK_QUEUE_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace capstan::app {

class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;

  // Queues |key| to be available after |delay| (now when zero). An earlier due time wins.
  void Add(const std::string& key, Clock::duration delay = Clock::duration::zero());

  // Waits until a key is due (or the queue is shut down: nullopt) and takes it. The caller must call
  // Done(key) when it has finished with it.
  std::optional<std::string> Get();

  // Ends the processing of |key|; if it was added meanwhile it is queued again (at its due time).
  void Done(const std::string& key);

  // Wakes every Get with nullopt; later Adds are ignored.
  void ShutDown();

  // Keys waiting (due or not) and keys being processed.
  size_t Waiting() const;
  size_t Processing() const;

 private:
  void Schedule(const std::string& key, Clock::time_point due);  // REQUIRES: mu_ held

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Clock::time_point> due_;              // key → due time (queued keys)
  std::set<std::pair<Clock::time_point, std::string>> order_;  // the same, by due time
  std::set<std::string> processing_;
  std::map<std::string, Clock::time_point> again_;            // added while processing
  bool shut_down_ = false;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_WORK_QUEUE_H_
