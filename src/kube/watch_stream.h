// Copyright 2026 The capstan Authors.
//
// WatchDecoder: turns the body of a watch response — newline-delimited JSON WatchEvents
// ({"type":"ADDED","object":{...}}) arriving in arbitrary chunks — into kube::WatchEvents, one
// complete line at a time. An ERROR event carries a metav1.Status; it becomes the Status the watch
// ends with (410 Gone → IsGone()).
//
// Thread safety: thread-compatible (one decoder per stream).

#ifndef CAPSTAN_KUBE_WATCH_STREAM_H_
#define CAPSTAN_KUBE_WATCH_STREAM_H_

#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "kube/client.h"

namespace capstan::kube {

class WatchDecoder {
 public:
  // |what| names the watch in messages ("watch apps/Deployment in namespace x").
  explicit WatchDecoder(std::string what) : what_(std::move(what)) {}

  enum class Outcome {
    kContinue,  // all complete lines delivered; more may come
    kStop,      // the handler returned false: end the stream (OK)
    kError,     // an ERROR event or an undecodable line: end the stream with error()
  };

  // Appends |chunk| and delivers every complete event to |on_event|, in order.
  Outcome Feed(std::string_view chunk, const std::function<bool(const WatchEvent&)>& on_event);

  // Why the last Feed returned kError.
  const base::Status& error() const { return error_; }
  // Bytes received that do not yet form a complete line.
  size_t pending_bytes() const { return buffer_.size(); }
  int64_t events() const { return events_; }

 private:
  Outcome DecodeLine(std::string_view line, const std::function<bool(const WatchEvent&)>& on_event);

  std::string what_;
  std::string buffer_;
  base::Status error_;
  int64_t events_ = 0;
};

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_WATCH_STREAM_H_
