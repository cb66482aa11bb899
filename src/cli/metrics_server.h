// Copyright 2026 The capstan Authors.
//
// MetricsServer: the HTTP endpoint of `capstan controller` (cpp-httplib), serving
//   GET /metrics — base::DefaultMetrics() in the text format 0.0.4;
//   GET /healthz — 200 "ok" while |healthy| says so, else 503 with the reason.
// Plain HTTP, as Argo CD's app-controller serves :8082; the address is "host:port" ("127.0.0.1:0"
// picks a free port). Start never fails the caller's program: when the address cannot be bound it
// logs a warning naming it and serves nothing.
//
// Thread safety: Start and Stop from one thread; |healthy| is called from the server's threads.

#ifndef CAPSTAN_CLI_METRICS_SERVER_H_
#define CAPSTAN_CLI_METRICS_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "base/result.h"

namespace httplib {
class Server;
}

namespace capstan::cli {

class MetricsServer {
 public:
  // |healthy| returns "" when healthy, else the reason /healthz gives with its 503.
  explicit MetricsServer(std::function<std::string()> healthy);
  ~MetricsServer();  // stops the server
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds |address| ("host:port") and serves from a thread of its own. Returns the bound
  // "host:port" (the real port when 0 was asked); kInvalidArgument when |address| has no port,
  // kUnavailable when it cannot be bound.
  base::Result<std::string> Start(const std::string& address);
  // Start, logging `metrics and health on http://<host>:<port>` once bound, or a warning naming
  // |address| when it cannot be bound. "" serves nothing. Only a malformed |address| is an error.
  base::Status Serve(const std::string& address);
  void Stop();

 private:
  std::function<std::string()> healthy_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

// Parses "host:port" ("[::1]:8082" for IPv6): kInvalidArgument naming |address| otherwise.
base::Result<std::pair<std::string, int>> ParseListenAddress(const std::string& address);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_METRICS_SERVER_H_
