// Copyright 2026 The capstan Authors.

#include "source/credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/base64.h"
#include "source/known_hosts.h"

namespace capstan::source {
namespace {

base::Json Secret(std::string_view type, base::Json data) {
  base::Json s = {{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata", {{"name", "repo-a"}, {"namespace", "capstan"}, {"labels", {{std::string(kSecretTypeLabel), type}}}}},
                  {"data", base::Json::object()}};
  for (auto it = data.begin(); it != data.end(); ++it) s["data"][it.key()] = base::Base64Encode(it->get<std::string>());
  return s;
}

TEST(RepositorySecretTest, ParsesArgoCdFields) {
  auto e = ParseRepositorySecret(Secret("repository", {{"url", "https://git.example.com/org/repo.git"},
                                                       {"username", "alice"},
                                                       {"password", "s3cret-pw"},
                                                       {"insecure", "true"},
                                                       {"project", "default"},
                                                       {"tlsClientCertData", "x"}}));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kind, CredentialKind::kRepository);
  EXPECT_EQ(e->url, "https://git.example.com/org/repo.git");
  EXPECT_EQ(e->type, "git");
  EXPECT_EQ(e->project, "default");
  EXPECT_EQ(e->credentials.username, "alice");
  EXPECT_EQ(e->credentials.password, "s3cret-pw");
  EXPECT_TRUE(e->credentials.insecure);
  EXPECT_EQ(e->origin, "secret capstan/repo-a");
  EXPECT_EQ(e->unsupported, std::vector<std::string>{"tlsClientCertData"});

  auto ssh = ParseRepositorySecret(Secret("repo-creds", {{"url", "git@github.com:org"},
                                                         {"sshPrivateKey", "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n"}}));
  ASSERT_TRUE(ssh.ok());
  EXPECT_EQ(ssh->kind, CredentialKind::kRepoCreds);
  EXPECT_EQ(ssh->credentials.ssh_private_key, "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n");
  EXPECT_FALSE(ssh->credentials.insecure);
}

TEST(RepositorySecretTest, StringDataWinsOverData) {
  base::Json s = Secret("repository", {{"url", "https://a/x.git"}, {"password", "old"}});
  s["stringData"] = {{"password", "new"}};
  auto e = ParseRepositorySecret(s);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->credentials.password, "new");
}

TEST(RepositorySecretTest, ErrorsNameSecretAndFieldButNeverTheValue) {
  base::Json no_label = Secret("repository", {{"url", "https://a/x.git"}});
  no_label["metadata"].erase("labels");
  EXPECT_NE(ParseRepositorySecret(no_label).status().message().find("no label argocd.argoproj.io/secret-type"),
            std::string::npos);
  EXPECT_NE(ParseRepositorySecret(Secret("cluster", {{"url", "x"}})).status().message().find("\"cluster\""),
            std::string::npos);
  EXPECT_NE(ParseRepositorySecret(Secret("repository", {{"password", "pw"}})).status().message().find("no url"),
            std::string::npos);

  base::Json bad64 = Secret("repository", {{"url", "https://a/x.git"}});
  bad64["data"]["password"] = "hunter2-not-base64!!";
  auto b = ParseRepositorySecret(bad64);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(b.status().message().find("secret capstan/repo-a: data.password"), std::string::npos) << b.status().message();
  EXPECT_EQ(b.status().message().find("hunter2"), std::string::npos);

  auto boolean = ParseRepositorySecret(Secret("repository", {{"url", "https://a/x.git"}, {"insecure", "yes-please"}}));
  ASSERT_FALSE(boolean.ok());
  EXPECT_NE(boolean.status().message().find("insecure: not a boolean"), std::string::npos);
  EXPECT_EQ(boolean.status().message().find("yes-please"), std::string::npos);

  EXPECT_FALSE(ParseRepositorySecret(base::Json::parse(R"({"kind":"ConfigMap"})")).ok());
}

TEST(MatchCredentialsTest, RepositoryWinsThenLongestRepoCredsPrefix) {
  std::vector<RepoCredentialEntry> entries(4);
  entries[0] = {.kind = CredentialKind::kRepoCreds, .url = "https://git.example.com/"};
  entries[1] = {.kind = CredentialKind::kRepoCreds, .url = "https://git.example.com/team"};
  entries[2] = {.kind = CredentialKind::kRepository, .url = "https://GIT.example.com/team/special"};
  entries[3] = {.kind = CredentialKind::kRepository, .url = "https://git.example.com/team/helmrepo", .type = "helm"};
  EXPECT_EQ(MatchCredentials("https://git.example.com/team/special.git", entries), &entries[2]);
  EXPECT_EQ(MatchCredentials("https://git.example.com/team/other.git", entries), &entries[1]);
  EXPECT_EQ(MatchCredentials("https://git.example.com/elsewhere/x", entries), &entries[0]);
  EXPECT_EQ(MatchCredentials("https://git.example.com/team/helmrepo", entries), &entries[1]);  // helm entries skipped
  EXPECT_EQ(MatchCredentials("https://other.example.com/x", entries), nullptr);
}

TEST(CredentialsFileTest, ReadsEntriesAndReferencedFiles) {
  char tmpl[] = "/tmp/capstan-creds-test-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::ofstream(dir + "/token") << "tok3n\n";
  std::ofstream(dir + "/key") << "KEYDATA";
  std::ofstream(dir + "/repositories.yaml") << R"(repositories:
- url: https://git.example.com/org/repo.git
  username: alice
  passwordFile: token
  insecure: true
- url: ssh://git@127.0.0.1:2222/srv/r.git
  sshPrivateKeyFile: key
  sshKnownHosts: "[127.0.0.1]:2222 ssh-ed25519 AAAA"
credentialTemplates:
- url: https://git.example.com/
  password: "tmpl"
)";
  auto entries = LoadCredentialsFile(dir + "/repositories.yaml");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].credentials.password, "tok3n");
  EXPECT_TRUE((*entries)[0].credentials.insecure);
  EXPECT_EQ((*entries)[1].credentials.ssh_private_key, "KEYDATA");
  EXPECT_EQ((*entries)[1].credentials.ssh_known_hosts, "[127.0.0.1]:2222 ssh-ed25519 AAAA");
  EXPECT_EQ((*entries)[2].kind, CredentialKind::kRepoCreds);
  EXPECT_EQ(MatchCredentials("https://git.example.com/org/repo", *entries), &(*entries)[0]);

  std::ofstream(dir + "/bad.yaml") << "repositories:\n- url: https://x\n  passwordFile: missing\n";
  auto bad = LoadCredentialsFile(dir + "/bad.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("repositories[0]: passwordFile"), std::string::npos) << bad.status().message();

  EXPECT_TRUE(LoadCredentialsFile(dir + "/absent.yaml")->empty());
  EXPECT_EQ(LoadCredentialsFile(dir + "/absent.yaml", false).status().code(), base::StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

// Keys made with ssh-keygen -t ed25519; the hashed line with ssh-keygen -H.
constexpr std::string_view kKey1 = "AAAAC3NzaC1lZDI1NTE5AAAAINCI67H7ecXNpjy0vsiYIza4oMaT9XvLD8idPqIro/nL";
constexpr std::string_view kKey2 = "AAAAC3NzaC1lZDI1NTE5AAAAIDXGrNrxGtYrtzPVQMlAoSe1scW/f5c9agNfpwU4GelG";

std::string Blob(std::string_view b64) { return *base::Base64Decode(b64); }

TEST(KnownHostsTest, MatchesPortsPatternsAndHashedNames) {
  std::string kh = "# comment\n[127.0.0.1]:2222 ssh-ed25519 " + std::string(kKey1) + "\n" +
                   "git.example.com,*.corp.example ssh-ed25519 " + std::string(kKey1) + " host\n";
  EXPECT_EQ(CheckHostKey(kh, "127.0.0.1", 2222, Blob(kKey1)), HostKeyMatch::kMatch);
  EXPECT_EQ(CheckHostKey(kh, "127.0.0.1", 22, Blob(kKey1)), HostKeyMatch::kUnknown);  // port matters
  EXPECT_EQ(CheckHostKey(kh, "127.0.0.1", 2222, Blob(kKey2)), HostKeyMatch::kMismatch);
  EXPECT_EQ(CheckHostKey(kh, "GIT.example.com", 22, Blob(kKey1)), HostKeyMatch::kMatch);
  EXPECT_EQ(CheckHostKey(kh, "a.corp.example", 0, Blob(kKey1)), HostKeyMatch::kMatch);
  EXPECT_EQ(CheckHostKey(kh, "other.example", 22, Blob(kKey1)), HostKeyMatch::kUnknown);
  EXPECT_EQ(CheckHostKey("", "127.0.0.1", 2222, Blob(kKey1)), HostKeyMatch::kUnknown);

  std::string hashed = "|1|mAvAI76IMWfs87b3u0TSkZF0Urw=|HxnJTmcr+LMcypCdP/pbIPMPiug= ssh-ed25519 " + std::string(kKey1);
  EXPECT_EQ(CheckHostKey(hashed, "127.0.0.1", 2222, Blob(kKey1)), HostKeyMatch::kMatch);
  EXPECT_EQ(CheckHostKey(hashed, "127.0.0.2", 2222, Blob(kKey1)), HostKeyMatch::kUnknown);

  std::string negated = "*.example,!bad.example ssh-ed25519 " + std::string(kKey1);
  EXPECT_EQ(CheckHostKey(negated, "good.example", 22, Blob(kKey1)), HostKeyMatch::kMatch);
  EXPECT_EQ(CheckHostKey(negated, "bad.example", 22, Blob(kKey1)), HostKeyMatch::kUnknown);

  std::string revoked = kh + "@revoked * ssh-ed25519 " + std::string(kKey1) + "\n";
  EXPECT_EQ(CheckHostKey(revoked, "127.0.0.1", 2222, Blob(kKey1)), HostKeyMatch::kMismatch);
}

TEST(KnownHostsTest, FingerprintAndTypeMatchOpenSsh) {
  EXPECT_EQ(SshKeyType(Blob(kKey1)), "ssh-ed25519");
  EXPECT_EQ(SshFingerprint(Blob(kKey1)), "SHA256:nNAh9BI8Sw6X50qxckZUst/LWgbNUy8XBm9y2m+LR1M");  // ssh-keygen -lf
  EXPECT_EQ(KnownHostsName("h", 22), "h");
  EXPECT_EQ(KnownHostsName("h", 2222), "[h]:2222");
}

}  // namespace
}  // namespace capstan::source
