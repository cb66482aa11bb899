// Copyright 2026 The capstan Authors.
//
// LogServer: the node agent's stand-in for the kubelet's HTTPS endpoint. The API server proxies
// `GET /api/v1/namespaces/NS/pods/NAME/log` to `https://<InternalIP>:<kubeletEndpoint
// port>/containerLogs/NS/NAME/CONTAINER` (accepting any certificate when it has no
// --kubelet-certificate-authority); LogServer answers that with the container's log text, honouring
// `tailLines` and `limitBytes` as the kubelet does (tail first, then cut to the byte limit), 404 for a
// pod or container it does not know, 400 for a bad parameter. `/healthz` answers "ok".
//
// Thread safety: Start/Stop from one thread; |lookup| is called from the server's worker threads and
// must be thread-safe.

#ifndef CAPSTAN_LOCALNODE_LOG_SERVER_H_
#define CAPSTAN_LOCALNODE_LOG_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "base/result.h"

namespace capstan::localnode {

// The log text of one container, or nullopt when the pod or container is unknown.
using LogLookup = std::function<std::optional<std::string>(const std::string& ns, const std::string& pod,
                                                           const std::string& container, bool previous)>;

// The part of |text| the kubelet returns: the last |tail_lines| lines (a line ends at '\n'; a last
// line without one counts too), then at most |limit_bytes| bytes from the start of that.
std::string SelectLog(std::string_view text, std::optional<int64_t> tail_lines, std::optional<int64_t> limit_bytes);

struct LogServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see LogServer::port)
  std::string cert_file;  // PEM serving certificate
  std::string key_file;   // PEM private key
  int threads = 4;
};

class LogServer {
 public:
  // Binds host:port with TLS and starts serving on a thread of its own. kInvalidArgument when the
  // certificate or key cannot be loaded; kUnavailable when the port cannot be bound.
  static base::Result<std::unique_ptr<LogServer>> Start(const LogServerOptions& opts, LogLookup lookup);

  ~LogServer();
  LogServer(const LogServer&) = delete;
  LogServer& operator=(const LogServer&) = delete;

  // The bound port.
  int port() const { return port_; }
  // Stops serving and joins the thread; idempotent.
  void Stop();

 private:
  struct Impl;
  explicit LogServer(std::unique_ptr<Impl> impl, int port);

  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace capstan::localnode

#endif  // CAPSTAN_LOCALNODE_LOG_SERVER_H_
