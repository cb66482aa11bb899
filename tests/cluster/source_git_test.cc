// Copyright 2026 The capstan Authors.
//
// source::Repository and directory rendering against real servers on loopback: a bare repository over
// file://, `git daemon` (git://); revision resolution, pushes seen on the next fetch, concurrent
// fetches of one repository, unreachable and hanging servers, paths and files that must be refused.
// (HTTPS and SSH with credentials: source_auth_test.cc.)

#include <gtest/gtest.h>

#include <thread>

#include "base/log.h"
#include "source/app_path.h"
#include "source/directory.h"
#include "source/repository.h"
#include "source/tracking.h"
#include "source_test_util.h"

namespace capstan::source_testing {
namespace {

using source::Repository;

std::vector<std::string> Names(const std::vector<base::Json>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back(base::GetStringAt(o, "metadata/name"));
  return out;
}

class SourceGitTest : public SourceTest {
 protected:
  void SetUp() override {
    SourceTest::SetUp();
    repos_ = scratch_ / "srv";
    fs::create_directories(repos_);
    repo_ = std::make_unique<RepoFixture>(repos_, "app");
    repo_->Write("guestbook/a-cm.yaml", ConfigMapYaml("a"));
    repo_->Write("guestbook/b-list.yaml",
                 "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b1\n"
                 "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b2\n");
    repo_->Write("guestbook/sub/c.json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})");
    repo_->Write("guestbook/README.md", "not a manifest\n");
    first_ = repo_->CommitAndPush("first");
    repo_->Tag("v1");
    repo_->Tag("v1-annotated", /*annotated=*/true);
  }

  // Resolve → checkout → render → track, as `capstan app manifests` does.
  base::Result<std::vector<base::Json>> Manifests(Repository& repo, const std::string& revision, const std::string& path,
                                                  source::DirectoryOptions dir = {}) {
    CAPSTAN_ASSIGN_OR_RETURN(std::string sha, repo.Resolve(revision));
    CAPSTAN_ASSIGN_OR_RETURN(source::Checkout co, repo.CheckoutCommit(sha));
    CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::Json> objs, source::RenderDirectory(co.dir(), path, dir));
    CAPSTAN_RETURN_IF_ERROR(source::AddTrackingAnnotations(objs, {.instance_name = "guestbook", .destination_namespace = "default", .installation_id = ""}));
    return objs;
  }

  std::string repos_;
  std::unique_ptr<RepoFixture> repo_;
  std::string first_;
};

TEST_F(SourceGitTest, FileUrlOfABareRepositoryRendersTheDirectory) {
  auto repo = Open("file://" + repo_->bare());
  ASSERT_TRUE(repo);
  auto objs = Manifests(*repo, "HEAD", "guestbook");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Names(*objs), (std::vector<std::string>{"a", "b1", "b2"}));  // sub/ needs recurse
  EXPECT_EQ(base::GetString((*objs)[0]["metadata"]["annotations"], "argocd.argoproj.io/tracking-id"),
            "guestbook:/ConfigMap:default/a");
  auto deep = Manifests(*repo, "main", "guestbook", {.recurse = true});
  ASSERT_TRUE(deep.ok());
  EXPECT_EQ(Names(*deep), (std::vector<std::string>{"a", "b1", "b2", "c"}));
}

TEST_F(SourceGitTest, GitDaemonResolvesBranchTagShortShaAndHead) {
  GitDaemon daemon;
  ASSERT_TRUE(daemon.Start(repos_, scratch_.path()));
  auto repo = Open(daemon.Url("app"));
  ASSERT_TRUE(repo);
  for (const std::string& rev : std::vector<std::string>{"HEAD", "main", "v1", "v1-annotated", "refs/heads/main",
                                                         first_.substr(0, 7), first_}) {
    auto sha = repo->Resolve(rev);
    ASSERT_TRUE(sha.ok()) << rev << ": " << sha.status().ToString();
    EXPECT_EQ(*sha, first_) << rev;
  }
  auto objs = Manifests(*repo, "v1", "guestbook");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(objs->size(), 3u);
}

TEST_F(SourceGitTest, GitDaemonPushToTheBranchIsSeenOnTheNextFetch) {
  GitDaemon daemon;
  ASSERT_TRUE(daemon.Start(repos_, scratch_.path()));
  auto repo = Open(daemon.Url("app"));
  ASSERT_TRUE(repo);
  ASSERT_EQ(*repo->Resolve("main"), first_);
  repo_->Write("guestbook/d.yaml", ConfigMapYaml("d"));
  std::string second = repo_->CommitAndPush("second");
  ASSERT_NE(second, first_);
  auto sha = repo->Resolve("main");
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  EXPECT_EQ(*sha, second);
  auto objs = Manifests(*repo, "main", "guestbook");
  ASSERT_TRUE(objs.ok());
  EXPECT_EQ(Names(*objs), (std::vector<std::string>{"a", "b1", "b2", "d"}));
  // The tag still names the first commit, and its checkout is still right.
  auto old = Manifests(*repo, "v1", "guestbook");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(Names(*old), (std::vector<std::string>{"a", "b1", "b2"}));
}

TEST_F(SourceGitTest, MissingRevisionNamesTheRevisionAndTheUrl) {
  GitDaemon daemon;
  ASSERT_TRUE(daemon.Start(repos_, scratch_.path()));
  auto repo = Open(daemon.Url("app"));
  ASSERT_TRUE(repo);
  auto r = repo->Resolve("release-9");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "unable to resolve revision \"release-9\" to a commit SHA in " + daemon.Url("app") +
                                      ": no branch, tag or commit of that name");
  auto missing_repo = Open(daemon.Url("nope"));
  ASSERT_TRUE(missing_repo);
  auto m = missing_repo->Resolve("main");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find(daemon.Url("nope")), std::string::npos) << m.status().ToString();
}

