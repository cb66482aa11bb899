// Copyright 2026 The capstan Authors.

#include "source/git_fetch.h"

#include <git2.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "base/log.h"
#include "source/git_url.h"
#include "source/known_hosts.h"
#include "source/timed_socket.h"
#include "source/tls_verify.h"

namespace capstan::source {

namespace {

using Clock = std::chrono::steady_clock;

// Expires |deadline| (shutting its sockets down) when its time comes, unless destroyed first.
class Watchdog {
 public:
  explicit Watchdog(SocketDeadline* deadline) : deadline_(deadline) {
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> l(mu_);
      if (!cv_.wait_until(l, deadline_->deadline(), [&] { return done_; })) deadline_->Expire();
    });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> l(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  SocketDeadline* deadline_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

struct CallbackState {
  const FetchSpec* spec = nullptr;
  RepoUrl url;
  Clock::time_point deadline;
  int userpass_attempts = 0;
  int ssh_key_attempts = 0;
  base::Status error;  // set by a callback that refused; wins over libgit2's message

  bool Expired() {
    if (Clock::now() < deadline) return false;
    if (error.ok()) error = TimeoutStatus();
    return true;
  }
  base::Status TimeoutStatus() const {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(spec->timeout).count();
    return base::Status::Timeout("fetch " + spec->display_url + ": timed out after " + std::to_string(secs) + "s");
  }
  int Fail(base::Status s) {
    if (error.ok()) error = std::move(s);
    return GIT_EUSER;
  }
};

int AcquireCredentials(git_credential** out, const char* /*url*/, const char* user_from_url, unsigned int allowed,
                       void* payload) {
  auto* st = static_cast<CallbackState*>(payload);
  if (st->Expired()) return GIT_EUSER;
  const Credentials& c = *st->spec->credentials;
  std::string user = user_from_url && *user_from_url ? user_from_url : c.username;
  const std::string& where = st->spec->display_url;
  if (allowed & GIT_CREDENTIAL_USERNAME) {
    return git_credential_username_new(out, user.empty() ? "git" : user.c_str());
  }
  if ((allowed & (GIT_CREDENTIAL_SSH_MEMORY | GIT_CREDENTIAL_SSH_KEY)) && !c.ssh_private_key.empty()) {
    if (st->ssh_key_attempts++ > 0) {
      return st->Fail(base::Status::Unauthenticated("fetch " + where + ": authentication failed: the server refused the SSH key for user \"" +
                                                    (user.empty() ? "git" : user) + "\""));
    }
    if (!(allowed & GIT_CREDENTIAL_SSH_MEMORY)) {
      return st->Fail(base::Status::Internal("fetch " + where + ": this libgit2 cannot use an in-memory SSH key"));
    }
    return git_credential_ssh_key_memory_new(out, user.empty() ? "git" : user.c_str(), nullptr,
                                             c.ssh_private_key.c_str(), nullptr);
  }
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && (!c.username.empty() || !c.password.empty())) {
    if (st->userpass_attempts++ > 0) {
      return st->Fail(base::Status::Unauthenticated("fetch " + where + ": authentication failed for user \"" +
                                                    c.username + "\""));
    }
    return git_credential_userpass_plaintext_new(out, c.username.c_str(), c.password.c_str());
  }
  std::string kinds;
  if (allowed & (GIT_CREDENTIAL_SSH_KEY | GIT_CREDENTIAL_SSH_MEMORY)) kinds = "an SSH private key";
  if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) kinds += std::string(kinds.empty() ? "" : " or ") + "a username and password";
  return st->Fail(base::Status::Unauthenticated("fetch " + where + ": the server requires " +
                                                (kinds.empty() ? std::string("credentials") : kinds) +
                                                " and none is configured for this repository"));
}

int CheckCertificate(git_cert* cert, int valid, const char* /*host*/, void* payload) {
  auto* st = static_cast<CallbackState*>(payload);
  if (st->Expired()) return GIT_EUSER;
  const Credentials& c = *st->spec->credentials;
  const std::string& where = st->spec->display_url;
  if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2) {
    if (c.insecure) return 0;
    auto* hk = reinterpret_cast<git_cert_hostkey*>(cert);
    if (!(hk->type & GIT_CERT_SSH_RAW) || hk->hostkey == nullptr) {
      return st->Fail(base::Status::FailedPrecondition("fetch " + where + ": ssh: the server's host key cannot be read"));
    }
    std::string_view key(hk->hostkey, hk->hostkey_len);
    int port = st->url.EffectivePort();
    std::string name = KnownHostsName(st->url.host, port);
    std::string desc = SshKeyType(key) + " key " + SshFingerprint(key);
    switch (CheckHostKey(c.ssh_known_hosts, st->url.host, port, key)) {
      case HostKeyMatch::kMatch:
        return 0;
      case HostKeyMatch::kMismatch:
        return st->Fail(base::Status::FailedPrecondition(
            "fetch " + where + ": ssh: host key for " + name + " does not match known_hosts (server offered " + desc +
            "); refusing to connect: the key changed or someone is intercepting the connection"));
      case HostKeyMatch::kUnknown:
        return st->Fail(base::Status::FailedPrecondition(
            "fetch " + where + ": ssh: unknown host " + name + " (" + desc +
            "): it is not in known_hosts; add its key (ssh-keyscan -p " + std::to_string(port) + " " + st->url.host + ")"));
    }
  }
  if (cert->cert_type == GIT_CERT_X509) {
    if (valid || c.insecure) return 0;
    auto* x = reinterpret_cast<git_cert_x509*>(cert);
    if (c.tls_ca_pem.empty()) {
      return st->Fail(base::Status::FailedPrecondition(
          "fetch " + where + ": TLS: the certificate of " + st->url.host +
          " is not trusted by the system CAs; configure the repository's CA or set insecure"));
    }
    base::Status s = VerifyServerCertificate(std::string_view(static_cast<const char*>(x->data), x->len),
                                             st->url.host, c.tls_ca_pem);
    if (s.ok()) return 0;
    return st->Fail(s.Annotate("fetch " + where));
  }
  return GIT_PASSTHROUGH;
}

