// Copyright 2026 The capstan Authors.
//
// Repository against local bare repositories (file:// and plain paths), made with the git CLI.
// Network transports are exercised by the cluster-labelled tests in tests/cluster/source_*_test.cc.

#include "source/repository.h"

#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "base/subprocess.h"
#include "source/directory.h"

namespace capstan::source {
namespace {

namespace fs = std::filesystem;

std::string Git(const std::string& dir, std::vector<std::string> args) {
  base::SubprocessOptions o;
  o.argv = {"git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main",
            "-c", "advice.detachedHead=false"};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env = {{"GIT_CONFIG_NOSYSTEM", "1"}, {"HOME", dir}};
  o.timeout = std::chrono::seconds(30);
  auto r = base::RunSubprocess(o);
  EXPECT_TRUE(r.ok() && r->success()) << "git " << args[0] << ": " << (r.ok() ? r->StderrTail() : r.status().ToString());
  std::string out = r.ok() ? r->stdout_text : "";
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class LocalRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan-repo-test-XXXXXX";
    tmp_ = mkdtemp(tmpl);
    bare_ = tmp_ + "/remote.git";
    work_ = tmp_ + "/work";
    cache_ = tmp_ + "/cache";
    fs::create_directories(work_);
    Git(tmp_, {"init", "-q", "--bare", bare_});
    Git(work_, {"init", "-q"});
    Git(work_, {"remote", "add", "origin", bare_});
    Write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n");
    first_ = Commit("first");
    Git(work_, {"tag", "v1"});
    Git(work_, {"tag", "-a", "v1-annotated", "-m", "annotated"});
    Git(work_, {"push", "-q", "origin", "main", "--tags"});
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }
  void Write(const std::string& rel, const std::string& content) {
    fs::path p = fs::path(work_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
  }
  std::string Commit(const std::string& msg) {
    Git(work_, {"add", "-A"});
    Git(work_, {"commit", "-q", "-m", msg});
    return Git(work_, {"rev-parse", "HEAD"});
  }
  std::unique_ptr<Repository> Open(const std::string& url, RepositoryOptions opts = {}) {
    opts.cache_dir = cache_;
    auto r = Repository::Open(url, {}, opts);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }

  std::string tmp_, bare_, work_, cache_, first_;
};

TEST_F(LocalRepoTest, ResolvesBranchTagShortShaHeadAndFullSha) {
  auto repo = Open("file://" + bare_);
  ASSERT_TRUE(repo);
  for (const std::string& rev : std::vector<std::string>{"main", "HEAD", "", "v1", "v1-annotated", "refs/heads/main", "refs/tags/v1",
                          first_.substr(0, 7), first_.substr(0, 12), first_}) {
    auto sha = repo->Resolve(rev);
    ASSERT_TRUE(sha.ok()) << rev << ": " << sha.status().ToString();
    EXPECT_EQ(*sha, first_) << rev;
  }
  std::string upper = first_;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  EXPECT_EQ(*repo->Resolve(upper), first_);
}

TEST_F(LocalRepoTest, MissingRevisionIsNotFoundNamingRevisionAndUrl) {
  auto repo = Open(bare_);
  ASSERT_TRUE(repo);
  auto r = repo->Resolve("no-such-branch");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("\"no-such-branch\""), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(bare_), std::string::npos) << r.status().message();
  auto sha = repo->Resolve("0123456789012345678901234567890123456789");
  EXPECT_EQ(sha.status().code(), base::StatusCode::kNotFound);
}

TEST_F(LocalRepoTest, APushToTheBranchIsSeenOnTheNextResolve) {
  auto repo = Open("file://" + bare_);
  ASSERT_TRUE(repo);
  EXPECT_EQ(*repo->Resolve("main"), first_);
  Write("app/cm2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n");
  std::string second = Commit("second");
  Git(work_, {"push", "-q", "origin", "main"});
  EXPECT_EQ(*repo->Resolve("main"), second);
  EXPECT_EQ(*repo->Resolve("HEAD"), second);
  EXPECT_EQ(*repo->Resolve("v1"), first_);
  // A deleted branch disappears from the cache (fetch prunes).
  Git(work_, {"push", "-q", "origin", "main:gone"});
  EXPECT_TRUE(repo->Resolve("gone").ok());
  Git(work_, {"push", "-q", "origin", ":gone"});
  EXPECT_EQ(repo->Resolve("gone").status().code(), base::StatusCode::kNotFound);
}

TEST_F(LocalRepoTest, CheckoutHoldsTheTreeAndRendersIt) {
  auto repo = Open(bare_);
  ASSERT_TRUE(repo);
  auto sha = repo->Resolve("main");
  ASSERT_TRUE(sha.ok());
  auto co = repo->CheckoutCommit(*sha);
  ASSERT_TRUE(co.ok()) << co.status().ToString();
  EXPECT_EQ(co->sha(), first_);
  auto objs = RenderDirectory(co->dir(), "app");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  ASSERT_EQ(objs->size(), 1u);
  EXPECT_EQ((*objs)[0]["metadata"]["name"], "one");
  auto again = repo->CheckoutCommit(*sha);  // reused, not rewritten
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->dir(), co->dir());
  EXPECT_EQ(repo->CheckoutCommit("xyz").status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(repo->CheckoutCommit("0123456789012345678901234567890123456789").status().code(),
            base::StatusCode::kNotFound);
}

TEST_F(LocalRepoTest, FullShaInTheCacheNeedsNoFetch) {
  auto repo = Open(bare_);
  ASSERT_TRUE(repo);
  ASSERT_TRUE(repo->Resolve("main").ok());
  fs::rename(bare_, bare_ + ".moved");  // the remote is gone
  EXPECT_EQ(*repo->Resolve(first_), first_);
  auto branch = repo->Resolve("main");
  ASSERT_FALSE(branch.ok());
  EXPECT_EQ(branch.status().code(), base::StatusCode::kNotFound) << branch.status().ToString();
}

// A controller fetches on every refresh: a fetch must leave nothing behind. (libgit2 1.5.1's
// url.*.insteadof lookup leaked ~20 KiB per config entry, twice a fetch: 200 fetches kept > 8 MiB.)
TEST_F(LocalRepoTest, RepeatedFetchesDoNotGrowTheHeap) {
  auto repo = Open("file://" + bare_);
  ASSERT_TRUE(repo);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(repo->Resolve("main").ok());  // caches warm
  const size_t before = mallinfo2().uordblks;  // this thread's (the main) arena
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(repo->Resolve("main").ok());
  const size_t after = mallinfo2().uordblks;
  EXPECT_LT(after, before + (1 << 20)) << "200 fetches kept " << (after - before) / 1024 << " KiB";
}

TEST_F(LocalRepoTest, OutOfBoundsSymlinkInTheTreeRefusesTheCheckout) {
  fs::create_symlink("../../etc/passwd", fs::path(work_) / "app" / "evil.yaml");
  std::string sha = Commit("evil");
  Git(work_, {"push", "-q", "origin", "main"});
  auto repo = Open(bare_);
  ASSERT_TRUE(repo);
  ASSERT_EQ(*repo->Resolve("main"), sha);
  auto co = repo->CheckoutCommit(sha);
  ASSERT_FALSE(co.ok());
  EXPECT_EQ(co.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(co.status().message().find("repository contains out-of-bounds symlinks. file: app/evil.yaml"),
            std::string::npos)
      << co.status().message();
  EXPECT_FALSE(fs::exists(repo->cache_path() + "/checkouts/" + sha));
}

TEST_F(LocalRepoTest, ConcurrentFetchesAndCheckoutsOfOneRepositoryAgree) {
  std::vector<std::string> results(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto repo = Repository::Open(bare_, {}, {.cache_dir = cache_});  // separate objects, one cache
      if (!repo.ok()) return;
      auto sha = (*repo)->Resolve(i % 2 ? "main" : "v1");
      if (!sha.ok()) return;
      auto co = (*repo)->CheckoutCommit(*sha);
      if (!co.ok()) return;
      auto objs = RenderDirectory(co->dir(), "app");
      if (objs.ok() && objs->size() == 1) results[i] = *sha;
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& r : results) EXPECT_EQ(r, first_);
}

TEST_F(LocalRepoTest, OldCheckoutsArePrunedUnlessHeld) {
  auto repo = Open(bare_, {.keep_checkouts = 2});
  ASSERT_TRUE(repo);
  std::vector<std::string> shas = {first_};
  for (int i = 0; i < 3; ++i) {
    Write("app/n.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: n" + std::to_string(i) + "\n");
    shas.push_back(Commit("c" + std::to_string(i)));
  }
  Git(work_, {"push", "-q", "origin", "main"});
  ASSERT_TRUE(repo->Fetch().ok());
  auto held = repo->CheckoutCommit(shas[0]);  // kept alive through the loop
  ASSERT_TRUE(held.ok());
  for (size_t i = 1; i < shas.size(); ++i) {
    ASSERT_TRUE(repo->CheckoutCommit(shas[i]).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::string dir = repo->cache_path() + "/checkouts/";
  EXPECT_TRUE(fs::exists(dir + shas[0])) << "held checkouts survive";
  EXPECT_TRUE(fs::exists(dir + shas[3]));
  EXPECT_FALSE(fs::exists(dir + shas[1]));
}

TEST(RepositoryOpenTest, RejectsBadUrlsAndKeepsPasswordsOutOfTheDisplayUrl) {
  EXPECT_EQ(Repository::Open("ftp://x/y", {}).status().code(), base::StatusCode::kInvalidArgument);
  auto r = Repository::Open("https://alice:pw-in-url@127.0.0.1:1/r.git", {}, {.cache_dir = "/tmp/capstan-open-test"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->display_url(), "https://127.0.0.1:1/r.git");
  EXPECT_EQ((*r)->cache_path().find("pw-in-url"), std::string::npos);
  std::error_code ec;
  fs::remove_all("/tmp/capstan-open-test", ec);
}

}  // namespace
}  // namespace capstan::source
