// Copyright 2026 The capstan Authors.

#include "app/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace capstan::app {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t ReadBig(std::string_view d, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(d[at + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

// Parses "[+-]hh[:mm[:ss]]" at |s|[i]; advances i.
bool ParseHms(std::string_view s, size_t& i, int64_t& out) {
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
  int64_t parts[3] = {0, 0, 0};
  for (int p = 0; p < 3; ++p) {
    if (p > 0) {
      if (i >= s.size() || s[i] != ':') break;
      ++i;
    }
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') parts[p] = parts[p] * 10 + (s[i++] - '0');
    if (i == start) return false;
  }
  out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool SkipName(std::string_view s, size_t& i) {
  if (i < s.size() && s[i] == '<') {
    size_t close = s.find('>', i);
    if (close == std::string_view::npos) return false;
    i = close + 1;
    return true;
  }
  size_t start = i;
  while (i < s.size() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) ++i;
  return i - start >= 3;
}

// ",Mm.w.d[/time]"
bool ParseMRule(std::string_view s, size_t& i, int& month, int& week, int& day, int64_t& time) {
  if (i + 1 >= s.size() || s[i] != ',' || s[i + 1] != 'M') return false;
  i += 2;
  int* fields[3] = {&month, &week, &day};
  for (int f = 0; f < 3; ++f) {
    if (f > 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
    size_t start = i;
    *fields[f] = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') *fields[f] = *fields[f] * 10 + (s[i++] - '0');
    if (i == start) return false;
  }
  if (month < 1 || month > 12 || week < 1 || week > 5 || day > 6) return false;
  time = 7200;
  if (i < s.size() && s[i] == '/') {
    ++i;
    if (!ParseHms(s, i, time)) return false;
  }
  return true;
}

// A POSIX TZ string with M rules (or none). False for forms this parser does not know.
bool ParsePosixTz(std::string_view s, TimeZone::Rule& r) {
  size_t i = 0;
  int64_t std_west = 0;
  if (!SkipName(s, i) || !ParseHms(s, i, std_west)) return false;
  r.std_offset = -std_west;
  if (i == s.size()) return true;
  if (!SkipName(s, i)) return false;
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (i < s.size() && s[i] != ',') {
    int64_t dst_west = 0;
    if (!ParseHms(s, i, dst_west)) return false;
    r.dst_offset = -dst_west;
  }
  if (!ParseMRule(s, i, r.start_month, r.start_week, r.start_day, r.start_time)) return false;
  if (!ParseMRule(s, i, r.end_month, r.end_week, r.end_day, r.end_time)) return false;
  return i == s.size();
}

// Days since the epoch of the |week|th (5 = last) |day| (0 = Sunday) of |month| in |year|.
int64_t NthWeekday(int64_t year, int month, int week, int day) {
  const int64_t first = DaysFromCivil(year, month, 1);
  const int64_t first_wd = ((first + 4) % 7 + 7) % 7;
  int64_t d = first + ((day - first_wd) % 7 + 7) % 7 + 7 * (week - 1);
  const int64_t next_month = month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
  while (d >= next_month) d -= 7;
  return d;
}

int64_t RuleOffset(const TimeZone::Rule& r, int64_t unix) {
  if (!r.has_dst) return r.std_offset;
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(unix + r.std_offset, 86400), y, m, d);
  const int64_t start = NthWeekday(y, r.start_month, r.start_week, r.start_day) * 86400 + r.start_time - r.std_offset;
  const int64_t end = NthWeekday(y, r.end_month, r.end_week, r.end_day) * 86400 + r.end_time - r.dst_offset;
  const bool dst = start < end ? (unix >= start && unix < end) : !(unix >= end && unix < start);
  return dst ? r.dst_offset : r.std_offset;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

base::Result<std::shared_ptr<const TimeZone>> TimeZone::FromTzif(std::string name, std::string_view data) {
  auto bad = [&] { return base::Status::InvalidArgument("time zone " + name + ": not a TZif file"); };
  if (data.size() < 44 || data.substr(0, 4) != "TZif") return bad();
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int k = 0; k < 6; ++k) c[k] = ReadBig(data, at + 20 + 4 * k, 4);
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  size_t at = 44;
  int tbytes = 4;
  if (data[4] >= '2') {
    // Skip the 32-bit block to the 64-bit header and data.
    at += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (data.size() < at + 44 || data.substr(at, 4) != "TZif") return bad();
    counts(at, c);
    at += 44;
    tbytes = 8;
  }
  const int64_t timecnt = c[3], typecnt = c[4];
  const size_t need = at + timecnt * tbytes + timecnt + typecnt * 6 + c[5] + c[2] * (tbytes + 4) + c[1] + c[0];
  if (typecnt < 1 || data.size() < need) return bad();
  auto zone = std::make_shared<TimeZone>();
  zone->name_ = std::move(name);
  const size_t idx_at = at + timecnt * tbytes, types_at = idx_at + timecnt;
  auto type_offset = [&](int64_t t) { return ReadBig(data, types_at + 6 * t, 4); };
  zone->initial_offset_ = type_offset(0);
  for (int64_t k = 0; k < timecnt; ++k) {
    const int64_t t = static_cast<unsigned char>(data[idx_at + k]);
    if (t >= typecnt) return bad();
    zone->transitions_.push_back(ReadBig(data, at + k * tbytes, tbytes));
    zone->offsets_.push_back(type_offset(t));
  }
  if (tbytes == 8 && data.size() > need + 1 && data[need] == '\n') {
    const size_t end = data.find('\n', need + 1);
    if (end != std::string_view::npos) {
      Rule rule;
      if (ParsePosixTz(data.substr(need + 1, end - need - 1), rule)) {
        zone->has_rule_ = true;
        zone->rule_ = rule;
      }
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(zone));
}

base::Result<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  std::shared_ptr<const TimeZone> zone;
  if (name.empty() || name == "UTC") {
    auto utc = std::make_shared<TimeZone>();
    utc->name_ = "UTC";
    zone = std::move(utc);
  } else {
    const std::string unknown = "unknown time zone " + std::string(name);
    // Go's LoadLocation refuses names that could leave the zoneinfo directory.
    if (name.front() == '/' || name.find("..") != std::string_view::npos || name.find('\\') != std::string_view::npos) {
      return base::Status::InvalidArgument(unknown);
    }
    const char* dir = std::getenv("TZDIR");
    const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
    std::ifstream in(path, std::ios::binary);
    if (!in) return base::Status::InvalidArgument(unknown);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto parsed = FromTzif(std::string(name), bytes.str());
    if (!parsed.ok()) return base::Status::InvalidArgument(unknown);
    zone = *parsed;
  }
  cache.emplace(std::string(name), zone);
  return zone;
}

int64_t TimeZone::OffsetAt(int64_t unix) const {
  if (transitions_.empty() || unix < transitions_.front()) {
    if (transitions_.empty() && has_rule_) return RuleOffset(rule_, unix);
    return initial_offset_;
  }
  if (unix >= transitions_.back() && has_rule_) return RuleOffset(rule_, unix);
  const size_t i = std::upper_bound(transitions_.begin(), transitions_.end(), unix) - transitions_.begin() - 1;
  return offsets_[i];
}

int64_t TimeZone::ToUnix(int64_t local) const {
  const int64_t before = OffsetAt(local - 86400), after = OffsetAt(local + 86400);
  int64_t best = 0;
  bool found = false;
  for (int64_t o : {before, after}) {
    const int64_t u = local - o;
    if (OffsetAt(u) == o && (!found || u < best)) {
      best = u;
      found = true;
    }
  }
  return found ? best : local - before;
}

}  // namespace capstan::app
