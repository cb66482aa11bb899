// Copyright 2026 The capstan Authors.

#include "localnode/log_server.h"

#include <httplib.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace capstan::localnode {
namespace {

TEST(SelectLogTest, WholeTextWithoutParameters) {
  EXPECT_EQ(SelectLog("a\nb\nc\n", std::nullopt, std::nullopt), "a\nb\nc\n");
}

TEST(SelectLogTest, TailLines) {
  EXPECT_EQ(SelectLog("a\nb\nc\n", 1, std::nullopt), "c\n");
  EXPECT_EQ(SelectLog("a\nb\nc\n", 2, std::nullopt), "b\nc\n");
  EXPECT_EQ(SelectLog("a\nb\nc\n", 10, std::nullopt), "a\nb\nc\n");
  EXPECT_EQ(SelectLog("a\nb\nc", 1, std::nullopt), "c");  // last line without a newline
  EXPECT_EQ(SelectLog("a\nb\nc", 2, std::nullopt), "b\nc");
  EXPECT_EQ(SelectLog("a\nb\n", 0, std::nullopt), "");
  EXPECT_EQ(SelectLog("", 3, std::nullopt), "");
}

TEST(SelectLogTest, LimitBytesAppliesAfterTheTail) {
  EXPECT_EQ(SelectLog("hello\nworld\n", std::nullopt, 3), "hel");
  EXPECT_EQ(SelectLog("hello\nworld\n", 1, 3), "wor");
  EXPECT_EQ(SelectLog("hello\n", std::nullopt, 100), "hello\n");
  EXPECT_EQ(SelectLog("hello\n", std::nullopt, 0), "");
}

class LogServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("localnode-log-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                      "-subj /CN=localnode -keyout " + (dir_ / "key.pem").string() + " -out " +
                      (dir_ / "cert.pem").string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  LogServerOptions Options() {
    LogServerOptions opts;
    opts.cert_file = (dir_ / "cert.pem").string();
    opts.key_file = (dir_ / "key.pem").string();
    return opts;
  }

  std::filesystem::path dir_;
};

TEST_F(LogServerTest, ServesLogsOverTls) {
  auto server = LogServer::Start(Options(), [](const std::string& ns, const std::string& pod,
                                               const std::string& container, bool previous) -> std::optional<std::string> {
    if (ns == "ns" && pod == "p" && container == "main") return std::string("one\ntwo\nthree\n");
    return std::nullopt;
  });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  int port = (*server)->port();
  ASSERT_GT(port, 0);

  httplib::SSLClient client("127.0.0.1", port);
  client.enable_server_certificate_verification(false);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok");

  auto all = client.Get("/containerLogs/ns/p/main");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  EXPECT_EQ(all->body, "one\ntwo\nthree\n");

  auto tail = client.Get("/containerLogs/ns/p/main?tailLines=1");
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->body, "three\n");

  auto limited = client.Get("/containerLogs/ns/p/main?tailLines=2&limitBytes=5");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->body, "two\nt");

  auto missing = client.Get("/containerLogs/ns/other/main");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  auto bad = client.Get("/containerLogs/ns/p/main?tailLines=x");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);

  (*server)->Stop();
  (*server)->Stop();  // idempotent
  httplib::SSLClient after("127.0.0.1", port);
  after.enable_server_certificate_verification(false);
  after.set_connection_timeout(std::chrono::seconds(1));
  EXPECT_FALSE(after.Get("/healthz"));
}

TEST_F(LogServerTest, MissingCertificateIsAnError) {
  LogServerOptions opts = Options();
  opts.cert_file = (dir_ / "nope.pem").string();
  auto server = LogServer::Start(opts, [](auto&&...) { return std::nullopt; });
  ASSERT_FALSE(server.ok());
  EXPECT_TRUE(server.status().IsInvalidArgument());
}

TEST_F(LogServerTest, BusyPortIsUnavailable) {
  auto first = LogServer::Start(Options(), [](auto&&...) { return std::nullopt; });
  ASSERT_TRUE(first.ok());
  LogServerOptions opts = Options();
  opts.port = (*first)->port();
  auto second = LogServer::Start(opts, [](auto&&...) { return std::nullopt; });
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsUnavailable());
}

}  // namespace
}  // namespace capstan::localnode
