// Copyright 2026 The capstan Authors.

#include "source/repository.h"

#include <git2.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "base/log.h"
#include "source/git_fetch.h"
#include "source/git_tree.h"
#include "source/git_url.h"

namespace capstan::source {

namespace fs = std::filesystem;

namespace {

using RepoPtr = std::unique_ptr<git_repository, void (*)(git_repository*)>;

bool IsHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

base::Result<RepoPtr> OpenMirror(const std::string& path) {
  git_repository* repo = nullptr;
  if (git_repository_open_bare(&repo, path.c_str()) != 0) {
    return base::Status::Internal("cannot open repository cache " + path + ": " + LastGitError("unknown error"));
  }
  return RepoPtr(repo, git_repository_free);
}

std::string OidHex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

// The commit a reference leads to (annotated tags peeled), or nullopt.
std::optional<std::string> PeelRef(git_repository* repo, const std::string& name) {
  git_reference* ref = nullptr;
  if (git_reference_lookup(&ref, repo, name.c_str()) != 0) return std::nullopt;
  git_object* obj = nullptr;
  int rc = git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT);
  git_reference_free(ref);
  if (rc != 0) return std::nullopt;
  std::string sha = OidHex(*git_object_id(obj));
  git_object_free(obj);
  return sha;
}

bool HasCommit(git_repository* repo, std::string_view sha) {
  git_oid oid;
  if (git_oid_fromstrn(&oid, sha.data(), sha.size()) != 0) return false;
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo, &oid) != 0) return false;
  git_commit_free(c);
  return true;
}

std::string UniqueSuffix() {
  static std::atomic<uint64_t> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) + "-" +
         std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()) % 100000);
}

}  // namespace

std::string DefaultCacheDir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/capstan/repos";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/capstan/repos";
  return "/tmp/capstan-cache-" + std::to_string(::getuid()) + "/repos";
}

base::Result<std::unique_ptr<Repository>> Repository::Open(std::string_view url, const Credentials& credentials,
                                                           const RepositoryOptions& options) {
  EnsureLibgit2();
  UrlCredentials split = SplitUrlCredentials(url);
  CAPSTAN_ASSIGN_OR_RETURN(RepoUrl parsed, ParseRepoUrl(split.url));
  std::unique_ptr<Repository> r(new Repository());
  r->url_ = split.url;
  if (parsed.scheme == "file" && !parsed.scp_like && split.url.find("://") == std::string::npos) {
    std::error_code ec;
    r->url_ = fs::absolute(split.url, ec).lexically_normal().string();
  }
  // url_ holds no password (SplitUrlCredentials); an ssh user name is no secret and helps, an http
  // user name may be a token: redacted.
  r->display_url_ = parsed.scheme == "ssh" ? r->url_ : base::RedactUrl(r->url_);
  r->credentials_ = credentials;
  if (!r->credentials_.HasAuth() && (!split.user.empty() || !split.password.empty())) {
    if (parsed.scheme == "http" || parsed.scheme == "https") r->credentials_.username = split.user;
    r->credentials_.password = split.password;
  }
  r->options_ = options;
  if (r->options_.cache_dir.empty()) r->options_.cache_dir = DefaultCacheDir();
  r->cache_path_ = r->options_.cache_dir + "/" + RepoCacheKey(r->url_);
  r->mirror_path_ = r->cache_path_ + "/repo.git";
  r->checkouts_path_ = r->cache_path_ + "/checkouts";
  std::error_code ec;
  fs::create_directories(r->checkouts_path_, ec);
  if (ec) return base::Status::Internal("cannot create cache directory " + r->checkouts_path_ + ": " + ec.message());
  return r;
}

base::Result<FileLock> Repository::Lock(FileLock::Mode mode) const {
  return FileLock::Acquire(cache_path_ + "/lock", mode, options_.lock_timeout, "the cache of " + display_url_);
}

