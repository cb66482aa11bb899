// Copyright 2026 The capstan Authors.

#include "source/render/render_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "base/log.h"
#include "source/git_url.h"

namespace capstan::source::render {
namespace fs = std::filesystem;

std::string RenderCache::KeyOf(const base::Json& parts) {
  return Sha256Hex("capstan-render-v1\n" + parts.dump());
}

std::optional<std::vector<base::Json>> RenderCache::Get(const std::string& key) const {
  if (dir_.empty()) return std::nullopt;
  std::ifstream in(dir_ + "/" + key + ".json", std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = base::ParseJson(text.str(), "render cache entry");
  if (!parsed.ok() || !parsed->is_array()) return std::nullopt;
  std::vector<base::Json> out;
  out.reserve(parsed->size());
  for (base::Json& o : *parsed) out.push_back(std::move(o));
  return out;
}

void RenderCache::Put(const std::string& key, const std::vector<base::Json>& objects) const {
  if (dir_.empty()) return;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  ::chmod(dir_.c_str(), 0700);
  std::string tmp = dir_ + "/." + key + "." + std::to_string(::getpid()) + "." +
                    std::to_string(std::random_device{}()) + ".tmp";
  {
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      CAPSTAN_LOG_WARN("render cache: cannot write {}: {}", tmp, std::strerror(errno));
      return;
    }
    std::string text = base::Json(objects).dump();
    size_t off = 0;
    while (off < text.size()) {
      ssize_t n = ::write(fd, text.data() + off, text.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    ::close(fd);
    if (off != text.size()) {
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, dir_ + "/" + key + ".json", ec);
  if (ec) {
    fs::remove(tmp, ec);
    return;
  }
  Prune();
}

void RenderCache::Prune() const {
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".json") continue;
    std::error_code tec;
    auto t = it->last_write_time(tec);
    if (!tec) entries.emplace_back(t, it->path());
  }
  if (entries.size() <= max_entries_) return;
  std::sort(entries.begin(), entries.end());
  for (size_t i = 0; i + max_entries_ < entries.size(); ++i) fs::remove(entries[i].second, ec);
}

std::string ToolIdentity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return path + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace capstan::source::render
