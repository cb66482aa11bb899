// Copyright 2026 The capstan Authors.
//
// Internal to source/: writing the tree of one commit to a directory, straight from the object
// database (no index, no worktree bookkeeping), refusing out-of-bounds symlinks before anything is
// written.
//
// Thread safety: as libgit2 — one git_repository per thread.

#ifndef CAPSTAN_SOURCE_GIT_TREE_H_
#define CAPSTAN_SOURCE_GIT_TREE_H_

#include <string>

#include "base/status.h"

struct git_repository;
struct git_oid;

namespace capstan::source {

// Writes the tree of commit |commit| into the existing empty directory |dest|: directories 0755,
// files 0644 (0755 when executable in Git), symlinks as symlinks, submodules as empty directories.
// kInvalidArgument "repository contains out-of-bounds symlinks. file: <path>" (Argo CD's message) when
// a symlink is absolute or leads out of the tree, checked before anything is written; kNotFound when
// the commit is missing; kInternal on a write error.
base::Status WriteCommitTree(git_repository* repo, const git_oid& commit, const std::string& dest);

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_GIT_TREE_H_
