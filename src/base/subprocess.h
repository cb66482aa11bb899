// Copyright 2026 The capstan Authors.
//
// Running a program and collecting what it printed: posix_spawn (no shell), pipes for stdin, stdout
// and stderr, poll. Used for exec credential plugins, helm, kustomize and git.
//
// The child runs in a process group of its own; on timeout or cancellation the whole group gets
// SIGKILL. Its stdout must fit in |max_stdout_bytes| (more is an error: the output of helm or
// kustomize cut short would be wrong YAML); stderr keeps only its last |max_stderr_bytes| (it is for
// messages, and the end of them is what explains a failure).
//
// Messages name the command by argv[0] only: arguments and environment may hold credentials (a
// git URL with a token, a plugin's env), and stdout may too (an ExecCredential), so neither is ever
// put in a Status.
//
// Thread safety: RunSubprocess is safe to call from many threads at once (pipes are opened
// close-on-exec, so concurrent children never inherit each other's ends).

#ifndef CAPSTAN_BASE_SUBPROCESS_H_
#define CAPSTAN_BASE_SUBPROCESS_H_

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "base/result.h"

namespace capstan::base {

struct SubprocessOptions {
  // The program and its arguments. argv[0] without a '/' is looked up in $PATH.
  std::vector<std::string> argv;
  // Variables added to the environment (replacing inherited ones of the same name).
  std::map<std::string, std::string> env;
  // true: the child gets only |env|, nothing inherited.
  bool replace_env = false;
  // The child's working directory; "" = the caller's.
  std::string working_dir;
  // Written to the child's stdin, which is then closed; nullopt = stdin is /dev/null.
  std::optional<std::string> stdin_text;
  // Wall-clock limit; zero = none. On expiry the process group is killed.
  std::chrono::milliseconds timeout{0};
  // Limits on what is kept of each stream (see the file comment).
  size_t max_stdout_bytes = 64u << 20;
  size_t max_stderr_bytes = 64u << 10;
  // Requesting stop kills the process group and returns kCancelled.
  std::stop_token stop;
};

// How a child ended and what it printed. A non-zero exit is a value, not an error Status: the caller
// decides what it means.
struct SubprocessResult {
  int exit_code = -1;  // the exit status when the child exited, else -1
  int signal = 0;      // the signal that killed the child, else 0
  std::string stdout_text;
  std::string stderr_text;  // at most max_stderr_bytes: the end of what was written

  // True when the child exited with status 0.
  bool success() const { return signal == 0 && exit_code == 0; }
  // Go's ProcessState.String(): "exit status 1", "signal: killed" ("signal 9" for unnamed ones).
  std::string Describe() const;
  // The last |max_chars| characters of stderr, trimmed of surrounding whitespace; prefixed with
  // "..." when cut.
  std::string StderrTail(size_t max_chars = 1024) const;
};

// Runs |opts.argv| to completion and returns how it ended. Errors:
//  kInvalidArgument  argv is empty; stdout exceeded max_stdout_bytes (the group is killed)
//  kNotFound         the executable does not exist or is not in $PATH ("command \"helm\": executable
//                    file not found")
//  kPermissionDenied the file is not executable
//  kTimeout          the timeout passed (the group is killed): "command \"x\": timed out after 2s",
//                    followed by "; its stderr so far: ..." when the child wrote to stderr
//  kCancelled        |opts.stop| was requested
//  kInternal         a system call failed (pipe, spawn, poll)
Result<SubprocessResult> RunSubprocess(const SubprocessOptions& opts);

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_SUBPROCESS_H_
