// Copyright 2026 The capstan Authors.
//
// HttpTransport against a local cpp-httplib server: connection reuse and the pool bound, retry rules
// for reads and writes, timeouts, credentials (token, basic, provider refresh on 401), TLS (CA,
// tls-server-name, client certificates, insecure-skip-tls-verify) and streams (chunks, stop).

#include "kube/http_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace capstan::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// A cpp-httplib server on a free loopback port, running on its own thread.
class TestServer {
 public:
  explicit TestServer(std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>())
      : server_(std::move(server)) {
    server_->set_keep_alive_max_count(100000);
    server_->new_task_queue = [] { return new httplib::ThreadPool(24); };
  }
  ~TestServer() { Stop(); }
  httplib::Server& operator*() { return *server_; }
  httplib::Server* operator->() { return server_.get(); }

  void Start() {
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(1ms);
  }
  void Stop() {
    if (thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }
  int port() const { return port_; }
  std::string url(std::string scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_);
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

RestConfig ConfigFor(const std::string& server) {
  RestConfig c;
  c.server = server;
  c.qps = 0;  // no limiter unless a test wants one
  c.timeout_seconds = 10;
  c.connect_timeout_seconds = 5;
  return c;
}

std::unique_ptr<HttpTransport> MakeTransport(const RestConfig& c) {
  auto t = HttpTransport::Create(c);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(*t) : nullptr;
}

HttpRequest Get(std::string path) {
  HttpRequest r;
  r.path_and_query = std::move(path);
  return r;
}

HttpRequest Post(std::string path) {
  HttpRequest r;
  r.method = "POST";
  r.idempotent = false;
  r.path_and_query = std::move(path);
  r.content_type = "application/json";
  r.body = "{}";
  return r;
}

// A loopback port nothing listens on.
int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(HttpTransportTest, KeepAliveReusesOneConnection) {
  TestServer srv;
  srv->Get("/x", [](const httplib::Request&, httplib::Response& res) { res.set_content("{}", "application/json"); });
  srv.Start();
  auto t = MakeTransport(ConfigFor(srv.url()));
  for (int i = 0; i < 25; ++i) {
    auto r = t->Do(Get("/x"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->code, 200);
  }
  EXPECT_EQ(t->stats().requests, 25);
  EXPECT_EQ(t->stats().connections_opened, 1);
}

TEST(HttpTransportTest, PoolBoundsRequestsInFlightAndConnections) {
  TestServer srv;
  std::atomic<int> in_flight{0}, max_in_flight{0};
  srv->Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    int now = ++in_flight;
    int prev = max_in_flight.load();
    while (now > prev && !max_in_flight.compare_exchange_weak(prev, now)) {
    }
    std::this_thread::sleep_for(10ms);
    --in_flight;
    res.set_content("{}", "application/json");
  });
  srv.Start();
  RestConfig c = ConfigFor(srv.url());
  c.max_connections = 4;
  auto t = MakeTransport(c);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) {
        auto r = t->Do(Get("/slow"));
        if (r.ok() && r->code == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_LE(max_in_flight.load(), 4);
  EXPECT_GE(max_in_flight.load(), 2);  // the pool does run requests in parallel
  EXPECT_LE(t->stats().connections_opened, 4);
}

TEST(HttpTransportTest, GetIsRetriedOn503HonouringRetryAfter) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv->Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
    if (++hits <= 2) {
      res.status = 503;
      res.set_header("Retry-After", "1");
      res.set_content(R"({"kind":"Status","code":503,"message":"busy"})", "application/json");
      return;
    }
    res.set_content("{}", "application/json");
  });
  srv.Start();
  auto t = MakeTransport(ConfigFor(srv.url()));
  auto start = std::chrono::steady_clock::now();
  auto r = t->Do(Get("/flaky"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, 200);
  EXPECT_EQ(hits.load(), 3);
  EXPECT_EQ(t->stats().retries, 2);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1900ms);  // Retry-After: 1, twice
}

TEST(HttpTransportTest, GetGivesUpAfterMaxAttempts) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv->Get("/down", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 502;
  });
  srv.Start();
  auto t = MakeTransport(ConfigFor(srv.url()));
  auto r = t->Do(Get("/down"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, 502);  // the final answer is returned for the caller to turn into a Status
  EXPECT_EQ(hits.load(), HttpTransport::kMaxAttempts);
}

TEST(HttpTransportTest, WriteIsNotRetriedOn5xx) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv->Post("/w", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 503;
  });
  srv.Start();
  auto t = MakeTransport(ConfigFor(srv.url()));
  auto r = t->Do(Post("/w"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, 503);
  EXPECT_EQ(hits.load(), 1);
}

