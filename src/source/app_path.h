// Copyright 2026 The capstan Authors.
//
// Where an Application's `spec.source.path` lies in a checkout, and whether a checkout holds a
// symlink that leads out of it. Both follow Argo CD (util/app/path/path.go: Path and
// CheckOutOfBoundsSymlinks), plus one check Argo CD does not make: the app directory itself must not
// resolve outside the root through a symlinked parent.
//
// Thread safety: functions read the filesystem only; safe to call concurrently.

#ifndef CAPSTAN_SOURCE_APP_PATH_H_
#define CAPSTAN_SOURCE_APP_PATH_H_

#include <string>
#include <string_view>

#include "base/result.h"

namespace capstan::source {

// The absolute directory of |path| (spec.source.path; "" or "." = the root) inside |root|.
// Errors, each naming |path| as Argo CD's messages do:
//   kInvalidArgument "<path>: app path is absolute"
//   kInvalidArgument "<path>: app path outside root"       (after cleaning, e.g. "../x", "a/../../x")
//   kInvalidArgument "<path>: app path resolves outside root through a symlink"
//   kNotFound        "<path>: app path does not exist"
//   kInvalidArgument "<path>: app path is not a directory"
base::Result<std::string> ResolveAppPath(std::string_view root, std::string_view path);

// Walks |root| and refuses any symlink that is absolute or whose target, followed one component at
// a time from the link's directory, leaves |root| (Argo CD CheckOutOfBoundsSymlinks). kInvalidArgument
// "repository contains out-of-bounds symlinks. file: <path relative to root>"; kInternal when the walk
// fails.
base::Status CheckOutOfBoundsSymlinks(std::string_view root);

// The same test for one link at |link_rel| (relative to the root, '/'-separated) with |target|:
// true when it stays inside. Shared with the checkout code, which tests tree entries before writing.
bool SymlinkStaysInside(std::string_view link_rel, std::string_view target);

// |path| with "." and ".." components and repeated '/' removed, lexically (Go's filepath.Clean for
// relative paths). A result starting with ".." means the path leaves its base; "" means the base.
std::string CleanRelativePath(std::string_view path);

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_APP_PATH_H_
