// Copyright 2026 The capstan Authors.
//
// RFC 3339 timestamps as Kubernetes writes them — metav1.Time ("2026-11-27T03:00:00Z", whole seconds
// in UTC) and metav1.MicroTime ("2026-11-27T03:00:00.123456Z") — and one parser for both that also
// takes the numeric offsets and fraction lengths other writers (exec credential plugins, Argo CD)
// use. A time is a count from the Unix epoch in UTC without leap seconds (POSIX time), in seconds or
// microseconds: the finest unit any caller keeps.
//
// Thread safety: pure functions (no gmtime/timegm, no locale or TZ lookup), safe to call
// concurrently; the Now* functions read the system clock.

#ifndef CAPSTAN_BASE_TIME_H_
#define CAPSTAN_BASE_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace capstan::base {

// |unix_seconds| as metav1.Time: "2026-11-27T03:00:00Z".
// REQUIRES: the year is 0000..9999 (-62167219200 <= unix_seconds < 253402300800); outside it the text
// is not RFC 3339.
std::string FormatRfc3339(int64_t unix_seconds);

// |unix_micros| as metav1.MicroTime, always six fractional digits: "2026-11-27T03:00:00.123456Z".
// Times before the epoch format as the second before plus a positive fraction, like Go.
// REQUIRES: as FormatRfc3339, for the whole seconds.
std::string FormatMicroTime(int64_t unix_micros);

// Parses an RFC 3339 date-time "YYYY-MM-DDTHH:MM:SS[.F+](Z|+hh:mm|-hh:mm)" (a lower-case 't' and 'z'
// too) into microseconds since the epoch. The fraction may have any number of digits (at least one);
// digits past the sixth are dropped, which rounds towards the earlier time. The date must exist
// (2028-02-29 does, 2026-02-29 does not); seconds are 00..59 and offsets ±00:00..±23:59, as Go's
// time.Parse checks them. kInvalidArgument "\"<text>\" is not an RFC 3339 time" for anything else:
// a space instead of 'T', no zone, "+0200", trailing text, an empty string.
Result<int64_t> ParseRfc3339Micros(std::string_view text);

// As ParseRfc3339Micros, rounded down to whole seconds (the fraction is dropped).
Result<int64_t> ParseRfc3339Seconds(std::string_view text);

// The system clock (wall time, it may step) as microseconds / whole seconds since the epoch.
int64_t NowUnixMicros();
int64_t NowUnixSeconds();

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_TIME_H_