base::Status Repository::EnsureMirror() const {
  std::error_code ec;
  if (fs::exists(mirror_path_ + "/HEAD", ec)) {
    git_repository* repo = nullptr;
    if (git_repository_open_bare(&repo, mirror_path_.c_str()) == 0) {
      git_repository_free(repo);
      return base::Status::Ok();
    }
    CAPSTAN_LOG_WARN("repository cache {} of {} is unreadable ({}); recreating it", mirror_path_, display_url_,
                     LastGitError("unknown error"));
  }
  fs::remove_all(mirror_path_, ec);
  git_repository* repo = nullptr;
  if (git_repository_init(&repo, mirror_path_.c_str(), /*is_bare=*/1) != 0) {
    return base::Status::Internal("cannot create repository cache " + mirror_path_ + ": " + LastGitError("unknown error"));
  }
  git_repository_free(repo);
  return base::Status::Ok();
}

base::Status Repository::Fetch(std::string_view extra_ref) {
  CAPSTAN_ASSIGN_OR_RETURN(FileLock lock, Lock(FileLock::Mode::kExclusive));
  CAPSTAN_RETURN_IF_ERROR(EnsureMirror());
  CAPSTAN_ASSIGN_OR_RETURN(RepoPtr repo, OpenMirror(mirror_path_));
  FetchSpec spec;
  spec.url = url_;
  spec.display_url = display_url_;
  spec.credentials = &credentials_;
  spec.timeout = options_.fetch_timeout;
  spec.refspecs = {"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"};
  if (!extra_ref.empty()) spec.refspecs.push_back("+" + std::string(extra_ref) + ":" + std::string(extra_ref));
  auto start = std::chrono::steady_clock::now();
  base::Status s = FetchRemote(repo.get(), spec);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (s.ok()) {
    CAPSTAN_LOG_DEBUG("fetched {} in {} ms", display_url_, ms);
  } else {
    CAPSTAN_LOG_INFO("{} (after {} ms)", s.message(), ms);
  }
  return s;
}

base::Result<std::string> Repository::Resolve(std::string_view revision) {
  std::string rev = revision.empty() ? "HEAD" : std::string(revision);
  bool full_sha = rev.size() == GIT_OID_HEXSZ && IsHex(rev);
  if (full_sha) {
    // A commit never changes: no fetch when it is already here.
    CAPSTAN_ASSIGN_OR_RETURN(FileLock lock, Lock(FileLock::Mode::kShared));
    std::error_code ec;
    if (fs::exists(mirror_path_ + "/HEAD", ec)) {
      auto repo = OpenMirror(mirror_path_);
      if (repo.ok() && HasCommit(repo->get(), rev)) return Lower(rev);
    }
  }
  std::string extra;
  if (rev.rfind("refs/", 0) == 0 && rev.rfind("refs/heads/", 0) != 0 && rev.rfind("refs/tags/", 0) != 0) {
    int valid = 0;
    if (git_reference_name_is_valid(&valid, rev.c_str()) == 0 && valid) extra = rev;
  }
  CAPSTAN_RETURN_IF_ERROR(Fetch(extra));

  CAPSTAN_ASSIGN_OR_RETURN(FileLock lock, Lock(FileLock::Mode::kShared));
  CAPSTAN_ASSIGN_OR_RETURN(RepoPtr repo, OpenMirror(mirror_path_));
  git_repository* r = repo.get();
  auto not_found = [&](std::string_view why) {
    return base::Status::NotFound("unable to resolve revision \"" + rev + "\" to a commit SHA in " + display_url_ + ": " +
                                  std::string(why));
  };
  if (rev == "HEAD") {
    if (auto sha = PeelRef(r, "refs/remotes/origin/HEAD")) return *sha;
    return not_found("the remote has no HEAD (an empty repository?)");
  }
  if (rev.rfind("refs/", 0) == 0) {
    if (auto sha = PeelRef(r, rev)) return *sha;
  }
  // Argo CD compares each remote ref's full name and short name; branches come before tags.
  for (const char* prefix : {"refs/heads/", "refs/tags/"}) {
    if (auto sha = PeelRef(r, prefix + rev)) return *sha;
  }
  if (full_sha) {
    if (HasCommit(r, rev)) return Lower(rev);
    return not_found("no such commit");
  }
  if (rev.size() >= 7 && rev.size() < GIT_OID_HEXSZ && IsHex(rev)) {
    git_oid prefix;
    if (git_oid_fromstrn(&prefix, rev.data(), rev.size()) == 0) {
      git_object* obj = nullptr;
      int rc = git_object_lookup_prefix(&obj, r, &prefix, rev.size(), GIT_OBJECT_ANY);
      if (rc == GIT_EAMBIGUOUS) {
        return base::Status::InvalidArgument("revision \"" + rev + "\" is an ambiguous short SHA in " + display_url_);
      }
      if (rc == 0) {
        git_object* commit = nullptr;
        int prc = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT);
        git_object_free(obj);
        if (prc == 0) {
          std::string sha = OidHex(*git_object_id(commit));
          git_object_free(commit);
          return sha;
        }
      }
    }
  }
  return not_found("no branch, tag or commit of that name");
}

