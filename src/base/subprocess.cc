// Copyright 2026 The capstan Authors.

#include "base/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

extern char** environ;

namespace capstan::base {
namespace {

using Clock = std::chrono::steady_clock;

// An owned file descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

std::string Quoted(const std::string& cmd) { return "command \"" + cmd + "\""; }

Status SysError(const std::string& cmd, std::string_view what, int err) {
  return Status::Internal(Quoted(cmd) + ": " + std::string(what) + ": " + std::strerror(err));
}

// Opens a pipe whose ends are close-on-exec (the child gets its end through dup2, which clears the
// flag on the copy).
Status MakePipe(const std::string& cmd, Fd* read_end, Fd* write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return SysError(cmd, "pipe", errno);
  read_end->Reset(fds[0]);
  write_end->Reset(fds[1]);
  return Status::Ok();
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// The child's environment as "K=V" strings.
std::vector<std::string> BuildEnv(const SubprocessOptions& opts) {
  std::vector<std::string> out;
  if (!opts.replace_env) {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
      std::string_view kv(*e);
      std::string key(kv.substr(0, kv.find('=')));
      if (opts.env.count(key) == 0) out.emplace_back(kv);
    }
  }
  for (const auto& [k, v] : opts.env) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Blocks SIGPIPE in the calling thread while it writes to the child's stdin (a child that exits
// without reading must give EPIPE, not kill us), and on destruction drops a SIGPIPE raised for
// this thread meanwhile before restoring the old mask.
class ScopedBlockSigpipe {
 public:
  ScopedBlockSigpipe() {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_);
  }
  ~ScopedBlockSigpipe() {
    if (sigismember(&old_, SIGPIPE) == 0) {
      sigset_t pipe_set;
      sigemptyset(&pipe_set);
      sigaddset(&pipe_set, SIGPIPE);
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        timespec zero{0, 0};
        sigtimedwait(&pipe_set, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_;
};

// Kills the child's process group and reaps the child.
void KillAndReap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  int status;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

std::string FormatDuration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

}  // namespace

std::string SubprocessResult::Describe() const {
  if (signal != 0) {
    switch (signal) {
      case SIGKILL: return "signal: killed";
      case SIGTERM: return "signal: terminated";
      case SIGINT: return "signal: interrupt";
      case SIGSEGV: return "signal: segmentation fault";
      case SIGABRT: return "signal: aborted";
      case SIGPIPE: return "signal: broken pipe";
      default: return "signal " + std::to_string(signal);
    }
  }
  return "exit status " + std::to_string(exit_code);
}

std::string SubprocessResult::StderrTail(size_t max_chars) const {
  std::string_view s(stderr_text);
  constexpr std::string_view kSpace = " \t\r\n";
  size_t end = s.find_last_not_of(kSpace);
  if (end == std::string_view::npos) return "";
  s = s.substr(0, end + 1);
  size_t begin = s.find_first_not_of(kSpace);
  s = s.substr(begin);
  if (s.size() <= max_chars) return std::string(s);
  return "..." + std::string(s.substr(s.size() - max_chars));
}

namespace {

// The timeout error carries the end of what the child wrote to stderr so far: where it hung.
Status TimedOut(const std::string& cmd, const SubprocessOptions& opts, const SubprocessResult& so_far) {
  std::string msg = Quoted(cmd) + ": timed out after " + FormatDuration(opts.timeout);
  std::string tail = so_far.StderrTail();
  if (!tail.empty()) msg += "; its stderr so far: " + tail;
  return Status::Timeout(std::move(msg));
}

}  // namespace

Result<SubprocessResult> RunSubprocess(const SubprocessOptions& opts) {
  if (opts.argv.empty() || opts.argv[0].empty()) {
    return Status::InvalidArgument("run subprocess: empty command");
  }
  const std::string& cmd = opts.argv[0];
  if (!opts.working_dir.empty()) {
    struct stat st;
    if (::stat(opts.working_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::NotFound(Quoted(cmd) + ": working directory " + opts.working_dir + " not found");
    }
  }

  Fd stdin_read, stdin_write, stdout_read, stdout_write, stderr_read, stderr_write;
  if (opts.stdin_text.has_value()) {
    CAPSTAN_RETURN_IF_ERROR(MakePipe(cmd, &stdin_read, &stdin_write));
  } else {
    stdin_read.Reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (stdin_read.get() < 0) return SysError(cmd, "open /dev/null", errno);
  }
  CAPSTAN_RETURN_IF_ERROR(MakePipe(cmd, &stdout_read, &stdout_write));
  CAPSTAN_RETURN_IF_ERROR(MakePipe(cmd, &stderr_read, &stderr_write));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, stdin_read.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, stdout_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, stderr_write.get(), 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (!opts.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, opts.working_dir.c_str());
  }

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // A process group of its own (so a timeout kills grandchildren too), default signal dispositions
  // and an empty mask (the caller may ignore SIGPIPE or block signals in this thread).
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t empty_mask, all_signals;
  sigemptyset(&empty_mask);
  sigfillset(&all_signals);
  posix_spawnattr_setsigmask(&attr, &empty_mask);
  posix_spawnattr_setsigdefault(&attr, &all_signals);

  std::vector<std::string> argv_storage = opts.argv;
  std::vector<std::string> env_storage = BuildEnv(opts);
  std::vector<char*> argv = CStrings(argv_storage);
  std::vector<char*> envp = CStrings(env_storage);

  pid_t pid = -1;
  // posix_spawnp searches the caller's $PATH when argv[0] has no '/'.
  int rc = cmd.find('/') == std::string::npos
               ? ::posix_spawnp(&pid, cmd.c_str(), &actions, &attr, argv.data(), envp.data())
               : ::posix_spawn(&pid, cmd.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc == ENOENT || rc == ENOTDIR) {
    return Status::NotFound(Quoted(cmd) + ": executable file not found");
  }
  if (rc == EACCES) return Status::PermissionDenied(Quoted(cmd) + ": permission denied");
  if (rc != 0) return SysError(cmd, "spawn", rc);

  // The child holds its ends now; ours must be closed so EOF arrives when it exits.
  stdin_read.Close();
  stdout_write.Close();
  stderr_write.Close();

  ScopedBlockSigpipe no_sigpipe;
  SetNonBlocking(stdout_read.get());
  SetNonBlocking(stderr_read.get());
  size_t stdin_offset = 0;
  if (stdin_write.get() >= 0) {
    SetNonBlocking(stdin_write.get());
    if (opts.stdin_text->empty()) stdin_write.Close();
  }

  SubprocessResult result;
  const bool has_deadline = opts.timeout.count() > 0;
  const Clock::time_point deadline = Clock::now() + opts.timeout;
  char buf[65536];
  while (stdout_read.get() >= 0 || stderr_read.get() >= 0) {
    if (opts.stop.stop_requested()) {
      KillAndReap(pid);
      return Status::Cancelled(Quoted(cmd) + ": cancelled");
    }
    int wait_ms = -1;
    if (has_deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        KillAndReap(pid);
        return TimedOut(cmd, opts, result);
      }
      wait_ms = static_cast<int>(std::min<int64_t>(left.count() + 1, 1 << 30));
    }
    if (opts.stop.stop_possible()) wait_ms = wait_ms < 0 ? 100 : std::min(wait_ms, 100);

    pollfd fds[3];
    int n = 0;
    int out_idx = -1, err_idx = -1, in_idx = -1;
    if (stdout_read.get() >= 0) {
      out_idx = n;
      fds[n++] = {stdout_read.get(), POLLIN, 0};
    }
    if (stderr_read.get() >= 0) {
      err_idx = n;
      fds[n++] = {stderr_read.get(), POLLIN, 0};
    }
    if (stdin_write.get() >= 0) {
      in_idx = n;
      fds[n++] = {stdin_write.get(), POLLOUT, 0};
    }
    int ready = ::poll(fds, n, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      KillAndReap(pid);
      return SysError(cmd, "poll", err);
    }
    if (ready == 0) continue;

    if (in_idx >= 0 && fds[in_idx].revents != 0) {
      const std::string& text = *opts.stdin_text;
      ssize_t w = ::write(stdin_write.get(), text.data() + stdin_offset, text.size() - stdin_offset);
      if (w > 0) stdin_offset += static_cast<size_t>(w);
      // Done, or the child closed its stdin (EPIPE): either way nothing more goes in.
      if (stdin_offset == text.size() || (w < 0 && errno != EAGAIN && errno != EINTR)) stdin_write.Close();
    }
    if (out_idx >= 0 && fds[out_idx].revents != 0) {
      ssize_t r = ::read(stdout_read.get(), buf, sizeof buf);
      if (r > 0) {
        if (result.stdout_text.size() + static_cast<size_t>(r) > opts.max_stdout_bytes) {
          KillAndReap(pid);
          return Status::InvalidArgument(Quoted(cmd) + ": output exceeds " +
                                         std::to_string(opts.max_stdout_bytes) + " bytes");
        }
        result.stdout_text.append(buf, static_cast<size_t>(r));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        stdout_read.Close();
      }
    }
    if (err_idx >= 0 && fds[err_idx].revents != 0) {
      ssize_t r = ::read(stderr_read.get(), buf, sizeof buf);
      if (r > 0) {
        result.stderr_text.append(buf, static_cast<size_t>(r));
        // Keep the end; trim in big steps so long chatter stays linear.
        if (result.stderr_text.size() > 2 * opts.max_stderr_bytes + sizeof buf) {
          result.stderr_text.erase(0, result.stderr_text.size() - opts.max_stderr_bytes);
        }
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        stderr_read.Close();
      }
    }
  }
  stdin_write.Close();
  if (result.stderr_text.size() > opts.max_stderr_bytes) {
    result.stderr_text.erase(0, result.stderr_text.size() - opts.max_stderr_bytes);
  }

  // Both streams are closed; the child has exited or is about to. Still honour the deadline.
  int status = 0;
  while (true) {
    pid_t w = ::waitpid(pid, &status, has_deadline || opts.stop.stop_possible() ? WNOHANG : 0);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return SysError(cmd, "waitpid", errno);
    if (w == 0) {
      if (opts.stop.stop_requested()) {
        KillAndReap(pid);
        return Status::Cancelled(Quoted(cmd) + ": cancelled");
      }
      if (has_deadline && Clock::now() >= deadline) {
        KillAndReap(pid);
        return TimedOut(cmd, opts, result);
      }
      ::usleep(2000);
    }
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace capstan::base
