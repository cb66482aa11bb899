// Copyright 2026 The capstan Authors.
//
// A Git repository seen through capstan's local cache: a bare mirror per repository URL under a cache
// directory (keyed by RepoCacheKey: the normalised URL without credentials), fetched incrementally
// with libgit2, plus read-only checkouts of single commits, written once per commit and shared by
// every reader.
//
// Layout under the cache directory (default ~/.cache/capstan/repos):
//   <key>/lock                 flock: exclusive while fetching, shared while reading the mirror
//   <key>/repo.git/            the bare mirror: refs/heads/*, refs/tags/*, refs/remotes/origin/HEAD
//   <key>/checkouts/<sha>/     the tree of one commit (complete once it has this name: written to a
//                              temporary name and renamed)
//   <key>/checkouts/<sha>.lock flock: shared while a Checkout is alive; pruning takes it exclusively
//
// Thread safety: a Repository may be used from several threads at once, and several Repository
// objects for one URL may live in this process and in others: every method opens its own libgit2
// handle and coordinates through the lock files.

#ifndef CAPSTAN_SOURCE_REPOSITORY_H_
#define CAPSTAN_SOURCE_REPOSITORY_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "source/credentials.h"
#include "source/file_lock.h"

namespace capstan::source {

struct RepositoryOptions {
  std::string cache_dir{};                            // "" = DefaultCacheDir()
  std::chrono::milliseconds fetch_timeout{90'000};    // one fetch, connect to last byte (Argo CD's exec timeout)
  std::chrono::milliseconds lock_timeout{300'000};    // waiting for another fetch of the same repository
  int keep_checkouts = 8;                             // checkouts kept per repository (newest used first)
};

// $XDG_CACHE_HOME/capstan/repos, else ~/.cache/capstan/repos.
std::string DefaultCacheDir();

// The tree of one commit on disk. Holds a shared lock so that pruning leaves it alone while it lives.
// Treat the files as read-only: other readers share them.
class Checkout {
 public:
  const std::string& dir() const { return dir_; }
  const std::string& sha() const { return sha_; }

  Checkout(Checkout&&) = default;
  Checkout& operator=(Checkout&&) = default;

 private:
  friend class Repository;
  Checkout(std::string dir, std::string sha, FileLock lock)
      : dir_(std::move(dir)), sha_(std::move(sha)), lock_(std::move(lock)) {}
  std::string dir_;
  std::string sha_;
  FileLock lock_;
};

class Repository {
 public:
  // Prepares access to |url| (any form of ParseRepoUrl; a relative local path is made absolute). No
  // network access. A password in |url| is moved into the credentials (used when |credentials| has
  // none) and never kept in the URL. kInvalidArgument for a bad URL; kInternal when the cache
  // directory cannot be created.
  static base::Result<std::unique_ptr<Repository>> Open(std::string_view url, const Credentials& credentials,
                                                        const RepositoryOptions& options = {});

  // The URL for messages: no userinfo password, ever.
  const std::string& display_url() const { return display_url_; }
  // <cache_dir>/<key>.
  const std::string& cache_path() const { return cache_path_; }

  // Fetches every branch and tag (and |extra_ref|, a full ref name such as refs/pull/7/head, when not
  // empty) into the mirror, pruning refs deleted on the server, under the exclusive lock. Errors as
  // FetchRemote (git_fetch.h), plus kTimeout waiting for the lock.
  base::Status Fetch(std::string_view extra_ref = "");

  // Resolves |revision| (spec.source.targetRevision) to the 40-hex commit SHA the whole operation
  // should use. A full SHA already in the cache needs no fetch; anything else fetches first, so a
  // push to a branch is seen. Resolution, as Argo CD's lsRemote: "" or "HEAD" = the remote's HEAD;
  // a full ref name; a branch; a tag (annotated tags peeled); a full SHA; then 7-39 hex digits as a
  // short SHA. Errors: those of Fetch; kNotFound naming the revision and display_url() when nothing
  // matches; kInvalidArgument for an ambiguous short SHA.
  base::Result<std::string> Resolve(std::string_view revision);

  // The checkout of commit |sha| (40 hex), written from the mirror if it is not on disk yet. Older
  // checkouts beyond options.keep_checkouts that nobody holds are pruned. Errors: kInvalidArgument
  // for a malformed SHA or a tree with out-of-bounds symlinks or invalid paths (nothing is written);
  // kNotFound when the commit is not in the cache (Resolve first); kTimeout waiting for a lock;
  // kInternal for filesystem errors.
  base::Result<Checkout> CheckoutCommit(std::string_view sha);

 private:
  Repository() = default;
  base::Result<FileLock> Lock(FileLock::Mode mode) const;
  base::Status EnsureMirror() const;  // REQUIRES: the exclusive lock
  void PruneCheckouts(const std::string& keep_sha) const;

  std::string url_;          // without password
  std::string display_url_;  // redacted
  Credentials credentials_;
  RepositoryOptions options_;
  std::string cache_path_;
  std::string mirror_path_;
  std::string checkouts_path_;
};

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_REPOSITORY_H_
