// Copyright 2026 The capstan Authors.
//
// Real Git servers on free loopback ports for the source_*_test.cc cluster tests (they need no
// Kubernetes; they are `cluster`-labelled because they start daemons):
//   GitDaemon   `git daemon --export-all --base-path` (git:// protocol)
//   HttpsGit    lighttpd + mod_openssl + basic auth (mod_authn_file) + `git http-backend` as CGI, with
//               a throwaway CA and server certificate made by the openssl CLI
//   SshGit      OpenSSH's sshd as a test daemon: its own config, ed25519 host key, authorized_keys
//   SilentServer a TCP listener that accepts connections and never answers (a hanging server)
// plus a work tree pushing to a bare repository, and a scratch directory.
//
// Every daemon runs in a process group of its own and is killed (SIGTERM, then SIGKILL) by its
// destructor. A daemon that fails to start fails the test with its log, never skips it.
//
// Thread safety: thread-compatible (one test at a time).

#ifndef CAPSTAN_TESTS_CLUSTER_SOURCE_TEST_UTIL_H_
#define CAPSTAN_TESTS_CLUSTER_SOURCE_TEST_UTIL_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "base/subprocess.h"
#include "source/repository.h"

extern char** environ;

namespace capstan::source_testing {

namespace fs = std::filesystem;

// A fresh directory under /tmp, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/capstan-src-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& content, fs::perms perms = fs::perms::none) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
  if (perms != fs::perms::none) fs::permissions(path, perms);
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a command; fails the test (not fatally) when it does not exit 0. Returns stdout, trimmed.
inline std::string RunCmd(std::vector<std::string> argv, const std::map<std::string, std::string>& env = {},
                       const std::string& cwd = "") {
  base::SubprocessOptions o;
  o.argv = std::move(argv);
  o.env = env;
  o.working_dir = cwd;
  o.timeout = std::chrono::seconds(60);
  auto r = base::RunSubprocess(o);
  EXPECT_TRUE(r.ok() && r->success()) << o.argv[0] << " " << (o.argv.size() > 1 ? o.argv[1] : "") << ": "
                                      << (r.ok() ? r->Describe() + ": " + r->StderrTail() : r.status().ToString());
  std::string out = r.ok() ? r->stdout_text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// A port on 127.0.0.1 that was free a moment ago.
inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

inline bool PortAnswers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// A background process in its own process group, output to |log|, killed on destruction.
class Daemon {
 public:
  Daemon() = default;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  ~Daemon() { Stop(); }

  // Starts |argv| and waits until |port| accepts connections. Returns false (with a test failure
  // carrying the log) when the process dies or the port stays closed for 10 s.
  // |port| <= 0: ready when |ready_text| appears in the log instead.
  bool Start(const std::vector<std::string>& argv, const std::string& log, int port,
             const std::map<std::string, std::string>& extra_env = {}, const std::string& ready_text = "") {
    log_ = log;
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    for (const auto& [k, v] : extra_env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t parent = ::getpid();
    // fork + exec rather than posix_spawn: the child asks to be killed when the test process dies
    // (PR_SET_PDEATHSIG), so a crashed test leaves no daemon behind. Only async-signal-safe calls
    // between fork and exec.
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      ::dup2(null_fd, 0);
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
      ::execvpe(cargv[0], cargv.data(), envp.data());
      ::_exit(127);
    }
    ::close(log_fd);
    ::close(null_fd);
    if (pid_ < 0) {
      ADD_FAILURE() << "cannot start " << argv[0] << ": " << strerror(errno);
      pid_ = -1;
      return false;
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (port > 0 ? PortAnswers(port) : ReadFile(log).find(ready_text) != std::string::npos) return true;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        ADD_FAILURE() << argv[0] << " exited during start-up; its log:\n" << ReadFile(log);
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << argv[0] << (port > 0 ? " did not listen on port " + std::to_string(port) : " did not log " + ready_text)
                  << " within 10s; its log:\n" << ReadFile(log);
    return false;
  }

  void Stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        ::kill(-pid_, SIGKILL);  // anything the daemon forked that outlived it
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // SIGKILL to the daemon's process group, and reaps it (a crash, as a killed Pod or machine would).
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // Waits (≤ |timeout|) for the daemon to exit by itself: its exit code (128 + n when killed by
  // signal n), or nullopt while it still runs.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return std::nullopt;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        ::kill(-pid_, SIGKILL);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  bool running() const { return pid_ > 0; }
  const std::string& log() const { return log_; }

 private:
  pid_t pid_ = -1;
  std::string log_;
};

// `git` with a fixed identity and no user or system configuration.
inline std::string GitCmd(const std::string& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {"git", "-C", dir, "-c", "user.name=capstan-test", "-c", "user.email=t@example.com",
                                   "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCmd(argv, {{"GIT_CONFIG_NOSYSTEM", "1"}, {"GIT_CONFIG_GLOBAL", "/dev/null"}});
}

// A bare repository |base|/<name>.git and a work tree that pushes to it.
class RepoFixture {
 public:
  RepoFixture(const std::string& base, const std::string& name) {
    bare_ = base + "/" + name + ".git";
    work_ = base + "/work-" + name;
    fs::create_directories(work_);
    GitCmd(base, {"init", "-q", "--bare", bare_});
    GitCmd(work_, {"init", "-q"});
    GitCmd(work_, {"remote", "add", "origin", bare_});
  }
  const std::string& bare() const { return bare_; }
  const std::string& work() const { return work_; }
  void Write(const std::string& rel, const std::string& content) { WriteFile(work_ + "/" + rel, content); }
  void Symlink(const std::string& rel, const std::string& target) {
    fs::create_directories(fs::path(work_ + "/" + rel).parent_path());
    fs::create_symlink(target, work_ + "/" + rel);
  }
  // Commits everything and pushes main (and tags); returns the commit SHA.
  std::string CommitAndPush(const std::string& msg) {
    GitCmd(work_, {"add", "-A"});
    GitCmd(work_, {"commit", "-q", "-m", msg});
    GitCmd(work_, {"push", "-q", "origin", "main", "--tags"});
    return GitCmd(work_, {"rev-parse", "HEAD"});
  }
  void Tag(const std::string& name, bool annotated = false) {
    if (annotated) {
      GitCmd(work_, {"tag", "-a", name, "-m", name});
    } else {
      GitCmd(work_, {"tag", name});
    }
    GitCmd(work_, {"push", "-q", "origin", "--tags"});
  }

 private:
  std::string bare_, work_;
};

inline std::string ConfigMapYaml(const std::string& name, const std::string& extra = "") {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  key: value" + extra + "\n";
}

// `git daemon` serving every repository under |base_path|.
class GitDaemon {
 public:
  bool Start(const std::string& base_path, const std::string& scratch) {
    port_ = FreePort();
    return daemon_.Start({"git", "daemon", "--export-all", "--reuseaddr", "--informative-errors",
                          "--base-path=" + base_path, "--listen=127.0.0.1", "--port=" + std::to_string(port_),
                          base_path},
                         scratch + "/git-daemon.log", port_);
  }
  // git://127.0.0.1:<port>/<name>.git
  std::string Url(const std::string& name) const { return "git://127.0.0.1:" + std::to_string(port_) + "/" + name + ".git"; }
  int port() const { return port_; }

 private:
  int port_ = 0;
  Daemon daemon_;
};

// Smart HTTPS: lighttpd with TLS (a CA of its own), basic auth, and git http-backend.
class HttpsGit {
 public:
  bool Start(const std::string& project_root, const std::string& scratch, const std::string& user,
             const std::string& password) {
    dir_ = scratch + "/https";
    fs::create_directories(dir_ + "/www");
    std::string ca_key = dir_ + "/ca.key", ca = dir_ + "/ca.pem", key = dir_ + "/server.key", csr = dir_ + "/server.csr",
                crt = dir_ + "/server.pem", ext = dir_ + "/ext.cnf";
    RunCmd({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
         ca_key, "-out", ca, "-days", "2", "-subj", "/CN=capstan test CA"});
    RunCmd({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
         csr, "-subj", "/CN=127.0.0.1"});
    WriteFile(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    RunCmd({"openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", crt, "-days",
         "2", "-extfile", ext});
    ca_pem_ = ReadFile(ca);
    WriteFile(dir_ + "/users", user + ":" + password + "\n", fs::perms::owner_read | fs::perms::owner_write);
    port_ = FreePort();
    std::ostringstream conf;
    conf << "server.document-root = \"" << dir_ << "/www\"\n"
         << "server.bind = \"127.0.0.1\"\n"
         << "server.port = " << port_ << "\n"
         << "server.errorlog = \"" << dir_ << "/error.log\"\n"
         << "server.modules += ( \"mod_auth\", \"mod_authn_file\", \"mod_cgi\", \"mod_openssl\", \"mod_setenv\", "
            "\"mod_alias\" )\n"
         << "ssl.engine = \"enable\"\n"
         << "ssl.pemfile = \"" << crt << "\"\n"
         << "ssl.privkey = \"" << key << "\"\n"
         << "alias.url = ( \"/git\" => \"/usr/lib/git-core/git-http-backend\" )\n"
         << "cgi.assign = ( \"\" => \"\" )\n"
         << "setenv.add-environment = ( \"GIT_PROJECT_ROOT\" => \"" << project_root
         << "\", \"GIT_HTTP_EXPORT_ALL\" => \"\", \"GIT_CONFIG_NOSYSTEM\" => \"1\" )\n"
         << "auth.backend = \"plain\"\n"
         << "auth.backend.plain.userfile = \"" << dir_ << "/users\"\n"
         << "auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"git\", \"require\" => \"valid-user\" ) )\n";
    WriteFile(dir_ + "/lighttpd.conf", conf.str());
    return daemon_.Start({"lighttpd", "-D", "-f", dir_ + "/lighttpd.conf"}, dir_ + "/lighttpd.out", port_);
  }
  // https://127.0.0.1:<port>/git/<name>.git
  std::string Url(const std::string& name) const {
    return "https://127.0.0.1:" + std::to_string(port_) + "/git/" + name + ".git";
  }
  const std::string& ca_pem() const { return ca_pem_; }
  std::string logs() const { return ReadFile(dir_ + "/error.log") + ReadFile(dir_ + "/lighttpd.out"); }

 private:
  std::string dir_;
  std::string ca_pem_;
  int port_ = 0;
  Daemon daemon_;
};

// OpenSSH as a test daemon: its own sshd_config, ed25519 host key and authorized_keys; logins as the
// user running the test, with the client key it generates.
class SshGit {
 public:
  bool Start(const std::string& scratch) {
    dir_ = scratch + "/ssh";
    fs::create_directories(dir_);
    if (::geteuid() == 0) fs::create_directories("/run/sshd");  // sshd's privilege separation directory
    RunCmd({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", dir_ + "/host_key"});
    RunCmd({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", dir_ + "/client_key"});
    RunCmd({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", dir_ + "/other_key"});
    WriteFile(dir_ + "/authorized_keys", ReadFile(dir_ + "/client_key.pub"));
    port_ = FreePort();
    std::ostringstream conf;
    conf << "Port " << port_ << "\nListenAddress 127.0.0.1\nHostKey " << dir_ << "/host_key\nPidFile " << dir_
         << "/sshd.pid\nAuthorizedKeysFile " << dir_ << "/authorized_keys\n"
         << "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\nUsePAM no\n"
         << "StrictModes no\nPermitRootLogin prohibit-password\nLogLevel VERBOSE\n";
    WriteFile(dir_ + "/sshd_config", conf.str());
    // The host key line as ssh-keyscan would print it.
    std::string pub = ReadFile(dir_ + "/host_key.pub");
    known_hosts_ = "[127.0.0.1]:" + std::to_string(port_) + " " + pub.substr(0, pub.find_last_not_of(" \n") + 1) + "\n";
    return daemon_.Start({"/usr/sbin/sshd", "-D", "-e", "-f", dir_ + "/sshd_config"}, dir_ + "/sshd.log", port_);
  }
  // ssh://<user>@127.0.0.1:<port><absolute path>
  std::string Url(const std::string& abs_path) const {
    const char* user = std::getenv("USER");
    std::string u = user && *user ? user : (::geteuid() == 0 ? "root" : "git");
    return "ssh://" + u + "@127.0.0.1:" + std::to_string(port_) + abs_path;
  }
  std::string client_key() const { return ReadFile(dir_ + "/client_key"); }
  std::string other_key() const { return ReadFile(dir_ + "/other_key"); }
  const std::string& known_hosts() const { return known_hosts_; }
  // A known_hosts line for this server's address with a different key.
  std::string wrong_known_hosts() const {
    std::string pub = ReadFile(dir_ + "/other_key.pub");
    return "[127.0.0.1]:" + std::to_string(port_) + " " + pub.substr(0, pub.find_last_not_of(" \n") + 1) + "\n";
  }
  std::string host_fingerprint() const {
    std::string out = RunCmd({"ssh-keygen", "-l", "-E", "sha256", "-f", dir_ + "/host_key.pub"});
    size_t a = out.find("SHA256:");
    return a == std::string::npos ? "" : out.substr(a, out.find(' ', a) - a);
  }
  int port() const { return port_; }
  std::string log() const { return ReadFile(dir_ + "/sshd.log"); }

 private:
  std::string dir_;
  std::string known_hosts_;
  int port_ = 0;
  Daemon daemon_;
};

// Accepts TCP connections on a free port and never sends a byte (a server that hangs).
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 16);
    thread_ = std::thread([this] {
      for (;;) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;  // shut down
        if (stop_) {
          ::close(c);
          return;
        }
        clients_.push_back(c);  // held open, silent
      }
    });
  }
  ~SilentServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    for (int c : clients_) ::close(c);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<int> clients_;
  std::thread thread_;
};

// The fixture of the source_* cluster tests: a scratch directory, a cache directory of its own,
// and every line capstan logs during the test captured (LogText()).
class SourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_ = scratch_ / "cache";
    previous_logger_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    auto logger = std::make_shared<spdlog::logger>("source-test", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  void TearDown() override { spdlog::set_default_logger(previous_logger_); }

  source::RepositoryOptions Options() const {
    source::RepositoryOptions o;
    o.cache_dir = cache_;
    o.fetch_timeout = std::chrono::seconds(30);
    return o;
  }
  std::unique_ptr<source::Repository> Open(const std::string& url, const source::Credentials& creds = {}) {
    auto r = source::Repository::Open(url, creds, Options());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }
  std::string LogText() {
    spdlog::default_logger()->flush();
    return log_.str();
  }

  ScratchDir scratch_;
  std::string cache_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_logger_;
};

}  // namespace capstan::source_testing

#endif  // CAPSTAN_TESTS_CLUSTER_SOURCE_TEST_UTIL_H_
