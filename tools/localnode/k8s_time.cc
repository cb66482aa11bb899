// Copyright 2026 The capstan Authors.

#include "localnode/k8s_time.h"

#include "base/time.h"

namespace capstan::localnode {

std::string FormatTime(Clock::time_point t) {
  return base::FormatRfc3339(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}

std::optional<Clock::time_point> ParseTime(std::string_view text) {
  base::Result<int64_t> micros = base::ParseRfc3339Micros(text);
  if (!micros.ok()) return std::nullopt;
  return Clock::time_point(std::chrono::microseconds(*micros));
}

}  // namespace capstan::localnode