TEST(HttpTransportTest, WriteIsRetriedOn429) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv->Post("/w", [&](const httplib::Request& req, httplib::Response& res) {
    EXPECT_EQ(req.body, "{}");
    if (++hits == 1) {
      res.status = 429;
      res.set_header("Retry-After", "0");
      return;
    }
    res.status = 201;
  });
  srv.Start();
  auto t = MakeTransport(ConfigFor(srv.url()));
  auto r = t->Do(Post("/w"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, 201);
  EXPECT_EQ(hits.load(), 2);
}

TEST(HttpTransportTest, ConnectionRefusedIsUnavailableNamingTheUrlButNotTheToken) {
  int port = ClosedPort();
  RestConfig c = ConfigFor("http://127.0.0.1:" + std::to_string(port));
  c.bearer_token = "sekrit-token-value";
  auto t = MakeTransport(c);
  auto r = t->Do(Get("/api/v1/namespaces/x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("GET http://127.0.0.1:" + std::to_string(port) + "/api/v1/namespaces/x"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("sekrit")));
  EXPECT_EQ(t->stats().retries, HttpTransport::kMaxAttempts - 1);
  // Nothing reached the server: a write may be sent again too.
  auto w = t->Do(Post("/api/v1/namespaces"));
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), base::StatusCode::kUnavailable);
  EXPECT_EQ(t->stats().retries, HttpTransport::kMaxAttempts - 1 + HttpTransport::kMaxWriteAttempts - 1);
}

TEST(HttpTransportTest, TimeoutIsKTimeoutAndNotRetried) {
  TestServer srv;
  std::atomic<int> hits{0};
  auto slow = [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    std::this_thread::sleep_for(2500ms);
    res.set_content("{}", "application/json");
  };
  srv->Post("/w", slow);
  srv->Get("/r", slow);
  srv.Start();
  RestConfig c = ConfigFor(srv.url());
  c.timeout_seconds = 1;
  auto t = MakeTransport(c);
  auto w = t->Do(Post("/w"));
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), base::StatusCode::kTimeout) << w.status().ToString();
  EXPECT_THAT(w.status().message(), HasSubstr("POST " + srv.url() + "/w"));
  auto r = t->Do(Get("/r"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kTimeout);
  EXPECT_EQ(hits.load(), 2);
  EXPECT_EQ(t->stats().retries, 0);
}

TEST(HttpTransportTest, SendsMethodBodyHeadersTokenAndUserAgent) {
  TestServer srv;
  srv->Patch("/p", [](const httplib::Request& req, httplib::Response& res) {
    EXPECT_EQ(req.get_header_value("Authorization"), "Bearer tok");
    EXPECT_EQ(req.get_header_value("Content-Type"), "application/merge-patch+json");
    EXPECT_EQ(req.get_header_value("User-Agent"), "capstan-test");
    EXPECT_EQ(req.get_header_value("Accept"), "application/json");
    res.set_content(req.body, "application/json");
  });
  srv->Delete("/d", [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.body, "text/plain"); });
  srv.Start();
  RestConfig c = ConfigFor(srv.url());
  c.bearer_token = "tok\n";  // token files end with a newline
  c.user_agent = "capstan-test";
  auto t = MakeTransport(c);
  HttpRequest p;
  p.method = "PATCH";
  p.idempotent = false;
  p.path_and_query = "/p";
  p.content_type = "application/merge-patch+json";
  p.body = R"({"a":1})";
  auto r = t->Do(p);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, 200);
  EXPECT_EQ(r->body, R"({"a":1})");
  // The handle is reused: a later DELETE carries its own body, then a GET none.
  HttpRequest d;
  d.method = "DELETE";
  d.idempotent = false;
  d.path_and_query = "/d";
  d.content_type = "application/json";
  d.body = R"({"kind":"DeleteOptions"})";
  auto dr = t->Do(d);
  ASSERT_TRUE(dr.ok());
  EXPECT_EQ(dr->body, d.body);
  auto g = t->Do(Get("/missing"));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->code, 404);
}