int OnSideband(const char*, int, void* payload) {
  return static_cast<CallbackState*>(payload)->Expired() ? GIT_EUSER : 0;
}

int OnTransfer(const git_indexer_progress*, void* payload) {
  return static_cast<CallbackState*>(payload)->Expired() ? GIT_EUSER : 0;
}

bool Contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

base::Status MapGitError(int code, const CallbackState& st) {
  const Credentials& c = *st.spec->credentials;
  std::string msg = LastGitError("unknown error", c.password);
  if (!c.bearer_token.empty()) {
    for (size_t p; (p = msg.find(c.bearer_token)) != std::string::npos;) msg.replace(p, c.bearer_token.size(), "***");
  }
  std::string head = "fetch " + st.spec->display_url + ": ";
  if (code == GIT_EAUTH) return base::Status::Unauthenticated(head + "authentication failed: " + msg);
  if (code == GIT_ECERTIFICATE) return base::Status::FailedPrecondition(head + "TLS: " + msg);
  if (Contains(msg, "status code: 404") || Contains(msg, "does not appear to be a git repository") ||
      Contains(msg, "could not find repository") || Contains(msg, "repository not found") ||
      Contains(msg, "failed to resolve path")) {
    return base::Status::NotFound(head + "repository not found: " + msg);
  }
  if (Contains(msg, "status code: 401") || Contains(msg, "status code: 403")) {
    return base::Status::Unauthenticated(head + "authentication failed: " + msg);
  }
  return base::Status::Unavailable(head + msg);
}

}  // namespace

void EnsureLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    if (!RegisterTimedSocketStream()) {
      int major = 0, minor = 0, rev = 0;
      git_libgit2_version(&major, &minor, &rev);
      CAPSTAN_LOG_WARN("libgit2 {}.{}.{}: fetch deadlines only bound transfers, not a silent server", major, minor, rev);
    }
  });
}

std::string LastGitError(std::string_view fallback, std::string_view secret) {
  const git_error* e = git_error_last();
  std::string msg = (e && e->message) ? e->message : std::string(fallback);
  if (!secret.empty()) {
    for (size_t p; (p = msg.find(secret)) != std::string::npos;) msg.replace(p, secret.size(), "***");
  }
  return msg;
}

