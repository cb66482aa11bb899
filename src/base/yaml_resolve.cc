// Copyright 2026 The capstan Authors.

#include "base/yaml_resolve.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace capstan::base::yaml_internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// resolve.go's resolveMap: the scalars resolved by table lookup.
struct MapEntry {
  std::string_view text;
  Scalar::Kind kind;
  bool b;
  double f;
};
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr MapEntry kResolveMap[] = {
    {"y", Scalar::Kind::kBool, true, 0},      {"Y", Scalar::Kind::kBool, true, 0},
    {"yes", Scalar::Kind::kBool, true, 0},    {"Yes", Scalar::Kind::kBool, true, 0},
    {"YES", Scalar::Kind::kBool, true, 0},    {"true", Scalar::Kind::kBool, true, 0},
    {"True", Scalar::Kind::kBool, true, 0},   {"TRUE", Scalar::Kind::kBool, true, 0},
    {"on", Scalar::Kind::kBool, true, 0},     {"On", Scalar::Kind::kBool, true, 0},
    {"ON", Scalar::Kind::kBool, true, 0},     {"n", Scalar::Kind::kBool, false, 0},
    {"N", Scalar::Kind::kBool, false, 0},     {"no", Scalar::Kind::kBool, false, 0},
    {"No", Scalar::Kind::kBool, false, 0},    {"NO", Scalar::Kind::kBool, false, 0},
    {"false", Scalar::Kind::kBool, false, 0}, {"False", Scalar::Kind::kBool, false, 0},
    {"FALSE", Scalar::Kind::kBool, false, 0}, {"off", Scalar::Kind::kBool, false, 0},
    {"Off", Scalar::Kind::kBool, false, 0},   {"OFF", Scalar::Kind::kBool, false, 0},
    {"~", Scalar::Kind::kNull, false, 0},     {"null", Scalar::Kind::kNull, false, 0},
    {"Null", Scalar::Kind::kNull, false, 0},  {"NULL", Scalar::Kind::kNull, false, 0},
    {".nan", Scalar::Kind::kFloat, false, kNaN},   {".NaN", Scalar::Kind::kFloat, false, kNaN},
    {".NAN", Scalar::Kind::kFloat, false, kNaN},   {".inf", Scalar::Kind::kFloat, false, kInf},
    {".Inf", Scalar::Kind::kFloat, false, kInf},   {".INF", Scalar::Kind::kFloat, false, kInf},
    {"+.inf", Scalar::Kind::kFloat, false, kInf},  {"+.Inf", Scalar::Kind::kFloat, false, kInf},
    {"+.INF", Scalar::Kind::kFloat, false, kInf},  {"-.inf", Scalar::Kind::kFloat, false, -kInf},
    {"-.Inf", Scalar::Kind::kFloat, false, -kInf}, {"-.INF", Scalar::Kind::kFloat, false, -kInf},
};

// resolve.go's resolveTable: the hint the first byte gives.
char Hint(char c) {
  switch (c) {
    case '+': case '-': return 'S';
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return 'D';
    case 'y': case 'Y': case 'n': case 'N': case 't': case 'T':
    case 'f': case 'F': case 'o': case 'O': case '~': return 'M';
    case '.': return '.';
    default: return 0;
  }
}

