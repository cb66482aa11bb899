// Copyright 2026 The capstan Authors.

#include "kube/http_transport.h"

#include <curl/curl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <random>
#include <thread>

#include "base/log.h"
#include "base/metrics.h"

namespace capstan::kube {
namespace {

using base::Result;
using base::Status;

constexpr size_t kMaxStreamErrorBody = 64 * 1024;
constexpr auto kBackoffBase = std::chrono::milliseconds(200);
constexpr auto kBackoffCap = std::chrono::milliseconds(2000);
constexpr int kRetryAfterCapSeconds = 10;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Parses every certificate of |pem|; returns how many, 0 when none parse.
int CountCertificates(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  int n = 0;
  while (X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_free(x);
    ++n;
  }
  BIO_free(bio);
  return n;
}

// Checks the client certificate and key parse and belong together.
Status CheckClientCert(const std::string& cert_pem, const std::string& key_pem, std::string_view where) {
  if (cert_pem.empty() != key_pem.empty()) {
    return Status::InvalidArgument(std::string(where) + ": a client certificate needs both certificate and key");
  }
  if (cert_pem.empty()) return Status::Ok();
  BIO* cbio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(cbio, nullptr, nullptr, nullptr);
  BIO_free(cbio);
  if (cert == nullptr) {
    return Status::InvalidArgument(std::string(where) + ": the client certificate is not a PEM certificate");
  }
  BIO* kbio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(kbio, nullptr, nullptr, nullptr);
  BIO_free(kbio);
  Status s;
  if (key == nullptr) {
    s = Status::InvalidArgument(std::string(where) + ": the client key is not a PEM private key");
  } else if (X509_check_private_key(cert, key) != 1) {
    s = Status::InvalidArgument(std::string(where) + ": the client key does not match the client certificate");
  }
  if (key != nullptr) EVP_PKEY_free(key);
  X509_free(cert);
  return s;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool IsRetryableReadError(CURLcode c) {
  switch (c) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

// True when the request certainly never reached the server, so even a write may be sent again.
bool NothingWasSent(CURLcode c) { return c == CURLE_COULDNT_CONNECT || c == CURLE_COULDNT_RESOLVE_HOST; }

std::chrono::milliseconds Backoff(int attempt) {
  thread_local std::mt19937 rng(std::random_device{}());
  auto d = kBackoffBase * (1 << std::min(attempt - 1, 8));
  d = std::min<std::chrono::milliseconds>(d, kBackoffCap);
  std::uniform_int_distribution<int> jitter(0, static_cast<int>(d.count() / 4));
  return d + std::chrono::milliseconds(jitter(rng));
}

std::chrono::milliseconds RetryDelay(const std::string& retry_after, int attempt) {
  if (!retry_after.empty() && std::all_of(retry_after.begin(), retry_after.end(), ::isdigit) &&
      retry_after.size() < 6) {
    int secs = std::min(std::stoi(retry_after), kRetryAfterCapSeconds);
    return std::chrono::seconds(secs);
  }
  return Backoff(attempt);
}

}  // namespace

struct HttpTransport::Auth {
  std::string token;
  std::string cert_pem;
  std::string key_pem;
  std::string username;
  std::string password;
};

// The state of one transfer: what curl writes into, and the options' backing storage.
struct HttpTransport::Attempt {
  CURL* handle = nullptr;
  CURLcode result = CURLE_OK;
  char errbuf[CURL_ERROR_SIZE] = {0};
  HttpResponse response;
  curl_slist* headers = nullptr;
  const std::function<bool(std::string_view)>* on_data = nullptr;  // streams only
  bool stopped_by_callback = false;

  Attempt() = default;
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;
  ~Attempt() {
    if (headers != nullptr) curl_slist_free_all(headers);
  }

  static size_t OnWrite(char* data, size_t size, size_t n, void* user) {
    auto* a = static_cast<Attempt*>(user);
    size_t len = size * n;
    if (a->on_data == nullptr) {
      a->response.body.append(data, len);
      return len;
    }
    if (a->response.code == 0) curl_easy_getinfo(a->handle, CURLINFO_RESPONSE_CODE, &a->response.code);
    if (a->response.code >= 200 && a->response.code < 300) {
      if (!(*a->on_data)(std::string_view(data, len))) {
        a->stopped_by_callback = true;
        return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
      }
      return len;
    }
    if (a->response.body.size() < kMaxStreamErrorBody) a->response.body.append(data, len);
    return len;
  }

  static size_t OnHeader(char* data, size_t size, size_t n, void* user) {
    auto* a = static_cast<Attempt*>(user);
    size_t len = size * n;
    std::string_view line(data, len);
    constexpr std::string_view kRetryAfter = "retry-after:";
    if (line.size() > kRetryAfter.size()) {
      bool match = true;
      for (size_t i = 0; i < kRetryAfter.size() && match; ++i) {
        match = std::tolower(static_cast<unsigned char>(line[i])) == kRetryAfter[i];
      }
      if (match) a->response.retry_after = Trim(line.substr(kRetryAfter.size()));
    }
    return len;
  }
};

std::string DescribeRequest(std::string_view base_url, const HttpRequest& req) {
  return req.method + " " + base::RedactUrl(std::string(base_url) + req.path_and_query);
}

base::Result<std::unique_ptr<HttpTransport>> HttpTransport::Create(const RestConfig& config) {
  GlobalInit();
  if (config.server.empty()) return Status::InvalidArgument("rest config: no server URL");
  CURLU* u = curl_url();
  CURLUcode uc = curl_url_set(u, CURLUPART_URL, config.server.c_str(), 0);
  char* scheme = nullptr;
  char* host = nullptr;
  char* port = nullptr;
  char* path = nullptr;
  if (uc == CURLUE_OK) uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
  if (uc == CURLUE_OK) uc = curl_url_get(u, CURLUPART_HOST, &host, 0);
  if (uc == CURLUE_OK) uc = curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  if (uc == CURLUE_OK) uc = curl_url_get(u, CURLUPART_PATH, &path, 0);
  std::string s_scheme = scheme ? scheme : "", s_host = host ? host : "", s_port = port ? port : "",
              s_path = path ? path : "";
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_free(path);
  curl_url_cleanup(u);
  if (uc != CURLUE_OK) {
    return Status::InvalidArgument("rest config: server URL \"" + base::RedactUrl(config.server) +
                                   "\" does not parse: " + curl_url_strerror(uc));
  }
  if (s_scheme != "https" && s_scheme != "http") {
    return Status::InvalidArgument("rest config: server URL \"" + base::RedactUrl(config.server) +
                                   "\" must be http or https");
  }
  if (!config.ca_pem.empty() && CountCertificates(config.ca_pem) == 0) {
    return Status::InvalidArgument("rest config: the certificate authority data holds no PEM certificate");
  }
  CAPSTAN_RETURN_IF_ERROR(CheckClientCert(config.client_cert_pem, config.client_key_pem, "rest config"));
  if (config.max_connections < 1) {
    return Status::InvalidArgument("rest config: max_connections must be at least 1");
  }
  while (!s_path.empty() && s_path.back() == '/') s_path.pop_back();

  std::unique_ptr<HttpTransport> t(new HttpTransport(config));
  std::string url_host = s_host;
  if (!config.tls_server_name.empty()) {
    // Connect to the configured host but speak TLS (SNI, verification) as tls_server_name.
    url_host = config.tls_server_name;
    std::string entry = config.tls_server_name + ":" + s_port + ":" + s_host + ":" + s_port;
    t->connect_to_list_ = curl_slist_append(nullptr, entry.c_str());
  }
  t->base_url_ = s_scheme + "://" + url_host + ":" + s_port + s_path;
  return t;
}

HttpTransport::HttpTransport(RestConfig config)
    : config_(std::move(config)), limiter_(config_.qps, config_.burst) {}

HttpTransport::~HttpTransport() {
  std::lock_guard<std::mutex> lock(pool_mu_);
  for (void* h : all_) curl_easy_cleanup(static_cast<CURL*>(h));
  if (connect_to_list_ != nullptr) curl_slist_free_all(connect_to_list_);
}

TransportStats HttpTransport::stats() const {
  TransportStats s;
  s.requests = requests_.load();
  s.connections_opened = connections_opened_.load();
  s.retries = retries_.load();
  s.streams_opened = streams_opened_.load();
  return s;
}

std::string HttpTransport::CredentialKind() const {
  if (config_.credentials) return "credentials from the credential plugin";
  if (!config_.bearer_token.empty()) return "bearer token";
  if (!config_.client_cert_pem.empty()) return "client certificate";
  if (!config_.username.empty()) return "basic-auth credentials";
  return "anonymous request (no credentials configured)";
}

void* HttpTransport::Borrow() {
  std::unique_lock<std::mutex> lock(pool_mu_);
  pool_cv_.wait(lock, [&] {
    return !idle_.empty() || static_cast<int>(all_.size()) < config_.max_connections;
  });
  if (!idle_.empty()) {
    void* h = idle_.back();
    idle_.pop_back();
    return h;
  }
  CURL* h = curl_easy_init();
  all_.push_back(h);
  return h;
}

void HttpTransport::Return(void* handle) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    idle_.push_back(handle);
  }
  pool_cv_.notify_one();
}

base::Result<HttpTransport::Auth> HttpTransport::CurrentAuth() const {
  Auth auth;
  auth.token = config_.bearer_token;
  auth.cert_pem = config_.client_cert_pem;
  auth.key_pem = config_.client_key_pem;
  auth.username = config_.username;
  auth.password = config_.password;
  if (config_.credentials) {
    auto cred = config_.credentials->Get();
    if (!cred.ok()) {
      return Status(base::StatusCode::kUnauthenticated,
                    "getting credentials for " + base::RedactUrl(config_.server) + ": " + cred.status().message());
    }
    if (!cred->token.empty()) auth.token = cred->token;
    if (!cred->client_cert_pem.empty()) {
      CAPSTAN_RETURN_IF_ERROR(
          CheckClientCert(cred->client_cert_pem, cred->client_key_pem, "credential plugin"));
      auth.cert_pem = cred->client_cert_pem;
      auth.key_pem = cred->client_key_pem;
    }
  }
  auth.token = Trim(auth.token);
  return auth;
}

void HttpTransport::Prepare(void* handle, const HttpRequest& req, const Auth& auth, Attempt& a) const {
  CURL* h = static_cast<CURL*>(handle);
  curl_easy_reset(h);  // keeps the live connection
  a.handle = h;
  std::string url = base_url_ + req.path_and_query;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());  // copied by curl
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, a.errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(h, CURLOPT_MAXCONNECTS, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 30L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 15L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, config_.user_agent.c_str());
  if (config_.connect_timeout_seconds > 0) {
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(config_.connect_timeout_seconds));
  }
  if (a.on_data == nullptr) {
    int timeout = req.timeout_seconds > 0 ? req.timeout_seconds : config_.timeout_seconds;
    if (timeout > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(timeout));
  } else if (req.timeout_seconds > 0) {
    // A stream is stalled when less than one byte arrives in |timeout_seconds|.
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(req.timeout_seconds));
  }

  // TLS.
  if (config_.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  }
  if (!config_.ca_pem.empty()) {
    curl_blob ca{const_cast<char*>(config_.ca_pem.data()), config_.ca_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
  }
  if (connect_to_list_ != nullptr) curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to_list_);
  if (!auth.cert_pem.empty()) {
    curl_blob cert{const_cast<char*>(auth.cert_pem.data()), auth.cert_pem.size(), CURL_BLOB_COPY};
    curl_blob key{const_cast<char*>(auth.key_pem.data()), auth.key_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key);
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }

  // Headers and auth.
  a.headers = curl_slist_append(a.headers, ("Accept: " + req.accept).c_str());
  a.headers = curl_slist_append(a.headers, "Expect:");
  if (!req.content_type.empty()) {
    a.headers = curl_slist_append(a.headers, ("Content-Type: " + req.content_type).c_str());
  }
  if (!auth.token.empty()) {
    a.headers = curl_slist_append(a.headers, ("Authorization: Bearer " + auth.token).c_str());
  } else if (!auth.username.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(h, CURLOPT_USERNAME, auth.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, auth.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, a.headers);

  // Method and body.
  if (req.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    }
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Attempt::OnWrite);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Attempt::OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &a);
}