TEST_F(SourceGitTest, TwoConcurrentFetchesOfOneRepositoryDoNotCorruptTheCache) {
  GitDaemon daemon;
  ASSERT_TRUE(daemon.Start(repos_, scratch_.path()));
  for (int i = 0; i < 40; ++i) repo_->Write("bulk/f" + std::to_string(i) + ".yaml", ConfigMapYaml("f" + std::to_string(i)));
  std::string head = repo_->CommitAndPush("bulk");
  std::vector<base::Status> errors(2);
  std::vector<size_t> counts(2);
  for (int round = 0; round < 3; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        auto repo = Repository::Open(daemon.Url("app"), {}, Options());  // separate objects, one cache dir
        if (!repo.ok()) {
          errors[t] = repo.status();
          return;
        }
        auto objs = Manifests(**repo, "main", "bulk");
        if (!objs.ok()) {
          errors[t] = objs.status();
          return;
        }
        counts[t] = objs->size();
      });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < 2; ++t) {
      EXPECT_TRUE(errors[t].ok()) << errors[t].ToString();
      EXPECT_EQ(counts[t], 40u);
    }
    repo_->Write("bulk/round" + std::to_string(round) + ".txt", "x");
    head = repo_->CommitAndPush("round");
  }
  auto repo = Open(daemon.Url("app"));
  EXPECT_EQ(*repo->Resolve("main"), head);
  // git itself finds the mirror sound.
  std::string mirror = repo->cache_path() + "/repo.git";
  RunCmd({"git", "-C", mirror, "fsck", "--full", "--strict"});
}

TEST_F(SourceGitTest, UnreachableServerIsUnavailable) {
  int port = FreePort();  // nothing listens there
  auto repo = Open("git://127.0.0.1:" + std::to_string(port) + "/app.git");
  ASSERT_TRUE(repo);
  auto r = repo->Resolve("main");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kUnavailable) << r.status().ToString();
  EXPECT_NE(r.status().message().find("fetch git://127.0.0.1:" + std::to_string(port) + "/app.git"), std::string::npos);
  EXPECT_NE(r.status().message().find("connect"), std::string::npos) << r.status().message();
}

TEST_F(SourceGitTest, HangingServerIsBoundedByTheFetchTimeout) {
  SilentServer silent;
  for (std::string scheme : {"git", "https", "ssh"}) {
    std::string url = scheme + "://127.0.0.1:" + std::to_string(silent.port()) + "/app.git";
    if (scheme == "ssh") url = "ssh://git@127.0.0.1:" + std::to_string(silent.port()) + "/app.git";
    source::RepositoryOptions o = Options();
    o.fetch_timeout = std::chrono::seconds(2);
    auto repo = Repository::Open(url, {}, o);
    ASSERT_TRUE(repo.ok());
    auto start = std::chrono::steady_clock::now();
    auto r = (*repo)->Resolve("main");
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r.ok()) << scheme;
    EXPECT_EQ(r.status().code(), base::StatusCode::kTimeout) << scheme << ": " << r.status().ToString();
    EXPECT_EQ(r.status().message(), "fetch " + url + ": timed out after 2s");
    EXPECT_LT(elapsed, std::chrono::seconds(20)) << scheme << " was not bounded";
  }
}

TEST_F(SourceGitTest, PathsEscapingTheRepositoryAreRefused) {
  GitDaemon daemon;
  ASSERT_TRUE(daemon.Start(repos_, scratch_.path()));
  auto repo = Open(daemon.Url("app"));
  ASSERT_TRUE(repo);
  for (auto [path, message] : std::vector<std::pair<std::string, std::string>>{
           {"..", "..: app path outside root"},
           {"guestbook/../../other", "guestbook/../../other: app path outside root"},
           {"/etc", "/etc: app path is absolute"}}) {
    auto r = Manifests(*repo, "main", path);
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), message);
  }
  // A symlink that leads out of the repository: Argo CD refuses the whole repository.
  repo_->Symlink("escape", "../../../../etc");
  std::string evil = repo_->CommitAndPush("escape");
  auto r = Manifests(*repo, "main", "escape");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("repository contains out-of-bounds symlinks. file: escape"), std::string::npos)
      << r.status().message();
}

TEST_F(SourceGitTest, OversizedFileIsRefusedNamingIt) {
  GitDaemon daemon;
  ASSERT_TRUE(daemon.Start(repos_, scratch_.path()));
  std::string big = ConfigMapYaml("big", "\n  blob: \"" + std::string(11u << 20, 'x') + "\"");
  repo_->Write("guestbook/big.yaml", big);
  repo_->CommitAndPush("big");
  auto repo = Open(daemon.Url("app"));
  ASSERT_TRUE(repo);
  auto r = Manifests(*repo, "main", "guestbook");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "\"big.yaml\" is " + std::to_string(big.size()) +
                                      " bytes, over the limit of 10485760 bytes for one manifest file");
}

TEST_F(SourceGitTest, TooManyDocumentsAreRefusedNamingTheFile) {
  std::string many;
  for (int i = 0; i < 30; ++i) many += ConfigMapYaml("m" + std::to_string(i)) + "---\n";
  repo_->Write("guestbook/many.yaml", many);
  repo_->CommitAndPush("many");
  auto repo = Open("file://" + repo_->bare());
  ASSERT_TRUE(repo);
  auto r = Manifests(*repo, "main", "guestbook", {.max_documents = 20});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "too many documents: more than 20 at \"many.yaml\"");
}

}  // namespace
}  // namespace capstan::source_testing