base::Status FetchRemote(git_repository* repo, const FetchSpec& spec) {
  EnsureLibgit2();
  static const Credentials kNone;
  FetchSpec s = spec;
  if (s.credentials == nullptr) s.credentials = &kNone;
  CallbackState st;
  st.spec = &s;
  auto parsed = ParseRepoUrl(s.url);
  if (!parsed.ok()) return parsed.status();
  st.url = *parsed;
  st.deadline = Clock::now() + s.timeout;
  if (st.url.scheme == "file" && !st.url.path.empty() && ::access(st.url.path.c_str(), F_OK) != 0) {
    // libgit2 reports a missing local path as "unsupported URL protocol".
    return base::Status::NotFound("fetch " + s.display_url + ": repository not found: " + st.url.path +
                                  " does not exist");
  }

  // SKIP_INSTEADOF: libgit2 1.5.1 (git_regexp_match with PCRE2) leaks its match data (~20 KiB, the
  // PCRE2 heap frames) for every config entry that does not match `url.*.insteadof`, and
  // git_remote_create_anonymous looks them up twice per remote — about 40 KiB per fetch, which made a
  // controller grow by hundreds of MiB (bench/README.md, controller-apps). The URL is fetched as given,
  // whatever url.<base>.insteadOf a Git config on the host holds (credentials match that URL anyway).
  git_remote_create_options create_opts;
  git_remote_create_options_init(&create_opts, GIT_REMOTE_CREATE_OPTIONS_VERSION);
  create_opts.repository = repo;
  create_opts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
  git_remote* remote = nullptr;
  if (git_remote_create_with_opts(&remote, s.url.c_str(), &create_opts) != 0) {
    return base::Status::InvalidArgument("fetch " + s.display_url + ": " + LastGitError("bad remote URL"));
  }
  std::unique_ptr<git_remote, void (*)(git_remote*)> remote_guard(remote, git_remote_free);

  git_fetch_options opts;
  git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
  opts.callbacks.credentials = AcquireCredentials;
  opts.callbacks.certificate_check = CheckCertificate;
  opts.callbacks.sideband_progress = OnSideband;
  opts.callbacks.transfer_progress = OnTransfer;
  opts.callbacks.payload = &st;
  opts.prune = GIT_FETCH_PRUNE;
  opts.update_fetchhead = 0;
  opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;  // tags come through the explicit refspec
  opts.follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
  std::string proxy = s.credentials->proxy;
  if (!proxy.empty()) {
    opts.proxy_opts.type = GIT_PROXY_SPECIFIED;
    opts.proxy_opts.url = proxy.c_str();
    opts.proxy_opts.certificate_check = CheckCertificate;
    opts.proxy_opts.payload = &st;
  }
  std::string bearer_header;
  char* header_ptr = nullptr;
  if (!s.credentials->bearer_token.empty()) {
    bearer_header = "Authorization: Bearer " + s.credentials->bearer_token;
    header_ptr = bearer_header.data();
    opts.custom_headers.strings = &header_ptr;
    opts.custom_headers.count = 1;
  }

  std::vector<const char*> refspecs;
  for (const std::string& r : s.refspecs) refspecs.push_back(r.c_str());
  git_strarray specs{const_cast<char**>(refspecs.data()), refspecs.size()};

  int rc;
  auto sockets = std::make_shared<SocketDeadline>(st.deadline);
  {
    ScopedSocketDeadline scope(sockets);
    Watchdog watchdog(sockets.get());
    rc = git_remote_fetch(remote, &specs, &opts, "capstan fetch");
  }
  if (rc != 0) {
    if (!st.error.ok() && st.error.code() != base::StatusCode::kTimeout) return st.error;
    if (sockets->expired() || Clock::now() >= st.deadline) return st.TimeoutStatus();
    if (!st.error.ok()) return st.error;
    return MapGitError(rc, st);
  }

  // The remote's HEAD, for targetRevision "HEAD" (Argo CD resolves it with ls-remote).
  const git_remote_head** heads = nullptr;
  size_t n = 0;
  if (git_remote_ls(&heads, &n, remote) == 0) {
    for (size_t i = 0; i < n; ++i) {
      if (std::string_view(heads[i]->name) != "HEAD") continue;
      git_object* obj = nullptr;
      if (git_object_lookup(&obj, repo, &heads[i]->oid, GIT_OBJECT_ANY) == 0) {
        git_object_free(obj);
        git_reference* ref = nullptr;
        if (git_reference_create(&ref, repo, "refs/remotes/origin/HEAD", &heads[i]->oid, 1, "capstan: remote HEAD") == 0) {
          git_reference_free(ref);
        }
      }
      break;
    }
  }
  return base::Status::Ok();
}

}  // namespace capstan::source
