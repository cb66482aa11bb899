// Copyright 2026 The capstan Authors.
//
// TimeZone: the UTC offset of an IANA zone ("Europe/Amsterdam") at any instant, read from the TZif
// files of the system's tzdata (/usr/share/zoneinfo, or $TZDIR; RFC 8536). Sync windows evaluate
// their cron schedule on the zone's wall clock (sync_window.h).
//
// Why parse TZif here: GCC 12's libstdc++ has no std::chrono::tzdb, and the C library answers only
// for the one process-wide zone in $TZ — switching it (setenv + tzset + localtime_r) races with every
// other thread that reads the environment or calls localtime (the runner's log stamps, libgit2), even
// behind a mutex of ours. A parsed zone is an immutable table, shared freely.
//
// Offsets come from the 64-bit transition table (TZif v2+). After the last transition the POSIX TZ
// rule of the file's footer applies when it is of the usual form (`CET-1CEST,M3.5.0,M10.5.0/3`:
// month.week.weekday rules); other footers (Julian-day rules) keep the last transition's offset.
//
// Thread safety: TimeZone is immutable; Load caches zones under a mutex and is safe from any thread.

#ifndef CAPSTAN_APP_TIME_ZONE_H_
#define CAPSTAN_APP_TIME_ZONE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace capstan::app {

class TimeZone {
 public:
  // The zone named |name| ("" and "UTC" are UTC without reading a file). kInvalidArgument for a name
  // that is not a zone of the tzdata (`unknown time zone Mars/Olympus`), as Go's time.LoadLocation.
  static base::Result<std::shared_ptr<const TimeZone>> Load(std::string_view name);

  // A zone from the bytes of a TZif file (for tests). kInvalidArgument when they are not TZif.
  static base::Result<std::shared_ptr<const TimeZone>> FromTzif(std::string name, std::string_view data);

  const std::string& name() const { return name_; }

  // Seconds east of UTC at the instant |unix| (seconds since the epoch).
  int64_t OffsetAt(int64_t unix) const;

  // The instant whose wall clock is |local| (seconds since the epoch of the zone's wall clock). A
  // wall time skipped by a forward jump maps past the jump; a repeated one to its first instant.
  int64_t ToUnix(int64_t local) const;

  // POSIX rule after the last transition (zero rule = fixed offset).
  struct Rule {
    int64_t std_offset = 0, dst_offset = 0;
    bool has_dst = false;
    int start_month = 0, start_week = 0, start_day = 0, end_month = 0, end_week = 0, end_day = 0;
    int64_t start_time = 7200, end_time = 7200;  // local seconds after midnight
  };

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // ascending instants
  std::vector<int64_t> offsets_;      // offset from transitions_[i] on
  int64_t initial_offset_ = 0;        // before the first transition
  bool has_rule_ = false;
  Rule rule_;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (month 1..12).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t days, int64_t& y, unsigned& m, unsigned& d);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_TIME_ZONE_H_
