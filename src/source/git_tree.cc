// Copyright 2026 The capstan Authors.

#include "source/git_tree.h"

#include <fcntl.h>
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "source/app_path.h"
#include "source/git_fetch.h"

namespace capstan::source {

namespace {

struct Entry {
  std::string path;  // relative, '/'-separated
  git_oid oid;
  git_filemode_t mode;
};

struct WalkState {
  std::vector<Entry> entries;
  std::string bad_path;  // set when a name could escape the destination
};

// Git itself refuses such names; a crafted tree may still hold them.
bool SafeName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
}

int Collect(const char* root, const git_tree_entry* e, void* payload) {
  auto* st = static_cast<WalkState*>(payload);
  std::string name = git_tree_entry_name(e);
  if (!SafeName(name)) {
    st->bad_path = std::string(root) + name;
    return -1;
  }
  st->entries.push_back({std::string(root) + name, *git_tree_entry_id(e), git_tree_entry_filemode(e)});
  return 0;
}

base::Status WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return base::Status::Internal("write " + path + ": " + std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return base::Status::Ok();
}

}  // namespace

base::Status WriteCommitTree(git_repository* repo, const git_oid& commit_id, const std::string& dest) {
  git_commit* commit = nullptr;
  if (git_commit_lookup(&commit, repo, &commit_id) != 0) {
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &commit_id);
    return base::Status::NotFound(std::string("commit ") + hex + " is not in the repository cache");
  }
  std::unique_ptr<git_commit, void (*)(git_commit*)> commit_guard(commit, git_commit_free);
  git_tree* tree = nullptr;
  if (git_commit_tree(&tree, commit) != 0) return base::Status::Internal(LastGitError("cannot read the commit's tree"));
  std::unique_ptr<git_tree, void (*)(git_tree*)> tree_guard(tree, git_tree_free);

  WalkState st;
  if (git_tree_walk(tree, GIT_TREEWALK_PRE, Collect, &st) != 0) {
    if (!st.bad_path.empty()) {
      return base::Status::InvalidArgument("repository contains an invalid path: \"" + st.bad_path + "\"");
    }
    return base::Status::Internal(LastGitError("cannot walk the commit's tree"));
  }
  // Symlinks first: refuse the whole checkout as Argo CD refuses the repository.
  for (const Entry& e : st.entries) {
    if (e.mode != GIT_FILEMODE_LINK) continue;
    git_blob* blob = nullptr;
    if (git_blob_lookup(&blob, repo, &e.oid) != 0) return base::Status::Internal(LastGitError("missing blob"));
    std::string target(static_cast<const char*>(git_blob_rawcontent(blob)), git_blob_rawsize(blob));
    git_blob_free(blob);
    if (!SymlinkStaysInside(e.path, target)) {
      return base::Status::InvalidArgument("repository contains out-of-bounds symlinks. file: " + e.path);
    }
  }
  for (const Entry& e : st.entries) {
    std::string path = dest + "/" + e.path;
    switch (e.mode) {
      case GIT_FILEMODE_TREE:
      case GIT_FILEMODE_COMMIT:  // a submodule: not fetched (see README)
        if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
          return base::Status::Internal("mkdir " + path + ": " + std::strerror(errno));
        }
        break;
      case GIT_FILEMODE_LINK:
      case GIT_FILEMODE_BLOB:
      case GIT_FILEMODE_BLOB_EXECUTABLE: {
        git_blob* blob = nullptr;
        if (git_blob_lookup(&blob, repo, &e.oid) != 0) return base::Status::Internal(LastGitError("missing blob"));
        std::unique_ptr<git_blob, void (*)(git_blob*)> blob_guard(blob, git_blob_free);
        const char* data = static_cast<const char*>(git_blob_rawcontent(blob));
        size_t size = static_cast<size_t>(git_blob_rawsize(blob));
        if (e.mode == GIT_FILEMODE_LINK) {
          std::string target(data, size);
          if (::symlink(target.c_str(), path.c_str()) != 0) {
            return base::Status::Internal("symlink " + path + ": " + std::strerror(errno));
          }
          break;
        }
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        e.mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644);
        if (fd < 0) return base::Status::Internal("create " + path + ": " + std::strerror(errno));
        base::Status s = WriteAll(fd, data, size, path);
        ::close(fd);
        CAPSTAN_RETURN_IF_ERROR(s);
        break;
      }
      default:
        break;
    }
  }
  return base::Status::Ok();
}

}  // namespace capstan::source
