// Copyright 2026 The capstan Authors.

#include "diff/jq_eval.h"

extern "C" {
#include <jq.h>
}

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

namespace capstan::diff {

namespace {

// The protocol. Parent → worker: "<n>\n" then n bytes of JSON. Worker → parent, one record a line:
// "S<i>" when expression i starts, then "R<json>" (the result) or "E<i> <message>" (expression i
// failed). jq 1.6 compiles its builtins with every program (~0.1 s), so a worker compiles its
// expressions once and then serves many values.

bool WriteAll(int fd, std::string_view s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

void CollectError(void* data, jv msg) {
  auto* out = static_cast<std::string*>(data);
  jv text = jq_format_error(jv_copy(msg));
  if (jv_get_kind(text) == JV_KIND_STRING) {
    if (!out->empty()) *out += "; ";
    *out += jv_string_value(text);
  }
  jv_free(text);
  jv_free(msg);
}

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

std::string TakeMessage(jv invalid) {
  jv msg = jv_invalid_get_msg(invalid);
  std::string out;
  if (jv_get_kind(msg) == JV_KIND_STRING) {
    out = jv_string_value(msg);
    jv_free(msg);
  } else {
    jv text = jv_dump_string(msg, 0);
    out = jv_string_value(text);
    jv_free(text);
  }
  return out;
}

// Evaluates one value through every program; the reply records.
std::string Evaluate(std::vector<jq_state*>& programs, const std::vector<std::string>& compile_errors,
                     const std::string& input) {
  std::string reply;
  jv value = jv_parse(input.c_str());
  for (size_t i = 0; i < programs.size(); ++i) {
    WriteAll(1, "S" + std::to_string(i) + "\n");
    std::string prefix = "E" + std::to_string(i) + " ";
    if (!compile_errors[i].empty()) {
      jv_free(value);
      return prefix + OneLine(compile_errors[i]) + "\n";
    }
    jq_start(programs[i], value, 0);
    jv result = jv_invalid();
    int count = 0;
    jv out;
    while (jv_is_valid(out = jq_next(programs[i]))) {
      if (++count == 1) {
        result = out;
      } else {
        jv_free(out);
      }
    }
    std::string error = jv_invalid_has_msg(jv_copy(out)) ? TakeMessage(out) : (jv_free(out), "");
    if (!error.empty() || count != 1) {
      jv_free(result);
      if (!error.empty()) return prefix + OneLine(error) + "\n";
      if (count == 0) return prefix + "yields no value, expected one\n";
      return prefix + "yields " + std::to_string(count) + " values, expected one\n";
    }
    value = result;
  }
  jv text = jv_dump_string(value, 0);
  reply = std::string("R") + jv_string_value(text) + "\n";
  jv_free(text);
  return reply;
}

[[noreturn]] void WorkerMain(const std::vector<std::string>& exprs) {
  std::vector<jq_state*> programs;
  std::vector<std::string> compile_errors;
  for (const std::string& e : exprs) {
    std::string errors;
    jq_state* jq = jq_init();
    jq_set_error_cb(jq, CollectError, &errors);
    std::string program = "del(" + e + ")";
    if (!jq_compile(jq, program.c_str()) && errors.empty()) errors = "does not compile";
    jq_set_error_cb(jq, nullptr, nullptr);
    programs.push_back(jq);
    compile_errors.push_back(errors);
  }
  std::string buf;
  char chunk[65536];
  for (;;) {
    size_t nl;
    while ((nl = buf.find('\n')) == std::string::npos || buf.size() < nl + 1 + std::strtoul(buf.c_str(), nullptr, 10)) {
      ssize_t n = read(0, chunk, sizeof(chunk));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) _exit(0);  // the parent is gone or done with us
      buf.append(chunk, static_cast<size_t>(n));
    }
    size_t len = std::strtoul(buf.c_str(), nullptr, 10);
    std::string input = buf.substr(nl + 1, len);
    buf.erase(0, nl + 1 + len);
    if (!WriteAll(1, Evaluate(programs, compile_errors, input))) _exit(0);
  }
}

// A worker process for one list of expressions.
class Worker {
 public:
  static base::Result<std::unique_ptr<Worker>> Start(const std::vector<std::string>& exprs) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return base::Status::Internal(std::string("jq: pipe: ") + std::strerror(errno));
    if (pipe2(out, O_CLOEXEC) != 0) {
      close(in[0]);
      close(in[1]);
      return base::Status::Internal(std::string("jq: pipe: ") + std::strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0) {
      for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
      return base::Status::Internal(std::string("jq: fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
      // Only the two pipe ends stay open: the parent's sockets and files are not the worker's.
      dup2(in[0], 0);
      dup2(out[1], 1);
      syscall(SYS_close_range, 3u, ~0u, 0u);
      WorkerMain(exprs);
    }
    close(in[0]);
    close(out[1]);
    auto w = std::make_unique<Worker>();
    w->pid_ = pid;
    w->to_ = in[1];
    w->from_ = out[0];
    return w;
  }

  ~Worker() {
    close(to_);
    close(from_);
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }

  // The verdict line for |input|; kTimeout (with the running expression's index in |started|) when
  // one expression takes longer than |timeout|, kInternal when the worker died.
  base::Result<std::string> Run(const std::string& input, std::chrono::milliseconds timeout, size_t& started) {
    signal(SIGPIPE, SIG_IGN);  // a dead worker is an error here, not the end of the process
    if (!WriteAll(to_, std::to_string(input.size()) + "\n" + input)) {
      return base::Status::Internal("the jq worker process ended");
    }
    std::string got;
    size_t parsed = 0;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[65536];
    for (;;) {
      for (size_t end; (end = got.find('\n', parsed)) != std::string::npos; parsed = end + 1) {
        if (got[parsed] == 'S') {
          started = std::strtoul(got.c_str() + parsed + 1, nullptr, 10);
          deadline = std::chrono::steady_clock::now() + timeout;  // each expression has its own limit
        } else {
          return got.substr(parsed, end - parsed);
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return base::Status::Timeout("timeout");
      pollfd p{from_, POLLIN, 0};
      int r = poll(&p, 1, static_cast<int>(left.count()));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) continue;
      ssize_t n = read(from_, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return base::Status::Internal("the jq worker process ended");
      got.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
};

struct Pool {
  std::mutex mu;
  std::map<std::vector<std::string>, std::unique_ptr<Worker>> idle;  // one idle worker per list
};

Pool& ThePool() {
  static auto* pool = new Pool;  // never destroyed: workers end when the process does
  return *pool;
}

std::string Named(const std::vector<std::string>& exprs, size_t i) {
  return "jq path expression '" + (i < exprs.size() ? exprs[i] : std::string("?")) + "'";
}

}  // namespace

base::Result<base::Json> JqDelete(const base::Json& value, const std::vector<std::string>& exprs,
                                  std::chrono::milliseconds timeout) {
  if (exprs.empty()) return value;
  std::unique_ptr<Worker> worker;
  {
    std::lock_guard<std::mutex> lock(ThePool().mu);
    auto it = ThePool().idle.find(exprs);
    if (it != ThePool().idle.end()) {
      worker = std::move(it->second);
      ThePool().idle.erase(it);
    }
  }
  if (!worker) {
    CAPSTAN_ASSIGN_OR_RETURN(worker, Worker::Start(exprs));
  }
  size_t started = 0;
  auto verdict = worker->Run(value.dump(), timeout, started);
  if (!verdict.ok()) {
    // A worker that timed out or died is not reused (its destructor kills it).
    if (verdict.status().code() == base::StatusCode::kTimeout) {
      return base::Status::Timeout(Named(exprs, started) + " did not finish within " + std::to_string(timeout.count()) +
                                   " ms");
    }
    return verdict.status().Annotate(Named(exprs, started));
  }
  {
    std::lock_guard<std::mutex> lock(ThePool().mu);
    ThePool().idle.try_emplace(exprs, std::move(worker));
  }
  if (!verdict->empty() && (*verdict)[0] == 'R') return base::ParseJson(verdict->substr(1), "jq result");
  size_t space = verdict->find(' ');
  size_t i = std::strtoul(verdict->c_str() + 1, nullptr, 10);
  return base::Status::InvalidArgument(Named(exprs, i) + ": " +
                                       (space == std::string::npos ? "failed" : verdict->substr(space + 1)));
}

}  // namespace capstan::diff
