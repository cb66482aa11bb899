// Copyright 2026 The capstan Authors.

#include "app/change_notifier.h"

#include "base/log.h"
#include "kube/api_error.h"

namespace capstan::app {

ChangeNotifier::~ChangeNotifier() {
  for (std::jthread& t : threads_) t.request_stop();
  threads_.clear();  // joins
}

void ChangeNotifier::Watch(const core::Gvk& gvk, const std::string& ns, const std::string& name) {
  std::string id = gvk.group + "/" + gvk.kind + "/" + ns + "/" + name;
  std::lock_guard<std::mutex> lock(mu_);
  if (!watched_.insert(id).second) return;
  threads_.emplace_back([this, gvk, ns, name](std::stop_token stop) { Loop(gvk, ns, name, stop); });
}

void ChangeNotifier::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    changed_ = true;
  }
  cv_.notify_all();
}

bool ChangeNotifier::Wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  bool changed = cv_.wait_for(lock, timeout, [this] { return changed_; });
  if (!changed) return false;
  // Coalesce a burst (a wave's objects changing together) into one wake-up.
  lock.unlock();
  std::this_thread::sleep_for(std::chrono::milliseconds(15));
  lock.lock();
  changed_ = false;
  return true;
}

void ChangeNotifier::Loop(core::Gvk gvk, std::string ns, std::string name, std::stop_token stop) {
  std::string field_selector = name.empty() ? "" : "metadata.name=" + name;
  std::string rv;
  int failures = 0;
  while (!stop.stop_requested()) {
    if (rv.empty()) {
      kube::ListOptions opts{.field_selector = field_selector, .limit = 1};
      auto page = client_.List(gvk, ns, opts);
      if (!page.ok()) {
        if (++failures == 1) CAPSTAN_LOG_DEBUG("watch {} {}: {}", gvk.kind, ns, page.status().ToString());
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(200 * failures, 2000)));
        continue;
      }
      rv = page->resource_version;
    }
    kube::WatchOptions opts{.resource_version = rv, .field_selector = field_selector, .timeout_seconds = 240};
    base::Status s = client_.Watch(
        gvk, ns, opts,
        [&](const kube::WatchEvent& e) {
          std::string v = base::GetStringAt(e.object, "metadata/resourceVersion");
          if (!v.empty()) rv = v;
          if (e.type != kube::WatchEventType::kBookmark) Notify();
          return !stop.stop_requested();
        },
        stop);
    if (stop.stop_requested()) return;
    if (!s.ok()) {
      if (kube::IsGone(s)) {
        rv.clear();
        Notify();  // something may have changed while we were away
      }
      ++failures;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(200 * failures, 2000)));
    } else {
      failures = 0;
    }
  }
}

}  // namespace capstan::app