TEST(HttpTransportTest, BasicAuth) {
  TestServer srv;
  srv->Get("/b", [](const httplib::Request& req, httplib::Response& res) {
    // "alice:pw" in base64.
    res.status = req.get_header_value("Authorization") == "Basic YWxpY2U6cHc=" ? 200 : 401;
  });
  srv.Start();
  RestConfig c = ConfigFor(srv.url());
  c.username = "alice";
  c.password = "pw";
  auto r = MakeTransport(c)->Do(Get("/b"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, 200);
}

// Hands out "old" until invalidated, then "new".
class RotatingProvider : public CredentialProvider {
 public:
  base::Result<Credential> Get() override {
    ++gets;
    return Credential{invalidated ? "new" : "old", "", ""};
  }
  void Invalidate() override {
    ++invalidations;
    invalidated = true;
  }
  std::atomic<int> gets{0}, invalidations{0};
  std::atomic<bool> invalidated{false};
};

TEST(HttpTransportTest, ProviderIsInvalidatedAndRetriedOnceOn401) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv->Get("/a", [&](const httplib::Request& req, httplib::Response& res) {
    ++hits;
    res.status = req.get_header_value("Authorization") == "Bearer new" ? 200 : 401;
  });
  srv->Get("/never", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 401;
  });
  srv.Start();
  RestConfig c = ConfigFor(srv.url());
  c.bearer_token = "static-ignored";
  auto provider = std::make_shared<RotatingProvider>();
  c.credentials = provider;
  auto t = MakeTransport(c);
  auto r = t->Do(Get("/a"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, 200);
  EXPECT_EQ(hits.load(), 2);
  EXPECT_EQ(provider->invalidations.load(), 1);
  // A credential the server keeps refusing: one refresh, then the 401 is the answer.
  hits = 0;
  auto n = t->Do(Get("/never"));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->code, 401);
  EXPECT_EQ(hits.load(), 2);
  EXPECT_EQ(provider->invalidations.load(), 2);
}

class FailingProvider : public CredentialProvider {
 public:
  base::Result<Credential> Get() override { return base::Status::NotFound("plugin /bin/nope: not found"); }
  void Invalidate() override {}
};

TEST(HttpTransportTest, ProviderFailureIsUnauthenticated) {
  RestConfig c = ConfigFor("http://127.0.0.1:1");
  c.credentials = std::make_shared<FailingProvider>();
  auto r = MakeTransport(c)->Do(Get("/x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kUnauthenticated);
  EXPECT_THAT(r.status().message(), HasSubstr("plugin /bin/nope: not found"));
}

TEST(HttpTransportTest, RateLimiterSpacesRequests) {
  TestServer srv;
  srv->Get("/x", [](const httplib::Request&, httplib::Response& res) { res.status = 200; });
  srv.Start();
  RestConfig c = ConfigFor(srv.url());
  c.qps = 20;
  c.burst = 1;
  auto t = MakeTransport(c);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(t->Do(Get("/x")).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 240ms);  // 5 waits of 50 ms
}

TEST(HttpTransportTest, CreateRejectsBadConfig) {
  EXPECT_EQ(HttpTransport::Create(RestConfig{}).status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpTransport::Create(ConfigFor("ftp://x")).status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpTransport::Create(ConfigFor("https://[oops")).status().code(), base::StatusCode::kInvalidArgument);
  RestConfig bad_ca = ConfigFor("https://127.0.0.1:6443");
  bad_ca.ca_pem = "not a certificate";
  auto r = HttpTransport::Create(bad_ca);
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("certificate authority"));
  RestConfig half = ConfigFor("https://127.0.0.1:6443");
  half.client_cert_pem = "-----BEGIN CERTIFICATE-----\n";
  EXPECT_EQ(HttpTransport::Create(half).status().code(), base::StatusCode::kInvalidArgument);
  RestConfig no_pool = ConfigFor("https://127.0.0.1:6443");
  no_pool.max_connections = 0;
  EXPECT_EQ(HttpTransport::Create(no_pool).status().code(), base::StatusCode::kInvalidArgument);
}

TEST(HttpTransportTest, StreamDeliversChunksUntilTheServerEnds) {
  TestServer srv;
  srv->Get("/watch", [](const httplib::Request&, httplib::Response& res) {
    auto n = std::make_shared<int>(0);
    res.set_chunked_content_provider("application/json", [n](size_t, httplib::DataSink& sink) {
      if (*n == 3) {
        sink.done();
        return true;
      }
      std::string line = "line" + std::to_string((*n)++) + "\n";
      std::this_thread::sleep_for(20ms);
      return sink.write(line.data(), line.size());
    });
  });
  srv.Start();
  auto t = MakeTransport(ConfigFor(srv.url()));
  std::string got;
  auto r = t->Stream(Get("/watch"), [&](std::string_view chunk) {
    got.append(chunk);
    return true;
  }, std::stop_token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, 200);
  EXPECT_EQ(got, "line0\nline1\nline2\n");
  EXPECT_EQ(t->stats().streams_opened, 1);
  EXPECT_EQ(t->stats().connections_opened, 0);  // streams stay out of the pool
}

TEST(HttpTransportTest, StreamStopsPromptlyOnStopAndWhenTheHandlerSaysSo) {
  TestServer srv;
  std::atomic<bool> quit{false};
  srv->Get("/idle", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json", [&](size_t, httplib::DataSink& sink) {
      static const std::string first = "hello\n";
      sink.write(first.data(), first.size());
      while (!quit && sink.is_writable()) std::this_thread::sleep_for(10ms);
      return false;
    });
  });
  srv.Start();
  auto t = MakeTransport(ConfigFor(srv.url()));
  std::stop_source stop;
  std::atomic<bool> got_first{false};
  std::chrono::steady_clock::time_point stopped_at;
  std::thread stopper([&] {
    while (!got_first) std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(100ms);
    stopped_at = std::chrono::steady_clock::now();
    stop.request_stop();
  });
  auto r = t->Stream(Get("/idle"), [&](std::string_view) {
    got_first = true;
    return true;
  }, stop.get_token());
  auto took = std::chrono::steady_clock::now() - stopped_at;
  stopper.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kCancelled);
  EXPECT_LT(took, 200ms);  // woken at once, not at the next 1 s poll
  // The handler ends it: the answer comes back at once.
  auto h = t->Stream(Get("/idle"), [](std::string_view) { return false; }, std::stop_token());
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->code, 200);
  quit = true;
}