namespace {

// Counts one attempt of |req| in capstan_kube_api_requests_total: its verb, and the HTTP status or
// "error" when no answer came.
void CountRequest(const HttpRequest& req, long code) {
  static base::Counter& requests = base::DefaultMetrics().AddCounter(
      "capstan_kube_api_requests_total", "Requests sent to the Kubernetes API server, by verb and HTTP status.",
      {"verb", "code"});
  std::string verb = req.verb;
  if (verb.empty()) {
    if (req.method == "GET") verb = "get";
    else if (req.method == "POST") verb = "create";
    else if (req.method == "PUT") verb = "update";
    else if (req.method == "PATCH") verb = "patch";
    else if (req.method == "DELETE") verb = "delete";
    else verb = req.method;
  }
  requests.Inc({verb, code > 0 ? std::to_string(code) : "error"});
}

// The Status for a failed transfer: what was asked, of which URL, and curl's reason.
Status TransportError(std::string_view base_url, const HttpRequest& req, CURLcode code, const char* errbuf) {
  std::string msg = DescribeRequest(base_url, req) + ": ";
  msg += (errbuf != nullptr && errbuf[0] != '\0') ? errbuf : curl_easy_strerror(code);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Status::Timeout(std::move(msg));
    case CURLE_PEER_FAILED_VERIFICATION:
      return Status::Unavailable(msg + " (the server's TLS certificate was not verified: check the "
                                       "certificate authority and tls-server-name)");
    case CURLE_SSL_CERTPROBLEM:
      return Status::InvalidArgument(msg + " (the client certificate was rejected locally)");
    default:
      return Status::Unavailable(std::move(msg));
  }
}

}  // namespace