base::Result<Checkout> Repository::CheckoutCommit(std::string_view sha_in) {
  std::string sha = Lower(sha_in);
  if (sha.size() != GIT_OID_HEXSZ || !IsHex(sha)) {
    return base::Status::InvalidArgument("checkout: \"" + std::string(sha_in) + "\" is not a full commit SHA");
  }
  std::string dir = checkouts_path_ + "/" + sha;
  CAPSTAN_ASSIGN_OR_RETURN(FileLock held, FileLock::Acquire(dir + ".lock", FileLock::Mode::kShared, options_.lock_timeout,
                                                            "checkout " + sha + " of " + display_url_));
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    ::utimensat(AT_FDCWD, dir.c_str(), nullptr, 0);  // most recently used: pruned last
    return Checkout(dir, sha, std::move(held));
  }
  {
    CAPSTAN_ASSIGN_OR_RETURN(FileLock repo_lock, Lock(FileLock::Mode::kShared));
    CAPSTAN_ASSIGN_OR_RETURN(RepoPtr repo, OpenMirror(mirror_path_));
    git_oid oid;
    git_oid_fromstr(&oid, sha.c_str());
    std::string tmp = checkouts_path_ + "/.tmp-" + sha + "-" + UniqueSuffix();
    fs::create_directory(tmp, ec);
    if (ec) return base::Status::Internal("cannot create " + tmp + ": " + ec.message());
    base::Status s = WriteCommitTree(repo.get(), oid, tmp);
    if (!s.ok()) {
      fs::remove_all(tmp, ec);
      return s.Annotate("checkout " + sha.substr(0, 12) + " of " + display_url_);
    }
    if (::rename(tmp.c_str(), dir.c_str()) != 0) {
      int err = errno;
      fs::remove_all(tmp, ec);
      if (err != EEXIST && err != ENOTEMPTY) {
        return base::Status::Internal("cannot rename checkout into " + dir + ": " + std::strerror(err));
      }
      // Another reader wrote the same commit first: its checkout is identical.
    }
  }
  PruneCheckouts(sha);
  return Checkout(dir, sha, std::move(held));
}

void Repository::PruneCheckouts(const std::string& keep_sha) const {
  std::error_code ec;
  struct Item {
    fs::file_time_type mtime;
    std::string name;
  };
  std::vector<Item> items;
  auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(checkouts_path_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!it->is_directory(ec)) continue;
    auto mtime = it->last_write_time(ec);
    if (name.rfind(".tmp-", 0) == 0) {
      // Left by a process that died while writing; an hour is far longer than any checkout takes.
      if (now - mtime > std::chrono::hours(1)) fs::remove_all(it->path(), ec);
      continue;
    }
    if (name != keep_sha) items.push_back({mtime, name});
  }
  if (static_cast<int>(items.size()) + 1 <= options_.keep_checkouts) return;
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.mtime > b.mtime; });
  for (size_t i = std::max(0, options_.keep_checkouts - 1); i < items.size(); ++i) {
    std::string dir = checkouts_path_ + "/" + items[i].name;
    auto lock = FileLock::TryAcquire(dir + ".lock", FileLock::Mode::kExclusive);
    if (!lock.ok()) continue;  // in use
    fs::remove_all(dir, ec);
  }
}

}  // namespace capstan::source
