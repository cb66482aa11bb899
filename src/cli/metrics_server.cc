// Copyright 2026 The capstan Authors.

#include "cli/metrics_server.h"

#include <httplib.h>

#include <charconv>

#include "base/log.h"
#include "base/metrics.h"

namespace capstan::cli {

base::Result<std::pair<std::string, int>> ParseListenAddress(const std::string& address) {
  auto bad = [&address](std::string_view why) {
    return base::Status::InvalidArgument("--metrics-address \"" + address + "\": " + std::string(why));
  };
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return bad("want host:port");
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  std::string_view port_text(address.data() + colon + 1, address.size() - colon - 1);
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535) {
    return bad("the port is not a number from 0 to 65535");
  }
  return std::make_pair(host, port);
}

MetricsServer::MetricsServer(std::function<std::string()> healthy) : healthy_(std::move(healthy)) {}

MetricsServer::~MetricsServer() { Stop(); }

base::Result<std::string> MetricsServer::Start(const std::string& address) {
  CAPSTAN_ASSIGN_OR_RETURN(auto host_port, ParseListenAddress(address));
  auto [host, port] = host_port;
  server_ = std::make_unique<httplib::Server>();
  server_->Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(base::DefaultMetrics().Render(), std::string(base::kMetricsContentType));
  });
  server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    std::string reason = healthy_ ? healthy_() : "";
    res.status = reason.empty() ? 200 : 503;
    res.set_content(reason.empty() ? "ok" : reason, "text/plain; charset=utf-8");
  });
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
    if (bound <= 0) bound = -1;
  } else if (!server_->bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound < 0) {
    server_.reset();
    return base::Status::Unavailable("cannot listen on " + address);
  }
  thread_ = std::thread([s = server_.get()] { s->listen_after_bind(); });
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return shown + ":" + std::to_string(bound);
}

base::Status MetricsServer::Serve(const std::string& address) {
  if (address.empty()) return base::Status::Ok();
  auto bound = Start(address);
  if (bound.ok()) {
    CAPSTAN_LOG_INFO("metrics and health on http://{}", *bound);
    return base::Status::Ok();
  }
  if (bound.status().code() == base::StatusCode::kInvalidArgument) return bound.status();
  CAPSTAN_LOG_WARN("{}: running without /metrics and /healthz", bound.status().message());
  return base::Status::Ok();
}

void MetricsServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace capstan::cli
