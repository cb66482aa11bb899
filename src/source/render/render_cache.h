// Copyright 2026 The capstan Authors.
//
// RenderCache: rendered objects kept on disk, keyed by everything the render depends on — the
// repository, the commit, the path, the source type and its options, the build environment (app
// name and namespace, cluster version and API versions), the commits of `ref` sources, and the
// renderer binary (path, size and modification time: an upgraded helm is a miss). A commit is
// immutable, so an entry never goes stale; it only stops being asked for.
//
// Layout: <dir>/<sha256 of the key>.json, the objects as a JSON array, written to a temporary file
// and renamed (a reader sees a whole entry or none), mode 0600 in a 0700 directory (rendered
// manifests may hold Secrets, as the checkouts beside them do). At most |max_entries| are kept; the
// least recently written go first.
//
// Thread safety: safe to use from several threads and processes.

#ifndef CAPSTAN_SOURCE_RENDER_RENDER_CACHE_H_
#define CAPSTAN_SOURCE_RENDER_RENDER_CACHE_H_

#include <optional>
#include <string>
#include <vector>

#include "base/json.h"

namespace capstan::source::render {

class RenderCache {
 public:
  // |dir| "" disables the cache (Get misses, Put does nothing).
  explicit RenderCache(std::string dir, size_t max_entries = 512) : dir_(std::move(dir)), max_entries_(max_entries) {}

  // The key for |parts| (a JSON object of everything the render depends on).
  static std::string KeyOf(const base::Json& parts);

  // The objects stored under |key|, or nullopt (absent, unreadable or damaged: a miss, never an error).
  std::optional<std::vector<base::Json>> Get(const std::string& key) const;
  // Stores |objects| under |key|; failures are logged and otherwise ignored (the cache is an optimisation).
  void Put(const std::string& key, const std::vector<base::Json>& objects) const;

 private:
  void Prune() const;
  std::string dir_;
  size_t max_entries_;
};

// Identifies the renderer binary at |path| for cache keys: "path:size:mtime", or "" when it cannot
// be read.
std::string ToolIdentity(const std::string& path);

}  // namespace capstan::source::render

#endif  // CAPSTAN_SOURCE_RENDER_RENDER_CACHE_H_
