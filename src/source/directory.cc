// Copyright 2026 The capstan Authors.
//
// The walk of getPotentiallyValidManifests (filepath.Walk: lexical order, symlinked directories not
// followed) with the per-file checks of getPotentiallyValidManifestFile, then findManifests' decoding
// and GenerateManifests' List expansion (reposerver/repository/repository.go, Argo CD 3.x).

#include "source/directory.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

#include "base/log.h"
#include "source/app_path.h"
#include "source/glob.h"

namespace capstan::source {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSkipFileRenderingMarker = "+argocd:skip-file-rendering";

// Argo CD: manifestFile = regexp.MustCompile(`^.*\.(yaml|yml|json|jsonnet)$`) on the file name.
bool IsManifestName(std::string_view name) {
  for (std::string_view ext : {".yaml", ".yml", ".json", ".jsonnet"}) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
      return name.find('\n') == std::string_view::npos;
    }
  }
  return false;
}

bool IsJsonnet(std::string_view name) {
  return name.size() >= 8 && name.compare(name.size() - 8, 8, ".jsonnet") == 0;
}

bool IsWithin(const fs::path& inner, const fs::path& outer) {
  auto [o, i] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return o == outer.end();
}

struct Candidate {
  fs::path path;       // as walked (may be a symlink)
  std::string rel;     // relative to the app directory, '/'-separated
  std::string content;
};

class Walker {
 public:
  Walker(fs::path root, const DirectoryOptions& opts, std::optional<Glob> include, std::optional<Glob> exclude)
      : root_(std::move(root)), opts_(opts), include_(std::move(include)),
        exclude_(std::move(exclude)) {}

  base::Status Walk(const fs::path& dir, const std::string& rel_dir) {
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
    if (ec) return base::Status::Internal("failed to read directory " + Quote(rel_dir) + ": " + ec.message());
    std::sort(entries.begin(), entries.end(),
              [](const fs::directory_entry& a, const fs::directory_entry& b) {
                return a.path().filename().string() < b.path().filename().string();
              });
    for (const fs::directory_entry& e : entries) {
      std::string name = e.path().filename().string();
      std::string rel = rel_dir.empty() ? name : rel_dir + "/" + name;
      fs::file_status lst = e.symlink_status(ec);
      if (ec) return base::Status::Internal("failed to stat " + Quote(rel) + ": " + ec.message());
      if (fs::is_directory(lst)) {
        if (opts_.recurse) CAPSTAN_RETURN_IF_ERROR(Walk(e.path(), rel));
        continue;
      }
      CAPSTAN_RETURN_IF_ERROR(Consider(e.path(), rel, name, lst));
    }
    return base::Status::Ok();
  }

  std::vector<Candidate>& candidates() { return candidates_; }

 private:
  static std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

  base::Status Consider(const fs::path& path, const std::string& rel, const std::string& name,
                        fs::file_status lst) {
    if (!IsManifestName(name)) return base::Status::Ok();
    std::error_code ec;
    fs::path real = path;
    if (fs::is_symlink(lst)) {
      fs::path target = fs::canonical(path, ec);
      if (ec) {
        CAPSTAN_LOG_WARN("skipping manifest file {}: destination of symlink {} is missing", Quote(rel), Quote(rel));
        return base::Status::Ok();
      }
      if (!IsWithin(target, root_)) {
        return base::Status::InvalidArgument("illegal filepath in symlink at " + Quote(rel) +
                                             ": it resolves outside the repository");
      }
      real = target;
    }
    fs::file_status st = fs::status(real, ec);
    if (ec || !fs::is_regular_file(st)) {
      CAPSTAN_LOG_WARN("skipping manifest file {}: not a regular file", Quote(rel));
      return base::Status::Ok();
    }
    if (exclude_ && exclude_->Match(rel)) return base::Status::Ok();
    if (include_ && !include_->Match(rel)) return base::Status::Ok();

    uint64_t size = fs::file_size(real, ec);
    if (ec) return base::Status::Internal("failed to stat " + Quote(rel) + ": " + ec.message());
    if (size > opts_.max_file_bytes) {
      return base::Status::InvalidArgument(Quote(rel) + " is " + std::to_string(size) + " bytes, over the limit of " +
                                           std::to_string(opts_.max_file_bytes) +
                                           " bytes for one manifest file");
    }
    Candidate c{path, rel, ""};
    std::ifstream in(real, std::ios::binary);
    if (!in) return base::Status::Internal("failed to read " + Quote(rel));
    c.content.resize(size);
    in.read(c.content.data(), static_cast<std::streamsize>(size));
    c.content.resize(static_cast<size_t>(in.gcount()));
    if (c.content.find(kSkipFileRenderingMarker) != std::string::npos) return base::Status::Ok();
    // Argo CD does not count jsonnet files against the combined limit.
    if (!IsJsonnet(name)) {
      total_ += c.content.size();
      if (opts_.max_total_bytes != 0 && total_ > opts_.max_total_bytes) {
        return base::Status::InvalidArgument("exceeded max combined manifest file size of " +
                                             std::to_string(opts_.max_total_bytes) + " bytes at " + Quote(rel));
      }
    }
    candidates_.push_back(std::move(c));
    return base::Status::Ok();
  }

