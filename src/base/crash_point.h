// Copyright 2026 The capstan Authors.
//
// Crash points for crash-safety tests (issue: Sync engine, item 7). When the environment variable
// CAPSTAN_CRASH_AT is "<name>" or "<name>:<n>", the process exits abruptly — _exit(86), no
// destructors, no flushing, no Lease released — the first (or n-th) time it reaches CrashPoint(name).
// Without the variable a CrashPoint costs one relaxed load. Names in use: see the callers
// (sync/engine.cc, app/operation_runner.cc); the cluster test tests/cluster/crash_test.cc lists them.
//
// Thread safety: safe to call from any thread.

#ifndef CAPSTAN_BASE_CRASH_POINT_H_
#define CAPSTAN_BASE_CRASH_POINT_H_

#include <string_view>

namespace capstan::base {

inline constexpr int kCrashExitCode = 86;

void CrashPoint(std::string_view name);

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_CRASH_POINT_H_
