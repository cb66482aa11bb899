// Copyright 2026 The capstan Authors.
//
// Internal to source/: the plain TCP stream libgit2 uses under every network transport (git://,
// http://, https:// below mbedTLS, and ssh:// where libssh2 reads the socket itself), replaced so
// that a fetch has a deadline. libgit2 1.5 has no connect or read timeout (GIT_OPT_SET_SERVER_TIMEOUT
// and GIT_OPT_SET_SERVER_CONNECT_TIMEOUT arrived in 1.7), so a server that accepts a connection and
// then says nothing would block a fetch forever.
//
// While a fetch runs, its thread has a current SocketDeadline (ScopedSocketDeadline). Connects,
// reads and writes of our stream wait with poll() only until that deadline; and at the deadline the
// fetch's watchdog shuts down every socket the fetch opened, which also wakes libssh2, which polls
// the socket itself with no timeout. Outside a fetch the stream behaves as libgit2's own.
//
// libgit2's SSH transport reads the file descriptor out of the standard stream by casting it to its
// private git_socket_stream {git_stream parent; char *host; char *port; int s;}; our stream starts
// with the same fields. That layout is libgit2 1.4 to 1.6's (checked against 1.5.1, Debian 12's), so
// RegisterTimedSocketStream registers only for those versions and reports whether it did.
//
// Thread safety: the stream registration is process-wide and done once; a SocketDeadline is shared by
// the fetching thread and its watchdog under its mutex.

#ifndef CAPSTAN_SOURCE_TIMED_SOCKET_H_
#define CAPSTAN_SOURCE_TIMED_SOCKET_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <set>

namespace capstan::source {

class SocketDeadline {
 public:
  explicit SocketDeadline(std::chrono::steady_clock::time_point deadline) : deadline_(deadline) {}

  std::chrono::steady_clock::time_point deadline() const { return deadline_; }
  // True once the deadline passed while a socket was waiting, or Expire() ran.
  bool expired() const;

  // Shuts down (SHUT_RDWR) every registered socket and marks the deadline expired.
  void Expire();

  void Register(int fd);
  void Unregister(int fd);  // before close(fd), so a reused descriptor number is never shut down
  void MarkExpired();

 private:
  std::chrono::steady_clock::time_point deadline_;
  mutable std::mutex mu_;
  std::set<int> fds_;
  bool expired_ = false;
};

// Makes |deadline| the current one of this thread for its lifetime.
// Streams opened meanwhile share ownership of it (a kept-alive connection may be closed later, when
// libgit2 frees the remote).
class ScopedSocketDeadline {
 public:
  explicit ScopedSocketDeadline(std::shared_ptr<SocketDeadline> deadline);
  ~ScopedSocketDeadline();
  ScopedSocketDeadline(const ScopedSocketDeadline&) = delete;
  ScopedSocketDeadline& operator=(const ScopedSocketDeadline&) = delete;

 private:
  std::shared_ptr<SocketDeadline> previous_;
};

// Registers the stream with libgit2 (GIT_STREAM_STANDARD) once. True when registered; false when
// this libgit2's version has another private socket layout (then only the callbacks bound a fetch).
// REQUIRES: git_libgit2_init() was called.
bool RegisterTimedSocketStream();

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_TIMED_SOCKET_H_
