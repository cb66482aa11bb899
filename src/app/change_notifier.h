// Copyright 2026 The capstan Authors.
//
// ChangeNotifier: wakes an operation runner when anything it waits on changes — an object of the
// app's kinds in the app's namespaces, or the Application itself (a terminate request) — so the next
// step runs as soon as the cluster moves, with no fixed delay between waves (DESIGN §8.3). One watch
// per (kind, namespace), each started from the collection's current resourceVersion (so existing
// objects cause no wake-up), re-opened when the server ends it and re-anchored after 410 Gone.
//
// Thread safety: Watch and Wait may be called from the runner thread while the watch threads run;
// the destructor stops and joins them.

#ifndef CAPSTAN_APP_CHANGE_NOTIFIER_H_
#define CAPSTAN_APP_CHANGE_NOTIFIER_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::app {

class ChangeNotifier {
 public:
  // |client| must outlive this.
  explicit ChangeNotifier(kube::Client& client) : client_(client) {}
  ~ChangeNotifier();

  ChangeNotifier(const ChangeNotifier&) = delete;
  ChangeNotifier& operator=(const ChangeNotifier&) = delete;

  // Starts watching objects of |gvk| in |ns| ("" = all namespaces) named |name| ("" = any), unless
  // already watched. Errors starting a watch are retried in the background, never reported: a
  // missing wake-up only delays the next step until Wait's timeout.
  void Watch(const core::Gvk& gvk, const std::string& ns, const std::string& name = "");

  // Blocks until a change arrived since the last Wait, or |timeout| passed. Returns true on a
  // change. Events arriving within a few milliseconds of each other wake the caller once.
  bool Wait(std::chrono::milliseconds timeout);

  // Marks a change, as if an event arrived (tests, or a runner that knows it must step again).
  void Notify();

 private:
  void Loop(core::Gvk gvk, std::string ns, std::string name, std::stop_token stop);

  kube::Client& client_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool changed_ = false;
  std::set<std::string> watched_;
  std::vector<std::jthread> threads_;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_CHANGE_NOTIFIER_H_
