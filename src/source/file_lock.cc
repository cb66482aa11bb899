// Copyright 2026 The capstan Authors.

#include "source/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace capstan::source {

namespace {

base::Result<int> Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return base::Status::Internal("cannot open lock file " + path + ": " + std::strerror(errno));
  return fd;
}

}  // namespace

base::Result<FileLock> FileLock::Acquire(const std::string& path, Mode mode, std::chrono::milliseconds timeout,
                                         std::string_view what) {
  CAPSTAN_ASSIGN_OR_RETURN(int fd, Open(path));
  int op = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    if (::flock(fd, op) == 0) return FileLock(fd);
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      ::close(fd);
      return base::Status::Internal("flock " + path + ": " + std::strerror(err));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
      return base::Status::Timeout("timed out after " + std::to_string(secs) + "s waiting for the lock on " +
                                   std::string(what));
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

base::Result<FileLock> FileLock::TryAcquire(const std::string& path, Mode mode) {
  CAPSTAN_ASSIGN_OR_RETURN(int fd, Open(path));
  if (::flock(fd, (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0) return FileLock(fd);
  ::close(fd);
  return base::Status::Unavailable("lock on " + path + " is taken");
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace capstan::source
