// Copyright 2026 The capstan Authors.
//
// Fetching with credentials from real servers on loopback: smart HTTPS with basic auth (lighttpd +
// git http-backend, a CA made for the test and handed to capstan) and SSH with a key (sshd as a test
// daemon with its own host key, known_hosts checked by capstan). Wrong passwords, unknown or changed
// host keys and untrusted certificates each fail with their own message, and no password ever
// reaches a log line, an error, or the cache.

#include <gtest/gtest.h>

#include "source/directory.h"
#include "source/repository.h"
#include "source_test_util.h"

namespace capstan::source_testing {
namespace {

using source::Credentials;

constexpr char kUser[] = "alice";
constexpr char kPassword[] = "pw-Zq81-never-logged";

class SourceAuthTest : public SourceTest {
 protected:
  void SetUp() override {
    SourceTest::SetUp();
    repos_ = scratch_ / "srv";
    fs::create_directories(repos_);
    repo_ = std::make_unique<RepoFixture>(repos_, "app");
    repo_->Write("deploy/cm.yaml", ConfigMapYaml("from-auth-repo"));
    sha_ = repo_->CommitAndPush("first");
  }

  // Resolves main, checks out and renders deploy/; returns the first object's name or the error.
  base::Result<std::string> FetchAndRender(const std::string& url, const Credentials& creds) {
    auto repo = source::Repository::Open(url, creds, Options());
    if (!repo.ok()) return repo.status();
    statuses_.push_back((*repo)->display_url());
    auto sha = (*repo)->Resolve("main");
    if (!sha.ok()) {
      statuses_.push_back(sha.status().ToString());
      return sha.status();
    }
    auto co = (*repo)->CheckoutCommit(*sha);
    if (!co.ok()) return co.status();
    auto objs = source::RenderDirectory(co->dir(), "deploy");
    if (!objs.ok()) return objs.status();
    if (objs->size() != 1) return base::Status::Internal("expected one object");
    return base::GetStringAt((*objs)[0], "metadata/name");
  }

  std::string repos_;
  std::unique_ptr<RepoFixture> repo_;
  std::string sha_;
  std::vector<std::string> statuses_;  // every display URL and error seen
};

TEST_F(SourceAuthTest, HttpsBasicAuthWithTheTestCa) {
  HttpsGit https;
  ASSERT_TRUE(https.Start(repos_, scratch_.path(), kUser, kPassword));
  Credentials creds{.username = kUser, .password = kPassword, .tls_ca_pem = https.ca_pem()};
  auto name = FetchAndRender(https.Url("app"), creds);
  ASSERT_TRUE(name.ok()) << name.status().ToString() << "\nserver log:\n" << https.logs();
  EXPECT_EQ(*name, "from-auth-repo");

  // A second commit comes through the same cache incrementally.
  repo_->Write("deploy/cm.yaml", ConfigMapYaml("updated"));
  repo_->CommitAndPush("second");
  auto again = FetchAndRender(https.Url("app"), creds);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, "updated");
}

TEST_F(SourceAuthTest, HttpsWrongPasswordIsUnauthenticated) {
  HttpsGit https;
  ASSERT_TRUE(https.Start(repos_, scratch_.path(), kUser, kPassword));
  auto r = FetchAndRender(https.Url("app"), {.username = kUser, .password = "not-the-password", .tls_ca_pem = https.ca_pem()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kUnauthenticated) << r.status().ToString();
  EXPECT_EQ(r.status().message(), "fetch " + https.Url("app") + ": authentication failed for user \"alice\"");

  auto none = FetchAndRender(https.Url("app"), {.tls_ca_pem = https.ca_pem()});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), base::StatusCode::kUnauthenticated);
  EXPECT_EQ(none.status().message(), "fetch " + https.Url("app") +
                                         ": the server requires a username and password and none is configured for "
                                         "this repository");
}