void HttpTransport::PerformOnce(const HttpRequest& req, const Auth& auth, Attempt& a) {
  void* h = Borrow();
  Prepare(h, req, auth, a);
  a.result = curl_easy_perform(static_cast<CURL*>(h));
  long connects = 0;
  curl_easy_getinfo(static_cast<CURL*>(h), CURLINFO_NUM_CONNECTS, &connects);
  connections_opened_ += connects;
  if (a.result == CURLE_OK) curl_easy_getinfo(static_cast<CURL*>(h), CURLINFO_RESPONSE_CODE, &a.response.code);
  Return(h);
  CountRequest(req, a.result == CURLE_OK ? a.response.code : 0);
}

base::Result<HttpResponse> HttpTransport::Do(const HttpRequest& req) {
  ++requests_;
  const int max_attempts = req.idempotent ? kMaxAttempts : kMaxWriteAttempts;
  bool reauthenticated = false;
  for (int attempt = 1;; ++attempt) {
    CAPSTAN_ASSIGN_OR_RETURN(Auth auth, CurrentAuth());
    limiter_.Acquire();
    Attempt a;
    PerformOnce(req, auth, a);
    if (a.result != CURLE_OK) {
      Status s = TransportError(base_url_, req, a.result, a.errbuf);
      bool retry = attempt < max_attempts &&
                   (req.idempotent ? IsRetryableReadError(a.result) : NothingWasSent(a.result));
      if (!retry) return s;
      auto delay = Backoff(attempt);
      CAPSTAN_LOG_DEBUG("retrying in {} ms: {}", delay.count(), s.message());
      ++retries_;
      std::this_thread::sleep_for(delay);
      continue;
    }
    long code = a.response.code;
    if (code == 401 && config_.credentials && !reauthenticated) {
      // The plugin's credential may have expired: ask it anew, once.
      config_.credentials->Invalidate();
      reauthenticated = true;
      ++retries_;
      --attempt;
      continue;
    }
    bool retry = attempt < max_attempts && (code == 429 || (req.idempotent && code >= 500 && code != 501));
    if (retry) {
      auto delay = RetryDelay(a.response.retry_after, attempt);
      CAPSTAN_LOG_DEBUG("{}: HTTP {}, retrying in {} ms", DescribeRequest(base_url_, req), code, delay.count());
      ++retries_;
      std::this_thread::sleep_for(delay);
      continue;
    }
    return std::move(a.response);
  }
}

