// Copyright 2026 The capstan Authors.

#include "base/time.h"

#include <chrono>
#include <cstdio>

namespace capstan::base {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

// Floor division: rounds towards negative infinity (C++'s '/' truncates towards zero).
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// "YYYY-MM-DDTHH:MM:SS" of |unix_seconds|, without a fraction or zone.
std::string FormatDateTime(int64_t unix_seconds) {
  const int64_t days = FloorDiv(unix_seconds, kSecondsPerDay);
  const int64_t secs = unix_seconds - days * kSecondsPerDay;
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

// A cursor over the text being parsed; every Read* advances only on success.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  // Reads exactly |n| ASCII digits as a number.
  bool ReadDigits(int n, int* out) {
    if (s_.size() - pos_ < static_cast<size_t>(n)) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      const char c = s_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    *out = v;
    return true;
  }
  // Reads one character equal to |a| or |b|.
  bool ReadChar(char a, char b = '\0') {
    if (pos_ == s_.size() || (s_[pos_] != a && (b == '\0' || s_[pos_] != b))) return false;
    ++pos_;
    return true;
  }
  bool Peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool IsDigit() const { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; }
  int TakeDigit() { return s_[pos_++] - '0'; }
  bool AtEnd() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::string FormatRfc3339(int64_t unix_seconds) { return FormatDateTime(unix_seconds) + "Z"; }

std::string FormatMicroTime(int64_t unix_micros) {
  const int64_t secs = FloorDiv(unix_micros, kMicrosPerSecond);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(unix_micros - secs * kMicrosPerSecond));
  return FormatDateTime(secs) + frac;
}

Result<int64_t> ParseRfc3339Micros(std::string_view text) {
  const auto bad = [text] { return Status::InvalidArgument("\"" + std::string(text) + "\" is not an RFC 3339 time"); };
  Scanner in(text);
  int year, month, day, hour, minute, second;
  if (!in.ReadDigits(4, &year) || !in.ReadChar('-') || !in.ReadDigits(2, &month) || !in.ReadChar('-') ||
      !in.ReadDigits(2, &day) || !in.ReadChar('T', 't') || !in.ReadDigits(2, &hour) || !in.ReadChar(':') ||
      !in.ReadDigits(2, &minute) || !in.ReadChar(':') || !in.ReadDigits(2, &second)) {
    return bad();
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return bad();

  int64_t micros = 0;
  if (in.ReadChar('.')) {
    int digits = 0;
    for (; in.IsDigit(); ++digits) {
      const int d = in.TakeDigit();
      if (digits < 6) micros = micros * 10 + d;
    }
    if (digits == 0) return bad();
    for (; digits < 6; ++digits) micros *= 10;
  }

  int64_t offset_seconds = 0;
  if (!in.ReadChar('Z', 'z')) {
    const bool east = in.Peek('+');
    int oh, om;
    if (!in.ReadChar('+', '-') || !in.ReadDigits(2, &oh) || !in.ReadChar(':') || !in.ReadDigits(2, &om) ||
        oh > 23 || om > 59) {
      return bad();
    }
    offset_seconds = (east ? 1 : -1) * (oh * 3600 + om * 60);
  }
  if (!in.AtEnd()) return bad();

  const int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  const int64_t unix_seconds = days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_seconds;
  return unix_seconds * kMicrosPerSecond + micros;
}

Result<int64_t> ParseRfc3339Seconds(std::string_view text) {
  CAPSTAN_ASSIGN_OR_RETURN(int64_t micros, ParseRfc3339Micros(text));
  return FloorDiv(micros, kMicrosPerSecond);
}

int64_t NowUnixMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t NowUnixSeconds() { return FloorDiv(NowUnixMicros(), kMicrosPerSecond); }

}  // namespace capstan::base
