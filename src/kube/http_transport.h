// Copyright 2026 The capstan Authors.
//
// HttpTransport: HTTP(S) to one API server over libcurl, the layer under RestClient. It owns a pool of
// at most RestConfig::max_connections curl easy handles; each keeps its connection alive and is reused
// by later calls, so the number of requests in flight and of open connections is bounded (a call
// blocks while every handle is busy). Every request first takes a token from the client's rate
// limiter, carries the configured credentials (static token, basic auth, client certificate, or a
// CredentialProvider asked at request time, re-asked once after a 401), and is retried only where
// that is safe:
//   - idempotent requests (GET: get, list, discovery, logs): on connection errors and on 429/5xx,
//     honouring Retry-After, with a capped exponential back-off, at most kMaxAttempts in all;
//   - writes: only when no byte reached the server (connection refused / host not resolved) or on
//     429 (the server refused before acting); never after a timeout or a dropped connection.
// Streams (watches) get a dedicated connection each, outside the pool, and end promptly when their
// stop_token is requested.
//
// Transport failures are kUnavailable (kTimeout for deadlines) naming the method, the URL (never a
// credential) and curl's message. HTTP error answers are returned as responses: turning them into a
// Status (kube::StatusFromResponse) is the caller's job, since only it can name the object.
//
// Thread safety: safe for concurrent use by many threads.

#ifndef CAPSTAN_KUBE_HTTP_TRANSPORT_H_
#define CAPSTAN_KUBE_HTTP_TRANSPORT_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "kube/rate_limiter.h"
#include "kube/rest_client.h"
#include "kube/rest_config.h"

struct curl_slist;

namespace capstan::kube {

struct HttpRequest {
  std::string method = "GET";       // GET, POST, PUT, PATCH, DELETE
  // The Kubernetes verb in capstan_kube_api_requests_total ("list", "watch"); "" = from the method
  // (GET get, POST create, PUT update, PATCH patch, DELETE delete).
  std::string verb;
  std::string path_and_query;       // "/api/v1/namespaces?limit=1", appended to the server URL
  std::string body;                 // sent when non-empty (or when the method is not GET)
  std::string content_type;         // of |body|
  std::string accept = "application/json";
  // True for requests that may be repeated freely (reads). False: see the retry rules above.
  bool idempotent = true;
  // Deadline of the whole request, in seconds; 0 = RestConfig::timeout_seconds. For streams: the
  // longest time without a byte before the stream is considered stalled (0 = no stall detection).
  int timeout_seconds = 0;
};

struct HttpResponse {
  long code = 0;            // HTTP status
  std::string body;         // the whole body (for streams: only for non-2xx answers, capped)
  std::string retry_after;  // the Retry-After header, if any
};

class HttpTransport {
 public:
  // Most attempts an idempotent request gets (the first try included); writes get kMaxWriteAttempts.
  static constexpr int kMaxAttempts = 4;
  static constexpr int kMaxWriteAttempts = 3;

  // Validates |config|: server URL (http or https, parseable), PEM blobs (CA and client certificate
  // parse, the key matches the certificate), and builds the transport. kInvalidArgument on bad config.
  static base::Result<std::unique_ptr<HttpTransport>> Create(const RestConfig& config);
  ~HttpTransport();

  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Sends |req| through the pool, retrying as described above. Returns the server's final answer,
  // whatever its HTTP status, or kUnavailable / kTimeout for transport failures, kUnauthenticated when
  // the CredentialProvider fails, kInvalidArgument when curl rejects the client certificate.
  base::Result<HttpResponse> Do(const HttpRequest& req);

  // Streams the body of |req| on a connection of its own: |on_data| gets each chunk of a 2xx answer as
  // it arrives and returns false to end the stream. Returns the answer (code; body only when not 2xx)
  // when the server ends the stream or |on_data| returns false; kCancelled when |stop| is requested;
  // kUnavailable / kTimeout when the connection fails or stalls. Not retried (watches reconnect
  // themselves), except once after a 401 when a CredentialProvider can refresh.
  base::Result<HttpResponse> Stream(const HttpRequest& req,
                                    const std::function<bool(std::string_view)>& on_data,
                                    std::stop_token stop);

  TransportStats stats() const;
  const RestConfig& config() const { return config_; }
  // Describes the credential in use without revealing it: "bearer token", "client certificate", ...
  std::string CredentialKind() const;

 private:
  struct Auth;
  struct Attempt;
  explicit HttpTransport(RestConfig config);

  // Borrows an idle handle (creating one while fewer than max_connections exist), else waits.
  void* Borrow();
  void Return(void* handle);

  base::Result<Auth> CurrentAuth() const;
  // Sets every option of one request on |handle| (after a reset that keeps the live connection).
  // |attempt| receives the answer; it must outlive the transfer.
  void Prepare(void* handle, const HttpRequest& req, const Auth& auth, Attempt& attempt) const;
  // One try of |req| on a pooled handle.
  void PerformOnce(const HttpRequest& req, const Auth& auth, Attempt& attempt);

  const RestConfig config_;
  std::string base_url_;     // scheme://host[:port][/prefix], host replaced by tls_server_name if set
  curl_slist* connect_to_list_ = nullptr;  // CURLOPT_CONNECT_TO when tls_server_name is set
  RateLimiter limiter_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<void*> idle_;        // guarded by pool_mu_
  std::vector<void*> all_;         // every handle created (guarded by pool_mu_)

  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> connections_opened_{0};
  std::atomic<int64_t> retries_{0};
  std::atomic<int64_t> streams_opened_{0};
};

// A short form of |req| for messages: "GET https://host:6443/api/v1/..." (userinfo removed).
std::string DescribeRequest(std::string_view base_url, const HttpRequest& req);

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_HTTP_TRANSPORT_H_
