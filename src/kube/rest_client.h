// Copyright 2026 The capstan Authors.
//
// RestClient: kube::Client over HTTPS with libcurl. A bounded pool of connections (RestConfig
// max_connections) kept alive and reused across calls, a client-side token-bucket rate limiter
// (qps/burst), discovery cached per group-version and refreshed on a miss, per-request timeouts, and
// retries only where they are safe (GET/LIST on connection errors, 429 and 5xx with Retry-After;
// never a non-idempotent write after the request may have reached the server).
//
// Thread safety: safe for concurrent use; a call blocks while all pooled connections are busy.

#ifndef CAPSTAN_KUBE_REST_CLIENT_H_
#define CAPSTAN_KUBE_REST_CLIENT_H_

#include <cstdint>
#include <memory>

#include "base/result.h"
#include "kube/client.h"
#include "kube/rest_config.h"

namespace capstan::kube {

// Counters for tests and benchmarks.
struct TransportStats {
  int64_t requests = 0;
  int64_t connections_opened = 0;  // new TCP/TLS connections made (libcurl CURLINFO_NUM_CONNECTS)
  int64_t retries = 0;
  int64_t streams_opened = 0;      // connections made for watches (outside the pool)
};

class RestClient : public Client {
 public:
  // Validates |config| (server URL, PEM blobs) and builds the client. kInvalidArgument on bad config.
  static base::Result<std::unique_ptr<RestClient>> Create(RestConfig config);
  // The static factory above would hide Client::Create (POST an object) for callers holding a
  // RestClient&; bring it back.
  using Client::Create;

  virtual TransportStats stats() const = 0;
};

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_REST_CLIENT_H_
