// Copyright 2026 The capstan Authors.
//
// Internal to source/: one libgit2 fetch into a cache repository, with capstan's credentials,
// known_hosts and TLS checks, a deadline, and errors mapped to Status codes with the URL redacted.
//
// The deadline. libgit2 1.5 has no connect or read timeout (GIT_OPT_SET_SERVER_TIMEOUT and
// GIT_OPT_SET_SERVER_CONNECT_TIMEOUT arrived in 1.7), so a server that accepts a connection and then
// says nothing would block a fetch forever. Two mechanisms bound it: every libgit2 callback
// (credentials, certificate check, sideband and transfer progress) fails once the deadline has
// passed, which ends a slow transfer; and a watchdog thread, from the deadline on, sends the fetching
// thread a signal (kWakeSignal, with an empty handler installed without SA_RESTART) every 100 ms
// until the fetch returns, so a blocking connect(), recv() or poll() inside libgit2, mbedTLS or
// libssh2 fails with EINTR. The fetch then returns kTimeout.
//
// Thread safety: FetchRemote may run on many threads at once (each with its own git_repository);
// callers serialise fetches of one repository (Repository's lock).

#ifndef CAPSTAN_SOURCE_GIT_FETCH_H_
#define CAPSTAN_SOURCE_GIT_FETCH_H_

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"
#include "source/credentials.h"

struct git_repository;

namespace capstan::source {

// Initialises libgit2 once per process (and installs the watchdog's signal handler, and ignores
// SIGPIPE if it is at its default, so a server closing a connection cannot kill the process).
void EnsureLibgit2();

// The signal the fetch watchdog uses to interrupt blocking system calls (SIGRTMIN + 4).
int FetchWakeSignal();

struct FetchSpec {
  std::string url;          // with no password in it
  std::string display_url;  // for messages: |url| with userinfo redacted
  const Credentials* credentials = nullptr;
  std::vector<std::string> refspecs;
  std::chrono::milliseconds timeout{90'000};
};

// Fetches |spec.refspecs| from |spec.url| into |repo| (pruning refs gone from the remote), then
// records the remote's HEAD as refs/remotes/origin/HEAD. Errors (messages start with
// "fetch <display_url>: "):
//   kUnauthenticated     credentials missing, wrong, or refused ("authentication failed ...")
//   kFailedPrecondition  an SSH host key not in known_hosts or not matching, an untrusted TLS certificate
//   kNotFound            the server says there is no such repository (HTTP 404, "does not appear to be a git repository")
//   kUnavailable         the server cannot be reached or the transfer failed
//   kTimeout             |spec.timeout| passed
base::Status FetchRemote(git_repository* repo, const FetchSpec& spec);

// libgit2's last error message (or |fallback|), with |secret| replaced by "***" when non-empty.
std::string LastGitError(std::string_view fallback, std::string_view secret = "");

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_GIT_FETCH_H_
