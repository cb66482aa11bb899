// Copyright 2026 The capstan Authors.

#include "base/crash_point.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

namespace capstan::base {

namespace {

struct Target {
  std::string name;
  long nth = 1;
};

const Target* Configured() {
  static const Target* target = [] () -> const Target* {
    const char* env = std::getenv("CAPSTAN_CRASH_AT");
    if (!env || !*env) return nullptr;
    auto* t = new Target{env};
    if (size_t colon = t->name.rfind(':'); colon != std::string::npos) {
      char* end = nullptr;
      long n = std::strtol(t->name.c_str() + colon + 1, &end, 10);
      if (end && *end == '\0' && n > 0) {
        t->nth = n;
        t->name.resize(colon);
      }
    }
    return t;
  }();
  return target;
}

std::atomic<long> reached{0};

}  // namespace

void CrashPoint(std::string_view name) {
  const Target* t = Configured();
  if (!t || name != t->name) return;
  if (reached.fetch_add(1) + 1 < t->nth) return;
  std::string msg = "capstan: CAPSTAN_CRASH_AT: exiting abruptly at " + std::string(name) + "\n";
  (void)!write(2, msg.data(), msg.size());
  _exit(kCrashExitCode);
}

}  // namespace capstan::base