// Go's strconv.ParseUint(s, 0, 64) without the underscore handling (callers removed them).
bool ParseUintBase0(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  unsigned base = 10;
  if (s[0] == '0') {
    char c1 = s.size() >= 3 ? static_cast<char>(s[1] | 0x20) : 0;
    if (c1 == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else if (c1 == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (c1 == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  uint64_t n = 0;
  for (char c : s) {
    unsigned d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      d = (c | 0x20) - 'a' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    if (n > (std::numeric_limits<uint64_t>::max() - d) / base) return false;  // overflow
    n = n * base + d;
  }
  *out = n;
  return true;
}

// Whether |s| matches yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool MatchesYamlStyleFloat(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < n && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < n && IsDigit(s[i])) ++i;
    if (i == start) return false;
  } else {
    size_t start = i;
    while (i < n && IsDigit(s[i])) ++i;
    if (i == start) return false;
    if (i < n && s[i] == '.') {
      ++i;
      while (i < n && IsDigit(s[i])) ++i;
    }
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < n && IsDigit(s[i])) ++i;
    if (i == start) return false;
  }
  return i == n;
}

// For a yamlStyleFloat text that std::from_chars found out of range: whether it overflows (Go's
// ParseFloat fails) rather than underflows (Go returns a signed zero).
bool Overflows(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  // The decimal exponent of the first significant digit.
  int64_t int_digits = 0;  // significant digits before the point
  int64_t lead_zeros = 0;  // zeros after the point before the first significant digit
  bool seen_sig = false;
  for (; i < n && IsDigit(s[i]); ++i) {
    if (s[i] != '0') seen_sig = true;
    if (seen_sig) ++int_digits;
  }
  if (i < n && s[i] == '.') {
    for (++i; i < n && IsDigit(s[i]); ++i) {
      if (seen_sig) continue;
      if (s[i] != '0') {
        seen_sig = true;
      } else {
        ++lead_zeros;
      }
    }
  }
  int64_t exp = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = i < n && s[i] == '-';
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    for (; i < n; ++i) {
      if (exp < 1'000'000'000) exp = exp * 10 + (s[i] - '0');
    }
    if (neg) exp = -exp;
  }
  int64_t magnitude = int_digits > 0 ? int_digits + exp : exp - lead_zeros;
  return magnitude > 0;
}

// Reads 1 or 2 digits (Go time's getnum(s, false)).
bool GetNum(std::string_view s, size_t* pos, int* out) {
  size_t i = *pos;
  if (i >= s.size() || !IsDigit(s[i])) return false;
  int v = s[i] - '0';
  ++i;
  if (i < s.size() && IsDigit(s[i])) {
    v = v * 10 + (s[i] - '0');
    ++i;
  }
  *pos = i;
  *out = v;
  return true;
}

int DaysIn(int month, int year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

}  // namespace

bool ParseGoUint(std::string_view s, uint64_t* out) { return ParseUintBase0(s, out); }

bool ParseGoInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t mag;
  if (!ParseUintBase0(s, &mag)) return false;
  constexpr uint64_t kCutoff = uint64_t{1} << 63;
  if (!neg && mag >= kCutoff) return false;
  if (neg && mag > kCutoff) return false;
  *out = neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
  return true;
}

bool ParseYamlFloat(std::string_view s, double* out) {
  if (!MatchesYamlStyleFloat(s)) return false;
  std::string_view digits = s;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range) {
    if (Overflows(s)) return false;
    v = s[0] == '-' ? -0.0 : 0.0;
  } else if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    return false;
  }
  *out = v;
  return true;
}

Scalar ResolvePlain(std::string_view s) {
  Scalar r;
  if (s.empty()) {
    r.kind = Scalar::Kind::kNull;
    return r;
  }
  char hint = Hint(s[0]);
  if (hint == 0) return r;  // string
  if (s.size() <= 5) {
    for (const MapEntry& e : kResolveMap) {
      if (e.text == s) {
        r.kind = e.kind;
        r.b = e.b;
        r.f = e.f;
        return r;
      }
    }
  }
  switch (hint) {
    case 'M':
      return r;
    case '.':
      if (ParseYamlFloat(s, &r.f)) r.kind = Scalar::Kind::kFloat;
      return r;
    default:
      break;  // 'D', 'S': int or float (a timestamp would stay a string, as would anything else)
  }
  // go-yaml drops every underscore before ParseInt/ParseUint/ParseFloat.
  std::string without_underscores;
  std::string_view plain = s;
  if (s.find('_') != std::string_view::npos) {
    without_underscores.reserve(s.size());
    for (char c : s) {
      if (c != '_') without_underscores.push_back(c);
    }
    plain = without_underscores;
  }
  if (ParseGoInt(plain, &r.i)) {
    r.kind = Scalar::Kind::kInt;
  } else if (ParseGoUint(plain, &r.u)) {
    r.kind = Scalar::Kind::kUint;
  } else if (ParseYamlFloat(plain, &r.f)) {
    r.kind = Scalar::Kind::kFloat;
  }
  // resolve.go's explicit "0b"/"-0b" branches are covered by ParseInt's base 0 (Go >= 1.13).
  return r;
}

