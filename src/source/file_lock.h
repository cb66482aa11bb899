// Copyright 2026 The capstan Authors.
//
// An advisory lock on a file (flock(2)), shared or exclusive, held for the lifetime of a FileLock.
// flock locks belong to the open file description, so two FileLocks on one path conflict whether they
// are in two threads of one process or in two processes; the kernel drops them when a process dies.
//
// Thread safety: a FileLock is owned by one thread at a time; distinct FileLocks are independent.

#ifndef CAPSTAN_SOURCE_FILE_LOCK_H_
#define CAPSTAN_SOURCE_FILE_LOCK_H_

#include <chrono>
#include <string>

#include "base/result.h"

namespace capstan::source {

class FileLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Opens (creating it, mode 0644) |path| and waits up to |timeout| for the lock. kTimeout when the
  // lock stays taken ("timed out after 30s waiting for the lock on <what>": |what| names the thing
  // locked for the message); kInternal when the file cannot be opened.
  static base::Result<FileLock> Acquire(const std::string& path, Mode mode, std::chrono::milliseconds timeout,
                                        std::string_view what);
  // Takes the lock only if it is free right now; kUnavailable otherwise.
  static base::Result<FileLock> TryAcquire(const std::string& path, Mode mode);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_FILE_LOCK_H_