TEST(HttpTransportTest, AStalledStreamTimesOut) {
  TestServer srv;
  std::atomic<bool> quit{false};
  srv->Get("/stall", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json", [&](size_t, httplib::DataSink& sink) {
      static const std::string first = "x\n";
      sink.write(first.data(), first.size());
      while (!quit && sink.is_writable()) std::this_thread::sleep_for(10ms);  // then silence
      return false;
    });
  });
  srv.Start();
  HttpRequest req = Get("/stall");
  req.timeout_seconds = 1;  // for streams: at most this long without a byte
  auto start = std::chrono::steady_clock::now();
  auto r = MakeTransport(ConfigFor(srv.url()))->Stream(req, [](std::string_view) { return true; }, std::stop_token());
  auto took = std::chrono::steady_clock::now() - start;
  quit = true;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kTimeout) << r.status().ToString();
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 8s);  // curl averages the speed over a few seconds, so "stalled" is noticed late
}

TEST(HttpTransportTest, StreamReturnsTheErrorBodyOfANon2xxAnswer) {
  TestServer srv;
  srv->Get("/gone", [](const httplib::Request&, httplib::Response& res) {
    res.status = 410;
    res.set_content(R"({"kind":"Status","code":410,"reason":"Expired"})", "application/json");
  });
  srv.Start();
  bool called = false;
  auto r = MakeTransport(ConfigFor(srv.url()))->Stream(Get("/gone"), [&](std::string_view) {
    called = true;
    return true;
  }, std::stop_token());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, 410);
  EXPECT_THAT(r->body, HasSubstr("Expired"));
  EXPECT_FALSE(called);
}

// ---- TLS ----------------------------------------------------------------------------------------

struct KeyPair {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::string key_pem, cert_pem;
};

std::string ToPem(X509* cert) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, n);
  BIO_free(b);
  return out;
}