TEST_F(SourceAuthTest, HttpsCertificateMustBeTrusted) {
  HttpsGit https;
  ASSERT_TRUE(https.Start(repos_, scratch_.path(), kUser, kPassword));
  auto untrusted = FetchAndRender(https.Url("app"), {.username = kUser, .password = kPassword});
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(untrusted.status().message().find("TLS: the certificate of 127.0.0.1 is not trusted by the system CAs"),
            std::string::npos)
      << untrusted.status().message();

  HttpsGit other;  // a second server with a CA of its own
  ScratchDir other_dir;
  ASSERT_TRUE(other.Start(repos_, other_dir.path(), kUser, kPassword));
  auto wrong_ca = FetchAndRender(https.Url("app"), {.username = kUser, .password = kPassword, .tls_ca_pem = other.ca_pem()});
  ASSERT_FALSE(wrong_ca.ok());
  EXPECT_EQ(wrong_ca.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(wrong_ca.status().message().find("TLS: certificate of 127.0.0.1 is not trusted"), std::string::npos)
      << wrong_ca.status().message();

  // Argo CD's `insecure: "true"` skips verification, as asked.
  auto insecure = FetchAndRender(https.Url("app"), {.username = kUser, .password = kPassword, .insecure = true});
  ASSERT_TRUE(insecure.ok()) << insecure.status().ToString();
}

TEST_F(SourceAuthTest, PasswordAppearsInNoLogLineErrorStatusOrCacheFile) {
  HttpsGit https;
  ASSERT_TRUE(https.Start(repos_, scratch_.path(), kUser, kPassword));
  // Success with credentials, success with the password in the URL, failure with a wrong user (the
  // right password sent and refused), and a timeout while the password is in play.
  Credentials creds{.username = kUser, .password = kPassword, .tls_ca_pem = https.ca_pem()};
  ASSERT_TRUE(FetchAndRender(https.Url("app"), creds).ok());
  std::string url_with_password = https.Url("app");
  url_with_password.insert(std::string("https://").size(), std::string(kUser) + ":" + kPassword + "@");
  auto embedded = FetchAndRender(url_with_password, {.tls_ca_pem = https.ca_pem()});
  ASSERT_TRUE(embedded.ok()) << embedded.status().ToString();
  EXPECT_FALSE(FetchAndRender(https.Url("app"), {.username = "mallory", .password = kPassword, .tls_ca_pem = https.ca_pem()}).ok());
  SilentServer silent;
  source::RepositoryOptions quick = Options();
  quick.fetch_timeout = std::chrono::seconds(1);
  auto hang = source::Repository::Open("https://" + std::string(kUser) + ":" + kPassword + "@127.0.0.1:" +
                                           std::to_string(silent.port()) + "/app.git",
                                       {}, quick);
  ASSERT_TRUE(hang.ok());
  statuses_.push_back((*hang)->display_url());
  statuses_.push_back((*hang)->Resolve("main").status().ToString());
  EXPECT_EQ(statuses_.size(), 6u);  // 4 display URLs, the refused fetch, the timeout

  std::string logs = LogText();
  EXPECT_FALSE(logs.empty()) << "the failed fetches log a warning; the capture must see it";
  EXPECT_EQ(logs.find(kPassword), std::string::npos) << logs;
  for (const std::string& s : statuses_) EXPECT_EQ(s.find(kPassword), std::string::npos) << s;
  // Nothing under the cache directory holds it either (no remote URL with credentials in a config).
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(cache_)) {
    if (!e.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(ReadFile(e.path().string()).find(kPassword), std::string::npos) << e.path();
  }
  EXPECT_GT(files, 10u);
}

TEST_F(SourceAuthTest, SshWithAKeyAndKnownHosts) {
  SshGit ssh;
  ASSERT_TRUE(ssh.Start(scratch_.path()));
  Credentials creds{.ssh_private_key = ssh.client_key(), .ssh_known_hosts = ssh.known_hosts()};
  auto name = FetchAndRender(ssh.Url(repo_->bare()), creds);
  ASSERT_TRUE(name.ok()) << name.status().ToString() << "\nsshd log:\n" << ssh.log();
  EXPECT_EQ(*name, "from-auth-repo");
}

TEST_F(SourceAuthTest, SshUnknownHostKeyIsRefusedNamingHostAndFingerprint) {
  SshGit ssh;
  ASSERT_TRUE(ssh.Start(scratch_.path()));
  std::string host = "[127.0.0.1]:" + std::to_string(ssh.port());
  auto unknown = FetchAndRender(ssh.Url(repo_->bare()), {.ssh_private_key = ssh.client_key()});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(unknown.status().message().find("ssh: unknown host " + host + " (ssh-ed25519 key " + ssh.host_fingerprint() +
                                            "): it is not in known_hosts"),
            std::string::npos)
      << unknown.status().message();

  auto changed = FetchAndRender(ssh.Url(repo_->bare()),
                                {.ssh_private_key = ssh.client_key(), .ssh_known_hosts = ssh.wrong_known_hosts()});
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(changed.status().message().find("ssh: host key for " + host + " does not match known_hosts"), std::string::npos)
      << changed.status().message();
  EXPECT_EQ(ssh.log().find("Accepted publickey"), std::string::npos) << "no login may happen before the host is trusted";
}

TEST_F(SourceAuthTest, SshKeyTheServerDoesNotAuthorizeIsUnauthenticated) {
  SshGit ssh;
  ASSERT_TRUE(ssh.Start(scratch_.path()));
  auto refused = FetchAndRender(ssh.Url(repo_->bare()), {.ssh_private_key = ssh.other_key(), .ssh_known_hosts = ssh.known_hosts()});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), base::StatusCode::kUnauthenticated) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("authentication failed: the server refused the SSH key"), std::string::npos)
      << refused.status().message();

  auto no_key = FetchAndRender(ssh.Url(repo_->bare()), {.ssh_known_hosts = ssh.known_hosts()});
  ASSERT_FALSE(no_key.ok());
  EXPECT_EQ(no_key.status().code(), base::StatusCode::kUnauthenticated) << no_key.status().ToString();
  EXPECT_NE(no_key.status().message().find("requires an SSH private key"), std::string::npos) << no_key.status().message();
}

}  // namespace
}  // namespace capstan::source_testing