base::Result<HttpResponse> HttpTransport::Stream(const HttpRequest& req,
                                                 const std::function<bool(std::string_view)>& on_data,
                                                 std::stop_token stop) {
  ++requests_;
  bool reauthenticated = false;
  while (true) {
    if (stop.stop_requested()) return Status::Cancelled(DescribeRequest(base_url_, req) + ": stopped");
    CAPSTAN_ASSIGN_OR_RETURN(Auth auth, CurrentAuth());
    limiter_.Acquire();
    CURL* h = curl_easy_init();
    CURLM* m = curl_multi_init();
    Attempt a;
    a.on_data = &on_data;
    Prepare(h, req, auth, a);
    curl_multi_add_handle(m, h);
    bool cancelled = false;
    CURLMcode mc = CURLM_OK;
    {
      // Wakes the poll below at once when a stop is requested.
      std::stop_callback wake(stop, [m] { curl_multi_wakeup(m); });
      int running = 1;
      while (true) {
        mc = curl_multi_perform(m, &running);
        if (mc != CURLM_OK || running == 0) break;
        if (stop.stop_requested()) {
          cancelled = true;
          break;
        }
        mc = curl_multi_poll(m, nullptr, 0, 1000, nullptr);
        if (mc != CURLM_OK) break;
      }
    }
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
      if (msg->msg == CURLMSG_DONE) a.result = msg->data.result;
    }
    long connects = 0;
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
    streams_opened_ += connects;
    if (a.response.code == 0) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a.response.code);
    curl_multi_remove_handle(m, h);
    curl_easy_cleanup(h);
    curl_multi_cleanup(m);
    if (!cancelled || a.response.code != 0) CountRequest(req, a.response.code);

    if (cancelled) return Status::Cancelled(DescribeRequest(base_url_, req) + ": stopped");
    if (a.stopped_by_callback) return std::move(a.response);
    if (mc != CURLM_OK) {
      return Status::Unavailable(DescribeRequest(base_url_, req) + ": " + curl_multi_strerror(mc));
    }
    if (a.result != CURLE_OK) return TransportError(base_url_, req, a.result, a.errbuf);
    if (a.response.code == 401 && config_.credentials && !reauthenticated) {
      config_.credentials->Invalidate();
      reauthenticated = true;
      ++retries_;
      continue;
    }
    return std::move(a.response);
  }
}

}  // namespace capstan::kube