std::string ToPem(EVP_PKEY* key) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, n);
  BIO_free(b);
  return out;
}

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for |cn| signed by |ca| (self-signed CA when |ca| is null), with |san| if given.
KeyPair MakeCert(const char* cn, const KeyPair* ca, const char* san, bool is_ca) {
  KeyPair kp;
  kp.key = EVP_EC_gen("P-256");
  kp.cert = X509_new();
  X509_set_version(kp.cert, 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(kp.cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(kp.cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(kp.cert), 3600 * 24);
  X509_set_pubkey(kp.cert, kp.key);
  X509_NAME* name = X509_get_subject_name(kp.cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* issuer = ca != nullptr ? ca->cert : kp.cert;
  X509_set_issuer_name(kp.cert, X509_get_subject_name(issuer));
  if (is_ca) {
    AddExt(kp.cert, issuer, NID_basic_constraints, "critical,CA:TRUE");
    AddExt(kp.cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExt(kp.cert, issuer, NID_basic_constraints, "CA:FALSE");
    AddExt(kp.cert, issuer, NID_ext_key_usage, "serverAuth,clientAuth");
  }
  if (san != nullptr) AddExt(kp.cert, issuer, NID_subject_alt_name, san);
  X509_sign(kp.cert, ca != nullptr ? ca->key : kp.key, EVP_sha256());
  kp.key_pem = ToPem(kp.key);
  kp.cert_pem = ToPem(kp.cert);
  return kp;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = MakeCert("test-ca", nullptr, nullptr, true);
    server_ = MakeCert("apiserver", &ca_, "DNS:kube.test", false);
    client_ = MakeCert("alice", &ca_, nullptr, false);
    other_ca_ = MakeCert("other-ca", nullptr, nullptr, true);
  }
  void TearDown() override {
    srv_.reset();
    for (KeyPair* kp : {&ca_, &server_, &client_, &other_ca_}) {
      X509_free(kp->cert);
      EVP_PKEY_free(kp->key);
    }
  }
  // Starts an HTTPS server with |server_|'s certificate; with |require_client_cert|, it accepts only
  // clients with a certificate of |ca_| and echoes their CN.
  void StartServer(bool require_client_cert) {
    X509_STORE* store = nullptr;
    if (require_client_cert) {
      store = X509_STORE_new();
      X509_STORE_add_cert(store, ca_.cert);
    }
    srv_ = std::make_unique<TestServer>(std::make_unique<httplib::SSLServer>(server_.cert, server_.key, store));
    (*srv_)->Get("/who", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.get_header_value("Authorization"), "text/plain");
    });
    srv_->Start();
  }
  RestConfig Config(const std::string& host = "127.0.0.1") {
    RestConfig c = ConfigFor("https://" + host + ":" + std::to_string(srv_->port()));
    c.ca_pem = ca_.cert_pem;
    return c;
  }
  KeyPair ca_, server_, client_, other_ca_;
  std::unique_ptr<TestServer> srv_;
};

TEST_F(TlsTest, VerifiesTheServerAgainstTheConfiguredCaAndName) {
  StartServer(false);
  // The certificate names kube.test, not 127.0.0.1: verification fails...
  auto wrong_name = MakeTransport(Config())->Do(Get("/who"));
  ASSERT_FALSE(wrong_name.ok());
  EXPECT_EQ(wrong_name.status().code(), base::StatusCode::kUnavailable);
  EXPECT_THAT(wrong_name.status().message(), HasSubstr("TLS certificate was not verified"));
  // ...unless tls_server_name says which name to expect.
  RestConfig named = Config();
  named.tls_server_name = "kube.test";
  auto ok = MakeTransport(named)->Do(Get("/who"));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->code, 200);
  // Another CA does not vouch for the server.
  RestConfig other = named;
  other.ca_pem = other_ca_.cert_pem;
  auto untrusted = MakeTransport(other)->Do(Get("/who"));
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.status().code(), base::StatusCode::kUnavailable);
  // Nor does the system bundle.
  RestConfig system = named;
  system.ca_pem.clear();
  EXPECT_FALSE(MakeTransport(system)->Do(Get("/who")).ok());
  // insecure-skip-tls-verify is the explicit way out.
  RestConfig insecure = Config();
  insecure.ca_pem.clear();
  insecure.insecure_skip_tls_verify = true;
  auto r = MakeTransport(insecure)->Do(Get("/who"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, 200);
}

TEST_F(TlsTest, ClientCertificateFromConfigOrProvider) {
  StartServer(/*require_client_cert=*/true);
  RestConfig anonymous = Config();
  anonymous.tls_server_name = "kube.test";
  EXPECT_FALSE(MakeTransport(anonymous)->Do(Get("/who")).ok());

  RestConfig with_cert = anonymous;
  with_cert.client_cert_pem = client_.cert_pem;
  with_cert.client_key_pem = client_.key_pem;
  auto r = MakeTransport(with_cert)->Do(Get("/who"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, 200);

  class CertProvider : public CredentialProvider {
   public:
    explicit CertProvider(const KeyPair& kp) : kp_(kp) {}
    base::Result<Credential> Get() override { return Credential{"", kp_.cert_pem, kp_.key_pem}; }
    void Invalidate() override {}
    const KeyPair& kp_;
  };
  RestConfig via_provider = anonymous;
  via_provider.credentials = std::make_shared<CertProvider>(client_);
  auto p = MakeTransport(via_provider)->Do(Get("/who"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->code, 200);
}

TEST_F(TlsTest, CreateRejectsAKeyThatDoesNotMatchTheCertificate) {
  RestConfig c = ConfigFor("https://127.0.0.1:6443");
  c.client_cert_pem = client_.cert_pem;
  c.client_key_pem = server_.key_pem;
  auto r = HttpTransport::Create(c);
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("does not match"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("PRIVATE KEY")));
}

}  // namespace
}  // namespace capstan::kube
