// Copyright 2026 The capstan Authors.

#include "source/git_url.h"

#include <gtest/gtest.h>

namespace capstan::source {
namespace {

TEST(GitUrlTest, ParsesHttpsWithPortAndUserinfoWithoutKeepingThePassword) {
  auto u = ParseRepoUrl("https://alice:s3cret@Git.Example.com:8443/org/repo.git");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->user, "alice");
  EXPECT_EQ(u->host, "Git.Example.com");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path, "/org/repo.git");
}

TEST(GitUrlTest, ParsesScpLikeSshAndLocalPaths) {
  auto scp = ParseRepoUrl("git@github.com:argoproj/argocd-example-apps.git");
  ASSERT_TRUE(scp.ok());
  EXPECT_EQ(scp->scheme, "ssh");
  EXPECT_TRUE(scp->scp_like);
  EXPECT_EQ(scp->user, "git");
  EXPECT_EQ(scp->host, "github.com");
  EXPECT_EQ(scp->path, "argoproj/argocd-example-apps.git");
  EXPECT_EQ(scp->EffectivePort(), 22);

  auto ssh = ParseRepoUrl("ssh://git@127.0.0.1:2222/srv/repo.git");
  ASSERT_TRUE(ssh.ok());
  EXPECT_EQ(ssh->host, "127.0.0.1");
  EXPECT_EQ(ssh->port, 2222);
  EXPECT_EQ(ssh->path, "/srv/repo.git");

  auto local = ParseRepoUrl("/tmp/x/repo.git");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->scheme, "file");
  EXPECT_EQ(local->path, "/tmp/x/repo.git");

  auto file = ParseRepoUrl("file:///tmp/x/repo.git");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->scheme, "file");
  EXPECT_EQ(file->path, "/tmp/x/repo.git");

  auto v6 = ParseRepoUrl("https://[::1]:8443/r.git");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);
}

TEST(GitUrlTest, RejectsBadUrlsWithoutQuotingThePassword) {
  for (std::string_view bad : {"", "ftp://host/x", "https:///x", "https://u:pw@host:99999/x"}) {
    auto u = ParseRepoUrl(bad);
    ASSERT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(u.status().message().find("pw@"), std::string::npos) << u.status().message();
  }
}

TEST(GitUrlTest, SplitsCredentialsOffTheUrl) {
  auto c = SplitUrlCredentials("https://alice:s3cret@host/org/repo.git");
  EXPECT_EQ(c.url, "https://host/org/repo.git");
  EXPECT_EQ(c.user, "alice");
  EXPECT_EQ(c.password, "s3cret");

  auto token = SplitUrlCredentials("https://ghp_token@host/org/repo.git");
  EXPECT_EQ(token.url, "https://host/org/repo.git");
  EXPECT_EQ(token.user, "ghp_token");
  EXPECT_EQ(token.password, "");

  auto ssh = SplitUrlCredentials("ssh://git:pw@host:22/r.git");
  EXPECT_EQ(ssh.url, "ssh://git@host:22/r.git");
  EXPECT_EQ(ssh.password, "pw");

  auto plain = SplitUrlCredentials("https://host/r.git");
  EXPECT_EQ(plain.url, "https://host/r.git");
  EXPECT_TRUE(plain.user.empty());
}

// Cases of Argo CD util/git/git_test.go TestNormalizeUrl / TestSameURL.
TEST(GitUrlTest, NormalizesLikeArgoCd) {
  EXPECT_EQ(NormalizeRepoUrl("git@GITHUB.com:argoproj/test"), "git@github.com/argoproj/test");
  EXPECT_EQ(NormalizeRepoUrl("git@GITHUB.com:argoproj/test.git"), "git@github.com/argoproj/test");
  EXPECT_EQ(NormalizeRepoUrl("ssh://git@github.com/argoproj/test.git"), "git@github.com/argoproj/test");
  EXPECT_EQ(NormalizeRepoUrl("  https://github.com/argoproj/test.git "), "https://github.com/argoproj/test");
  EXPECT_TRUE(SameRepoUrl("https://github.com/argoproj/test", "https://GITHUB.com/argoproj/test.git"));
  EXPECT_TRUE(SameRepoUrl("git@GITHUB.com:argoproj/test", "ssh://git@github.com/argoproj/test.git"));
  EXPECT_FALSE(SameRepoUrl("https://github.com/argoproj/test1", "https://github.com/argoproj/test2"));
}

TEST(GitUrlTest, CacheKeyIsStableSafeAndIgnoresPasswords) {
  std::string a = RepoCacheKey("https://Host.example/org/Repo.git");
  EXPECT_EQ(a, RepoCacheKey("https://host.example:443/org/Repo"));
  EXPECT_EQ(a, RepoCacheKey("https://alice:pw@host.example/org/Repo.git/"));
  EXPECT_NE(a, RepoCacheKey("https://host.example/org/repo.git"));  // path case is kept
  EXPECT_NE(a, RepoCacheKey("http://host.example/org/Repo.git"));
  for (char c : a) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') << a;
  EXPECT_EQ(a.find("pw"), std::string::npos);
  EXPECT_EQ(RepoCacheKey("/tmp/../etc").find('/'), std::string::npos);
}

}  // namespace
}  // namespace capstan::source
