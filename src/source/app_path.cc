// Copyright 2026 The capstan Authors.

#include "source/app_path.h"

#include <filesystem>
#include <system_error>
#include <vector>

namespace capstan::source {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

// True when |inner| is |outer| or below it (both canonical).
bool IsWithin(const fs::path& inner, const fs::path& outer) {
  auto [o, i] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return o == outer.end();
}

}  // namespace

std::string CleanRelativePath(std::string_view path) {
  std::vector<std::string> out;
  int ups = 0;
  for (std::string& part : SplitPath(path)) {
    if (part == ".") continue;
    if (part == "..") {
      if (!out.empty()) {
        out.pop_back();
      } else {
        ++ups;
      }
      continue;
    }
    out.push_back(std::move(part));
  }
  std::string result;
  for (int i = 0; i < ups; ++i) result += result.empty() ? ".." : "/..";
  for (const std::string& p : out) {
    if (!result.empty()) result += '/';
    result += p;
  }
  return result;
}

base::Result<std::string> ResolveAppPath(std::string_view root, std::string_view path) {
  std::string quoted(path);
  if (!path.empty() && path.front() == '/') {
    return base::Status::InvalidArgument(quoted + ": app path is absolute");
  }
  std::string clean = CleanRelativePath(path);
  if (clean == ".." || clean.rfind("../", 0) == 0) {
    return base::Status::InvalidArgument(quoted + ": app path outside root");
  }
  std::error_code ec;
  fs::path canonical_root = fs::canonical(fs::path(root), ec);
  if (ec) return base::Status::NotFound("checkout root " + std::string(root) + ": " + ec.message());
  fs::path app = clean.empty() ? canonical_root : canonical_root / clean;
  fs::file_status st = fs::symlink_status(app, ec);
  if (ec || !fs::exists(st)) {
    // A dangling symlink or a missing entry.
    if (fs::is_symlink(st)) {
      return base::Status::InvalidArgument(quoted + ": app path resolves outside root through a symlink");
    }
    return base::Status::NotFound(quoted + ": app path does not exist");
  }
  fs::path resolved = fs::canonical(app, ec);
  if (ec) return base::Status::NotFound(quoted + ": app path does not exist");
  if (!IsWithin(resolved, canonical_root)) {
    return base::Status::InvalidArgument(quoted + ": app path resolves outside root through a symlink");
  }
  if (!fs::is_directory(resolved, ec)) {
    return base::Status::InvalidArgument(quoted + ": app path is not a directory");
  }
  return resolved.string();
}

bool SymlinkStaysInside(std::string_view link_rel, std::string_view target) {
  if (!target.empty() && target.front() == '/') return false;
  // The link's directory, then each component of the target, must stay at depth >= 0.
  std::vector<std::string> dir = SplitPath(link_rel);
  if (!dir.empty()) dir.pop_back();
  std::vector<std::string> cur;
  for (std::string& d : dir) {
    if (d == ".") continue;
    if (d == "..") {
      if (cur.empty()) return false;
      cur.pop_back();
      continue;
    }
    cur.push_back(std::move(d));
  }
  for (std::string& part : SplitPath(target)) {
    if (part == ".") continue;
    if (part == "..") {
      if (cur.empty()) return false;
      cur.pop_back();
      continue;
    }
    cur.push_back(std::move(part));
  }
  return true;
}

base::Status CheckOutOfBoundsSymlinks(std::string_view root) {
  std::error_code ec;
  fs::path base(root);
  fs::recursive_directory_iterator it(base, fs::directory_options::none, ec), end;
  if (ec) return base::Status::Internal("failed to walk for symlinks in " + base.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return base::Status::Internal("failed to walk for symlinks in " + base.string() + ": " + ec.message());
    if (!it->is_symlink(ec)) continue;
    std::string rel = fs::relative(it->path(), base, ec).generic_string();
    fs::path target = fs::read_symlink(it->path(), ec);
    if (ec) return base::Status::Internal("failed to read symlink " + rel + ": " + ec.message());
    if (!SymlinkStaysInside(rel, target.generic_string())) {
      return base::Status::InvalidArgument("repository contains out-of-bounds symlinks. file: " + rel);
    }
  }
  return base::Status::Ok();
}

}  // namespace capstan::source
