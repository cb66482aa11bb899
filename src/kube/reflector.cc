// Copyright 2026 The capstan Authors.

#include "kube/reflector.h"

#include <algorithm>
#include <condition_variable>
#include <random>

#include "base/log.h"
#include "kube/api_error.h"

namespace capstan::kube {

Reflector::Reflector(Client& client, ReflectorOptions opts, Handler handler)
    : client_(client), opts_(std::move(opts)), handler_(std::move(handler)) {}

Reflector::~Reflector() { Stop(); }

void Reflector::Start() {
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

void Reflector::Stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

std::string Reflector::resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return resource_version_;
}

bool Reflector::synced() const {
  std::lock_guard<std::mutex> lock(mu_);
  return synced_;
}

ReflectorStats Reflector::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void Reflector::RecordError(const Status& s) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.errors;
  stats_.last_error = s.ToString();
}

bool Reflector::Sleep(std::chrono::milliseconds d, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

Status Reflector::ListAll(std::stop_token stop) {
  ListOptions lo;
  lo.label_selector = opts_.label_selector;
  lo.field_selector = opts_.field_selector;
  lo.limit = opts_.page_size;
  std::vector<Json> all;
  std::string rv;
  while (true) {
    if (stop.stop_requested()) return Status::Cancelled("reflector stopped");
    auto page = client_.List(opts_.gvk, opts_.ns, lo);
    if (!page.ok()) return page.status();
    for (Json& item : page->items) all.push_back(std::move(item));
    if (page->continue_token.empty()) {
      rv = page->resource_version;
      break;
    }
    lo.continue_token = page->continue_token;
  }
  ReflectorEvent ev;
  ev.type = ReflectorEventType::kReplace;
  ev.objects = std::move(all);
  ev.resource_version = rv;
  {
    std::lock_guard<std::mutex> lock(mu_);
    resource_version_ = rv;
    synced_ = true;
    ++stats_.lists;
  }
  handler_(ev);
  return Status::Ok();
}

Status Reflector::WatchOnce(std::stop_token stop, int* events) {
  thread_local std::mt19937 rng(std::random_device{}());
  WatchOptions wo;
  wo.resource_version = resource_version();
  wo.label_selector = opts_.label_selector;
  wo.field_selector = opts_.field_selector;
  wo.allow_bookmarks = true;
  if (opts_.min_watch_timeout_seconds > 0) {
    std::uniform_int_distribution<int> dist(opts_.min_watch_timeout_seconds, 2 * opts_.min_watch_timeout_seconds - 1);
    wo.timeout_seconds = dist(rng);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.watches;
  }
  return client_.Watch(
      opts_.gvk, opts_.ns, wo,
      [&](const WatchEvent& e) {
        std::string rv = base::GetStringAt(e.object, "metadata/resourceVersion");
        if (!rv.empty()) {
          std::lock_guard<std::mutex> lock(mu_);
          resource_version_ = rv;
        }
        if (e.type == WatchEventType::kBookmark) return !stop.stop_requested();
        ReflectorEvent ev;
        ev.type = e.type == WatchEventType::kAdded      ? ReflectorEventType::kAdded
                  : e.type == WatchEventType::kModified ? ReflectorEventType::kModified
                                                        : ReflectorEventType::kDeleted;
        ev.object = e.object;
        ev.resource_version = rv;
        ++*events;
        handler_(ev);
        return !stop.stop_requested();
      },
      stop);
}

void Reflector::Run(std::stop_token stop) {
  const std::string what = "reflector " + opts_.gvk.ToString() + (opts_.ns.empty() ? "" : " in " + opts_.ns);
  bool need_list = true;
  auto backoff = opts_.initial_backoff;
  auto fail = [&](const Status& s) {
    RecordError(s);
    CAPSTAN_LOG_DEBUG("{}: {}; retrying in {} ms", what, s.ToString(), backoff.count());
    bool go_on = Sleep(backoff, stop);
    backoff = std::min(backoff * 2, opts_.max_backoff);
    return go_on;
  };
  while (!stop.stop_requested()) {
    if (need_list) {
      Status s = ListAll(stop);
      if (stop.stop_requested()) break;
      if (!s.ok()) {
        if (!fail(s)) break;
        continue;
      }
      need_list = false;
      backoff = opts_.initial_backoff;
    }
    auto started = std::chrono::steady_clock::now();
    int events = 0;
    Status s = WatchOnce(stop, &events);
    if (stop.stop_requested()) break;
    if (s.ok()) {
      // The server ended the stream (its timeout): watch again from where we are. A stream that ends
      // at once with nothing in it is treated as a failure so a misbehaving server is not hammered.
      if (events == 0 && std::chrono::steady_clock::now() - started < std::chrono::seconds(1)) {
        if (!fail(Status::Unavailable(what + ": watch ended immediately"))) break;
      } else {
        backoff = opts_.initial_backoff;
      }
      continue;
    }
    if (IsGone(s)) {
      // Our resourceVersion is too old: only a new list can tell what changed.
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.gone;
      }
      CAPSTAN_LOG_DEBUG("{}: {}; relisting", what, s.ToString());
      need_list = true;
      continue;
    }
    // Connection trouble or timeouts: resume the watch from the same version. Anything else (the
    // kind went away, permissions changed): start over with a list.
    if (!s.IsUnavailable() && s.code() != base::StatusCode::kTimeout) need_list = true;
    if (events > 0) backoff = opts_.initial_backoff;
    if (!fail(s)) break;
  }
}

}  // namespace capstan::kube
