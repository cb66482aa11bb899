// Copyright 2026 The capstan Authors.
//
// CronSchedule: the 5-field cron schedules of sync windows (minute hour day-of-month month
// day-of-week), parsed with the rules of github.com/robfig/cron/v3 as Argo CD configures it
// (`cron.NewParser(Minute | Hour | Dom | Month | Dow)`): exactly five fields; each a comma list of
// `*` or `?`, a number or name (JAN..DEC, SUN..SAT, any case), a range `a-b`, each with an optional
// step `/n` (`5/15` means 5-max/15); day-of-week 0..6 with Sunday 0; no descriptors (`@daily`).
// Day-of-month and day-of-week are OR-ed when both are restricted, AND-ed when either is `*`/`?`
// (robfig's dayMatches; a stepped `*/2` counts as restricted). Errors carry robfig's wording.
//
// Thread safety: immutable after Parse; safe to share.

#ifndef CAPSTAN_APP_CRON_SCHEDULE_H_
#define CAPSTAN_APP_CRON_SCHEDULE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/time_zone.h"
#include "base/result.h"

namespace capstan::app {

class CronSchedule {
 public:
  // kInvalidArgument with robfig/cron's message, e.g. `end of range (61) above maximum (59): 61`.
  static base::Result<CronSchedule> Parse(std::string_view spec);

  // The first tick strictly after the instant |after| (unix seconds), the fields read on |zone|'s
  // wall clock; nullopt when there is none within five years (e.g. `0 0 30 2 *`).
  std::optional<int64_t> Next(int64_t after, const TimeZone& zone) const;

 private:
  uint64_t minute_ = 0, hour_ = 0, dom_ = 0, month_ = 0, dow_ = 0;
  bool dom_star_ = false, dow_star_ = false;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_CRON_SCHEDULE_H_
