// Copyright 2026 The capstan Authors.

#include "localnode/log_server.h"

#include <httplib.h>

#include <charconv>
#include <chrono>
#include <filesystem>

#include "base/log.h"

namespace capstan::localnode {
namespace {

// Parses a non-negative integer query parameter; false when present and malformed.
bool ParamInt(const httplib::Request& req, const char* name, std::optional<int64_t>& out) {
  if (!req.has_param(name)) return true;
  std::string v = req.get_param_value(name);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0) return false;
  out = n;
  return true;
}

}  // namespace

std::string SelectLog(std::string_view text, std::optional<int64_t> tail_lines, std::optional<int64_t> limit_bytes) {
  std::string_view out = text;
  if (tail_lines.has_value()) {
    int64_t want = *tail_lines;
    if (want <= 0) {
      out = {};
    } else {
      // Walk back over |want| line ends; a final line without '\n' is a line too.
      size_t end = out.size();
      size_t pos = end;
      if (pos > 0 && out[pos - 1] == '\n') --pos;
      int64_t lines = 0;
      while (pos > 0) {
        if (out[pos - 1] == '\n') {
          if (++lines == want) break;
        }
        --pos;
      }
      out = out.substr(pos);
    }
  }
  if (limit_bytes.has_value() && static_cast<uint64_t>(*limit_bytes) < out.size()) {
    out = out.substr(0, static_cast<size_t>(*limit_bytes));
  }
  return std::string(out);
}

struct LogServer::Impl {
  std::unique_ptr<httplib::SSLServer> server;
};

LogServer::LogServer(std::unique_ptr<Impl> impl, int port) : impl_(std::move(impl)), port_(port) {}

LogServer::~LogServer() { Stop(); }

base::Result<std::unique_ptr<LogServer>> LogServer::Start(const LogServerOptions& opts, LogLookup lookup) {
  for (const std::string* f : {&opts.cert_file, &opts.key_file}) {
    std::error_code ec;
    if (f->empty() || !std::filesystem::exists(*f, ec)) {
      return base::Status::InvalidArgument("log server: TLS file \"" + *f + "\" not found");
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->server = std::make_unique<httplib::SSLServer>(opts.cert_file.c_str(), opts.key_file.c_str());
  httplib::SSLServer& srv = *impl->server;
  if (!srv.is_valid()) {
    return base::Status::InvalidArgument("log server: cannot load the TLS certificate " + opts.cert_file +
                                         " with its key");
  }
  int threads = std::max(1, opts.threads);
  srv.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  srv.set_read_timeout(std::chrono::seconds(10));
  srv.set_write_timeout(std::chrono::seconds(10));
  // httplib's default adds SO_REUSEPORT, which would let a second agent share the port unnoticed.
  srv.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  srv.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
  srv.Get(R"(/containerLogs/([^/]+)/([^/]+)/([^/]+))",
          [lookup = std::move(lookup)](const httplib::Request& req, httplib::Response& res) {
            std::string ns = req.matches[1], pod = req.matches[2], container = req.matches[3];
            std::optional<int64_t> tail, limit;
            if (!ParamInt(req, "tailLines", tail) || !ParamInt(req, "limitBytes", limit)) {
              res.status = 400;
              res.set_content("tailLines and limitBytes must be non-negative integers\n", "text/plain");
              return;
            }
            bool previous = req.has_param("previous") && req.get_param_value("previous") == "true";
            std::optional<std::string> text;
            try {
              text = lookup(ns, pod, container, previous);
            } catch (const std::exception& e) {
              CAPSTAN_LOG_WARN("log request {}/{}/{}: {}", ns, pod, container, e.what());
              res.status = 500;
              return;
            }
            if (!text.has_value()) {
              res.status = 404;
              res.set_content("container \"" + container + "\" in pod \"" + ns + "/" + pod + "\" not found\n",
                              "text/plain");
              return;
            }
            res.set_content(SelectLog(*text, tail, limit), "text/plain");
          });

  int port = opts.port;
  if (port == 0) {
    port = srv.bind_to_any_port(opts.host);
    if (port < 0) return base::Status::Unavailable("log server: cannot bind " + opts.host);
  } else if (!srv.bind_to_port(opts.host.c_str(), port)) {
    return base::Status::Unavailable("log server: cannot bind " + opts.host + ":" + std::to_string(port));
  }
  std::unique_ptr<LogServer> out(new LogServer(std::move(impl), port));
  httplib::SSLServer* raw = out->impl_->server.get();
  out->thread_ = std::thread([raw] { raw->listen_after_bind(); });
  // Stop() before the loop runs would be lost: wait until it does.
  for (int i = 0; i < 500 && !raw->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return out;
}

void LogServer::Stop() {
  if (!impl_ || !impl_->server) return;
  impl_->server->stop();
  if (thread_.joinable()) thread_.join();
  impl_->server.reset();
}

}  // namespace capstan::localnode