bool IsTimestamp(std::string_view s) {
  size_t n = s.size();
  if (n < 5) return false;
  for (size_t i = 0; i < 4; ++i) {
    if (!IsDigit(s[i])) return false;
  }
  if (s[4] != '-') return false;
  int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  size_t pos = 5;
  int month, day;
  if (!GetNum(s, &pos, &month) || pos >= n || s[pos] != '-') return false;
  ++pos;
  if (!GetNum(s, &pos, &day)) return false;
  if (month < 1 || month > 12 || day < 1 || day > DaysIn(month, year)) return false;
  if (pos == n) return true;  // "2006-1-2"
  char sep = s[pos];
  bool zone = sep == 'T' || sep == 't';
  if (!zone && sep != ' ') return false;
  ++pos;
  int hour, minute, second;
  if (!GetNum(s, &pos, &hour) || hour > 23) return false;
  if (pos >= n || s[pos] != ':') return false;
  ++pos;
  if (!GetNum(s, &pos, &minute) || minute > 59) return false;
  if (pos >= n || s[pos] != ':') return false;
  ++pos;
  if (!GetNum(s, &pos, &second) || second > 59) return false;
  if (pos + 1 < n && (s[pos] == '.' || s[pos] == ',') && IsDigit(s[pos + 1])) {
    pos += 2;
    while (pos < n && IsDigit(s[pos])) ++pos;
  }
  if (!zone) return pos == n;
  if (pos < n && s[pos] == 'Z') return pos + 1 == n;
  // ±hh:mm
  if (n - pos != 6) return false;
  if ((s[pos] != '+' && s[pos] != '-') || !IsDigit(s[pos + 1]) || !IsDigit(s[pos + 2]) ||
      s[pos + 3] != ':' || !IsDigit(s[pos + 4]) || !IsDigit(s[pos + 5])) {
    return false;
  }
  int zh = (s[pos + 1] - '0') * 10 + (s[pos + 2] - '0');
  int zm = (s[pos + 4] - '0') * 10 + (s[pos + 5] - '0');
  return zh <= 24 && zm <= 60;
}

bool IsBase60Float(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  if (i >= n || !IsDigit(s[i])) return false;
  ++i;
  while (i < n && (IsDigit(s[i]) || s[i] == '_')) ++i;
  // (?::[0-5]?[0-9])+
  int groups = 0;
  while (i < n && s[i] == ':') {
    ++i;
    if (i + 1 < n && s[i] >= '0' && s[i] <= '5' && IsDigit(s[i + 1])) {
      i += 2;
    } else if (i < n && IsDigit(s[i])) {
      ++i;
    } else {
      return false;
    }
    ++groups;
  }
  if (groups == 0) return false;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && (IsDigit(s[i]) || s[i] == '_')) ++i;
  }
  return i == n;
}

bool NeedsQuotes(std::string_view s) {
  if (ResolvePlain(s).kind != Scalar::Kind::kString) return true;
  if (s == "<<") return true;
  if (!s.empty() && IsDigit(s[0]) && IsTimestamp(s)) return true;
  return IsBase60Float(s);
}

std::string FormatFloatKey(double f) {
  if (std::isnan(f)) return ".nan";
  // Go converts to float32 first; past the float32 range that is an infinity.
  constexpr double kFloat32Overflow = 3.4028235677973366e+38;
  if (std::isinf(f) || std::fabs(f) >= kFloat32Overflow) return f > 0 ? ".inf" : "-.inf";
  float g = static_cast<float>(f);
  if (g == 0) return std::signbit(g) ? "-0" : "0";
  // Shortest float32 digits, as d.ddde±x.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), g, std::chars_format::scientific);
  std::string_view sci(buf, res.ptr - buf);
  bool neg = sci[0] == '-';
  if (neg) sci.remove_prefix(1);
  size_t epos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, epos)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = 0;
  std::from_chars(sci.data() + epos + 1 + (sci[epos + 1] == '+'), sci.data() + sci.size(), exp);
  // Go's %g with shortest digits: %e when exp < -4 || exp >= 6 (eprec is 6 when shortest).
  std::string out = neg ? "-" : "";
  int nd = static_cast<int>(digits.size());
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (nd > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += exp < 0 ? '-' : '+';
    int a = exp < 0 ? -exp : exp;
    if (a < 10) out += '0';
    out += std::to_string(a);
    return out;
  }
  int dp = exp + 1;  // digits before the decimal point
  if (dp <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-dp), '0');
    out += digits;
  } else if (dp >= nd) {
    out += digits;
    out.append(static_cast<size_t>(dp - nd), '0');
  } else {
    out.append(digits, 0, dp);
    out += '.';
    out.append(digits, dp);
  }
  return out;
}

}  // namespace capstan::base::yaml_internal