  fs::path root_;
  const DirectoryOptions& opts_;
  std::optional<Glob> include_, exclude_;
  std::vector<Candidate> candidates_;
  uint64_t total_ = 0;
};

}  // namespace

base::Result<std::vector<base::Json>> RenderDirectory(std::string_view root, std::string_view path,
                                                      const DirectoryOptions& options) {
  CAPSTAN_ASSIGN_OR_RETURN(std::string app, ResolveAppPath(root, path));
  std::optional<Glob> include, exclude;
  if (!options.include.empty()) {
    auto g = Glob::Compile(options.include);
    if (!g.ok()) return g.status().Annotate("directory.include");
    include = std::move(*g);
  }
  if (!options.exclude.empty()) {
    auto g = Glob::Compile(options.exclude);
    if (!g.ok()) return g.status().Annotate("directory.exclude");
    exclude = std::move(*g);
  }
  std::error_code ec;
  fs::path canonical_root = fs::canonical(fs::path(root), ec);
  if (ec) return base::Status::NotFound("checkout root " + std::string(root) + ": " + ec.message());

  Walker walker(canonical_root, options, std::move(include), std::move(exclude));
  CAPSTAN_RETURN_IF_ERROR(walker.Walk(fs::path(app), ""));

  std::vector<base::Json> objects;
  for (Candidate& c : walker.candidates()) {
    if (IsJsonnet(c.rel)) {
      if (options.skip_jsonnet) continue;
      if (!options.jsonnet) {
        return base::Status::FailedPrecondition(
            "\"" + c.rel + "\": jsonnet files are not rendered yet (Argo CD would evaluate it); exclude it with "
            "directory.exclude");
      }
      CAPSTAN_ASSIGN_OR_RETURN(base::Json v, options.jsonnet(c.path.string()));
      std::vector<base::Json> produced;
      if (v.is_array()) {
        for (base::Json& item : v) produced.push_back(std::move(item));
      } else {
        produced.push_back(std::move(v));
      }
      for (base::Json& o : produced) {
        if (!o.is_object()) {
          return base::Status::InvalidArgument("failed to unmarshal generated json \"" + c.rel + "\": not an object");
        }
        objects.push_back(std::move(o));
      }
      continue;
    }
    CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::Json> objs, DecodeManifestFile(c.rel, c.content));
    if (static_cast<int64_t>(objects.size() + objs.size()) > options.max_documents) {
      return base::Status::InvalidArgument("too many documents: more than " + std::to_string(options.max_documents) +
                                           " at \"" + c.rel + "\"");
    }
    for (base::Json& o : objs) objects.push_back(std::move(o));
    c.content.clear();
    c.content.shrink_to_fit();
  }
  CAPSTAN_RETURN_IF_ERROR(ExpandLists(objects));
  return objects;
}

}  // namespace capstan::source
