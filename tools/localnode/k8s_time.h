// Copyright 2026 The capstan Authors.
//
// Kubernetes timestamps (metav1.Time): RFC 3339 in UTC with whole seconds, "2026-01-02T03:04:05Z".
// The node agent writes them into pod and node status and reads them back after a restart. These are
// base/time.h's codec on the agent's Clock::time_point.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_LOCALNODE_K8S_TIME_H_
#define CAPSTAN_LOCALNODE_K8S_TIME_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace capstan::localnode {

using Clock = std::chrono::system_clock;

// |t| as "YYYY-MM-DDTHH:MM:SSZ" (UTC, fractions dropped, as the API server stores metav1.Time).
std::string FormatTime(Clock::time_point t);

// Parses RFC 3339 ("2026-01-02T03:04:05Z", with optional fractional seconds, kept to the microsecond,
// and a "+hh:mm"/"-hh:mm" offset instead of "Z"). nullopt when |text| is not such a timestamp
// (base::ParseRfc3339Micros fails).
std::optional<Clock::time_point> ParseTime(std::string_view text);

}  // namespace capstan::localnode

#endif  // CAPSTAN_LOCALNODE_K8S_TIME_H_
