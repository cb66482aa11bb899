// Copyright 2026 The capstan Authors.
//
// JqDelete: applies `del(<expr>)` for each of a list of jq path expressions to a JSON value, with
// Debian's libjq — ignoreDifferences' jqPathExpressions (spec §7.2). Each expression must yield
// exactly one value and finish within a time limit (Argo CD: 1 s, `ignore.normalizer.jq.timeout`).
//
// libjq cannot be interrupted, so the expressions run in a forked child process that reports back
// through a pipe: the parent waits at most |timeout| per expression and then kills the child. The
// child only runs libjq (malloc is safe after fork in glibc, which resets its arena locks in the
// child) and leaves with _exit, so it runs no destructor or atexit handler of the parent's.
//
// Thread safety: JqDelete may be called from many threads at once.

#ifndef CAPSTAN_DIFF_JQ_EVAL_H_
#define CAPSTAN_DIFF_JQ_EVAL_H_

#include <chrono>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace capstan::diff {

inline constexpr std::chrono::milliseconds kJqTimeout{1000};

// |value| with `del(expr)` applied for each of |exprs| in order. Errors, each naming the expression:
// kInvalidArgument when it does not compile, fails at run time or yields other than exactly one
// value; kTimeout when it runs longer than |timeout|; kInternal when the child cannot be started.
base::Result<base::Json> JqDelete(const base::Json& value, const std::vector<std::string>& exprs,
                                  std::chrono::milliseconds timeout = kJqTimeout);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_JQ_EVAL_H_
