// Copyright 2026 The capstan Authors.

#include "app/cron_schedule.h"

#include <array>
#include <cctype>
#include <sstream>
#include <vector>

namespace capstan::app {
namespace {

struct Bounds {
  unsigned min, max;
  std::vector<std::string_view> names;  // names[i] is min + i
};

const Bounds kMinute{0, 59, {}}, kHour{0, 23, {}}, kDom{1, 31, {}};
const Bounds kMonth{1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
const Bounds kDow{0, 6, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

base::Result<unsigned> MustParseInt(const std::string& text) {
  // Go's strconv.Atoi: an optional sign, then digits only.
  size_t i = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
  bool ok = i < text.size() && text.size() <= 18;
  for (size_t k = i; ok && k < text.size(); ++k) ok = std::isdigit(static_cast<unsigned char>(text[k]));
  if (!ok)
    return base::Status::InvalidArgument("failed to parse int from " + text + ": strconv.Atoi: parsing \"" + text +
                                         "\": invalid syntax");
  const long long v = std::stoll(text);
  if (v < 0) return base::Status::InvalidArgument("negative number (" + std::to_string(v) + ") not allowed: " + text);
  return static_cast<unsigned>(v);
}

base::Result<unsigned> ParseIntOrName(const std::string& text, const Bounds& b) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < b.names.size(); ++i) {
    if (b.names[i] == lower) return b.min + static_cast<unsigned>(i);
  }
  return MustParseInt(text);
}

// One comma-separated part: robfig's getRange. |star| is set for `*` / `?` without a step > 1.
base::Result<uint64_t> Range(const std::string& expr, const Bounds& b, bool& star) {
  const std::vector<std::string> range_and_step = Split(expr, '/');
  const std::vector<std::string> low_high = Split(range_and_step[0], '-');
  unsigned start, end;
  bool is_star = false;
  if (low_high[0] == "*" || low_high[0] == "?") {
    start = b.min;
    end = b.max;
    is_star = true;
  } else {
    CAPSTAN_ASSIGN_OR_RETURN(start, ParseIntOrName(low_high[0], b));
    if (low_high.size() == 1) {
      end = start;
    } else if (low_high.size() == 2) {
      CAPSTAN_ASSIGN_OR_RETURN(end, ParseIntOrName(low_high[1], b));
    } else {
      return base::Status::InvalidArgument("too many hyphens: " + expr);
    }
  }
  unsigned step = 1;
  if (range_and_step.size() == 2) {
    CAPSTAN_ASSIGN_OR_RETURN(step, MustParseInt(range_and_step[1]));
    if (low_high.size() == 1) end = b.max;  // "N/step" means "N-max/step"
    if (step > 1) is_star = false;
  } else if (range_and_step.size() > 2) {
    return base::Status::InvalidArgument("too many slashes: " + expr);
  }
  if (start < b.min) {
    return base::Status::InvalidArgument("beginning of range (" + std::to_string(start) + ") below minimum (" +
                                         std::to_string(b.min) + "): " + expr);
  }
  if (end > b.max) {
    return base::Status::InvalidArgument("end of range (" + std::to_string(end) + ") above maximum (" +
                                         std::to_string(b.max) + "): " + expr);
  }
  if (start > end) {
    return base::Status::InvalidArgument("beginning of range (" + std::to_string(start) + ") beyond end of range (" +
                                         std::to_string(end) + "): " + expr);
  }
  if (step == 0) return base::Status::InvalidArgument("step of range should be a positive number: " + expr);
  uint64_t bits = 0;
  for (unsigned v = start; v <= end; v += step) bits |= uint64_t{1} << v;
  star = star || is_star;
  return bits;
}

base::Result<uint64_t> Field(const std::string& field, const Bounds& b, bool* star_out = nullptr) {
  uint64_t bits = 0;
  bool star = false;
  for (const std::string& part : Split(field, ',')) {
    CAPSTAN_ASSIGN_OR_RETURN(uint64_t r, Range(part, b, star));
    bits |= r;
  }
  if (star_out) *star_out = star;
  return bits;
}

bool Has(uint64_t bits, int64_t v) { return (bits >> v) & 1; }

}  // namespace

base::Result<CronSchedule> CronSchedule::Parse(std::string_view spec) {
  std::istringstream in{std::string(spec)};
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.empty()) return base::Status::InvalidArgument("empty spec string");
  if (fields[0].rfind("TZ=", 0) == 0 || fields[0].rfind("CRON_TZ=", 0) == 0) {
    return base::Status::InvalidArgument("a TZ= prefix is not supported here, use the window's timeZone: " +
                                         std::string(spec));
  }
  if (fields[0][0] == '@')
    return base::Status::InvalidArgument("parser does not accept descriptors: " + std::string(spec));
  if (fields.size() != 5) {
    return base::Status::InvalidArgument("expected exactly 5 fields, found " + std::to_string(fields.size()) + ": [" +
                                         [&] {
                                           std::string j;
                                           for (size_t i = 0; i < fields.size(); ++i) j += (i ? " " : "") + fields[i];
                                           return j;
                                         }() +
                                         "]");
  }
  CronSchedule s;
  CAPSTAN_ASSIGN_OR_RETURN(s.minute_, Field(fields[0], kMinute));
  CAPSTAN_ASSIGN_OR_RETURN(s.hour_, Field(fields[1], kHour));
  CAPSTAN_ASSIGN_OR_RETURN(s.dom_, Field(fields[2], kDom, &s.dom_star_));
  CAPSTAN_ASSIGN_OR_RETURN(s.month_, Field(fields[3], kMonth));
  CAPSTAN_ASSIGN_OR_RETURN(s.dow_, Field(fields[4], kDow, &s.dow_star_));
  return s;
}

std::optional<int64_t> CronSchedule::Next(int64_t after, const TimeZone& zone) const {
  const int64_t local = after + zone.OffsetAt(after);
  int64_t c = (local >= 0 ? local / 60 : (local - 59) / 60) * 60 + 60;  // the next whole minute
  const int64_t limit = local + int64_t{5} * 366 * 86400;
  while (c <= limit) {
    const int64_t days = c >= 0 ? c / 86400 : (c - 86399) / 86400;
    const int64_t secs = c - days * 86400;
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, y, m, d);
    if (!Has(month_, m)) {
      c = (m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1)) * 86400;
      continue;
    }
    const int64_t wd = ((days + 4) % 7 + 7) % 7;
    const bool dom_match = Has(dom_, d), dow_match = Has(dow_, wd);
    const bool day_match = (dom_star_ || dow_star_) ? (dom_match && dow_match) : (dom_match || dow_match);
    if (!day_match) {
      c = (days + 1) * 86400;
      continue;
    }
    if (!Has(hour_, secs / 3600)) {
      c = days * 86400 + (secs / 3600 + 1) * 3600;
      continue;
    }
    if (!Has(minute_, (secs / 60) % 60)) {
      c += 60;
      continue;
    }
    const int64_t u = zone.ToUnix(c);
    if (u > after) return u;
    c += 60;
  }
  return std::nullopt;
}

}  // namespace capstan::app
