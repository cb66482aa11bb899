// Copyright 2026 The capstan Authors.

#include "kube/watch_stream.h"

#include "base/json.h"
#include "kube/api_error.h"

namespace capstan::kube {

WatchDecoder::Outcome WatchDecoder::Feed(std::string_view chunk,
                                         const std::function<bool(const WatchEvent&)>& on_event) {
  buffer_.append(chunk);
  size_t start = 0;
  Outcome out = Outcome::kContinue;
  while (out == Outcome::kContinue) {
    size_t nl = buffer_.find('\n', start);
    if (nl == std::string::npos) break;
    std::string_view line(buffer_.data() + start, nl - start);
    start = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank line
    out = DecodeLine(line, on_event);
  }
  buffer_.erase(0, start);
  return out;
}

WatchDecoder::Outcome WatchDecoder::DecodeLine(std::string_view line,
                                               const std::function<bool(const WatchEvent&)>& on_event) {
  auto parsed = base::ParseJson(line, what_ + ": watch event");
  if (!parsed.ok()) {
    error_ = base::Status::Internal(parsed.status().message());
    return Outcome::kError;
  }
  base::Json& ev = *parsed;
  std::string type = base::GetString(ev, "type");
  auto obj = ev.find("object");
  if (obj == ev.end() || !obj->is_object()) {
    error_ = base::Status::Internal(what_ + ": watch event without an object (type \"" + type + "\")");
    return Outcome::kError;
  }
  WatchEvent out;
  if (type == "ADDED") {
    out.type = WatchEventType::kAdded;
  } else if (type == "MODIFIED") {
    out.type = WatchEventType::kModified;
  } else if (type == "DELETED") {
    out.type = WatchEventType::kDeleted;
  } else if (type == "BOOKMARK") {
    out.type = WatchEventType::kBookmark;
  } else if (type == "ERROR") {
    int code = 500;
    if (auto c = obj->find("code"); c != obj->end() && c->is_number_integer()) code = c->get<int>();
    error_ = StatusFromResponse(code, obj->dump(), what_);
    return Outcome::kError;
  } else {
    error_ = base::Status::Internal(what_ + ": unknown watch event type \"" + type + "\"");
    return Outcome::kError;
  }
  out.object = std::move(*obj);
  ++events_;
  return on_event(out) ? Outcome::kContinue : Outcome::kStop;
}

}  // namespace capstan::kube
