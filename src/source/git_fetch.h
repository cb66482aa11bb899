// Copyright 2026 The capstan Authors.
//
// Internal to source/: one libgit2 fetch into a cache repository, with capstan's credentials,
// known_hosts and TLS checks, a deadline, and errors mapped to Status codes with the URL redacted.
//
// The deadline: every libgit2 callback (credentials, certificate check, sideband and transfer
// progress) fails once it has passed, which ends a slow transfer; and the sockets of the fetch wait
// only until it, and are shut down by a watchdog thread when it comes (timed_socket.h), which ends a
// server that accepted the connection and says nothing. The fetch then returns kTimeout. (Name
// resolution is not bounded by it: getaddrinfo has its own resolver timeouts.)
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

// Initialises libgit2 once per process and registers the timed socket stream (timed_socket.h).
void EnsureLibgit2();

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
