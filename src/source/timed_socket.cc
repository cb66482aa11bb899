// Copyright 2026 The capstan Authors.

#include "source/timed_socket.h"

#include <fcntl.h>
#include <git2.h>
#include <git2/sys/stream.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace capstan::source {

namespace {

using Clock = std::chrono::steady_clock;

thread_local std::shared_ptr<SocketDeadline> current_deadline;

// Layout-compatible with libgit2 1.4-1.6's git_socket_stream (see the header), then our fields.
struct TimedSocket {
  git_stream parent;
  char* host;
  char* port;
  int s;
  std::shared_ptr<SocketDeadline> deadline;
};

void SetNetError(const std::string& msg) { git_error_set_str(GIT_ERROR_NET, msg.c_str()); }

// Milliseconds to wait in poll(): until the deadline, or forever without one. -2 when expired.
int WaitBudget(const TimedSocket* st) {
  if (st->deadline == nullptr) return -1;
  if (st->deadline->expired()) return -2;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(st->deadline->deadline() - Clock::now()).count();
  if (left <= 0) return -2;
  return static_cast<int>(std::min<long long>(left, 1'000'000'000));
}

// Waits for |events| on the socket. 0 when ready, -1 with the error set.
int WaitFor(TimedSocket* st, short events, const char* what) {
  for (;;) {
    int budget = WaitBudget(st);
    if (budget == -2) {
      st->deadline->MarkExpired();
      SetNetError(std::string("timed out ") + what);
      return -1;
    }
    pollfd p{st->s, events, 0};
    int rc = ::poll(&p, 1, budget);
    if (rc > 0) return 0;
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) {
      SetNetError(std::string("error ") + what + ": " + std::strerror(errno));
      return -1;
    }
    // rc == 0: the budget ran out; the loop reports the timeout.
  }
}

int Connect(git_stream* stream) {
  auto* st = reinterpret_cast<TimedSocket*>(stream);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* info = nullptr;
  int gai = ::getaddrinfo(st->host, st->port, &hints, &info);
  if (gai != 0) {
    SetNetError(std::string("failed to resolve address for ") + st->host + ": " + gai_strerror(gai));
    return -1;
  }
  int last_errno = 0;
  for (addrinfo* a = info; a != nullptr; a = a->ai_next) {
    int s = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (s < 0) {
      last_errno = errno;
      continue;
    }
    st->s = s;
    if (st->deadline) st->deadline->Register(s);
    int flags = ::fcntl(s, F_GETFL, 0);
    ::fcntl(s, F_SETFL, flags | O_NONBLOCK);
    int rc = ::connect(s, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      if (WaitFor(st, POLLOUT, "connecting") == 0) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
        errno = err;
      } else {
        ::freeaddrinfo(info);
        return -1;  // timed out: the error is set
      }
    }
    if (rc == 0) {
      ::fcntl(s, F_SETFL, flags);  // blocking again, as libgit2's own socket is
      ::freeaddrinfo(info);
      return 0;
    }
    last_errno = errno;
    if (st->deadline) st->deadline->Unregister(s);
    ::close(s);
    st->s = -1;
  }
  ::freeaddrinfo(info);
  SetNetError(std::string("failed to connect to ") + st->host + ": " + std::strerror(last_errno));
  return -1;
}

ssize_t Read(git_stream* stream, void* data, size_t len) {
  auto* st = reinterpret_cast<TimedSocket*>(stream);
  if (WaitFor(st, POLLIN, "receiving data from socket") != 0) return -1;
  for (;;) {
    ssize_t n = ::recv(st->s, data, len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) SetNetError(std::string("error receiving data from socket: ") + std::strerror(errno));
    return n;
  }
}

ssize_t Write(git_stream* stream, const char* data, size_t len, int flags) {
  auto* st = reinterpret_cast<TimedSocket*>(stream);
  if (WaitFor(st, POLLOUT, "sending data") != 0) return -1;
  for (;;) {
    ssize_t n = ::send(st->s, data, len, flags | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) SetNetError(std::string("error sending data: ") + std::strerror(errno));
    return n;
  }
}

int Close(git_stream* stream) {
  auto* st = reinterpret_cast<TimedSocket*>(stream);
  if (st->s >= 0) {
    if (st->deadline) st->deadline->Unregister(st->s);
    ::close(st->s);
    st->s = -1;
  }
  return 0;
}

void Free(git_stream* stream) {
  auto* st = reinterpret_cast<TimedSocket*>(stream);
  Close(stream);
  std::free(st->host);
  std::free(st->port);
  delete st;
}

int Init(git_stream** out, const char* host, const char* port) {
  auto* st = new TimedSocket{};
  st->parent.version = GIT_STREAM_VERSION;
  st->parent.connect = Connect;
  st->parent.read = Read;
  st->parent.write = Write;
  st->parent.close = Close;
  st->parent.free = Free;
  st->host = ::strdup(host);
  st->port = ::strdup(port);
  st->s = -1;
  st->deadline = current_deadline;
  *out = &st->parent;
  return 0;
}

}  // namespace

bool SocketDeadline::expired() const {
  std::lock_guard<std::mutex> l(mu_);
  return expired_;
}

void SocketDeadline::Expire() {
  std::lock_guard<std::mutex> l(mu_);
  expired_ = true;
  for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
}

void SocketDeadline::MarkExpired() {
  std::lock_guard<std::mutex> l(mu_);
  expired_ = true;
}

void SocketDeadline::Register(int fd) {
  std::lock_guard<std::mutex> l(mu_);
  fds_.insert(fd);
  if (expired_) ::shutdown(fd, SHUT_RDWR);
}

void SocketDeadline::Unregister(int fd) {
  std::lock_guard<std::mutex> l(mu_);
  fds_.erase(fd);
}

ScopedSocketDeadline::ScopedSocketDeadline(std::shared_ptr<SocketDeadline> deadline) : previous_(current_deadline) {
  current_deadline = std::move(deadline);
}

ScopedSocketDeadline::~ScopedSocketDeadline() { current_deadline = previous_; }

bool RegisterTimedSocketStream() {
  static const bool registered = [] {
    int major = 0, minor = 0, rev = 0;
    git_libgit2_version(&major, &minor, &rev);
    if (major != 1 || minor < 4 || minor > 6) return false;
    git_stream_registration reg{};
    reg.version = GIT_STREAM_VERSION;
    reg.init = Init;
    reg.wrap = nullptr;
    return git_stream_register(GIT_STREAM_STANDARD, &reg) == 0;
  }();
  return registered;
}

}  // namespace capstan::source
