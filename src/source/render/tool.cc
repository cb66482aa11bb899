// Copyright 2026 The capstan Authors.

#include "source/render/tool.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "base/subprocess.h"

namespace capstan::source::render {
namespace {

bool IsExecutable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string InPath(std::string_view name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::string_view rest(path);
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    std::string_view dir = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    if (dir.empty()) continue;
    std::string candidate = std::string(dir) + "/" + std::string(name);
    if (IsExecutable(candidate)) return candidate;
  }
  return "";
}

std::string Seconds(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

}  // namespace

base::Result<std::string> FindTool(std::string_view name) {
  std::string var = "CAPSTAN_";
  for (char c : name) var += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (const char* set = std::getenv(var.c_str()); set != nullptr && *set != '\0') {
    if (!IsExecutable(set)) return base::Status::NotFound(var + "=" + set + ": not an executable file");
    return std::string(set);
  }
  if (std::string found = InPath(name); !found.empty()) return found;
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  std::string cache = xdg != nullptr && *xdg != '\0' ? std::string(xdg)
                      : home != nullptr               ? std::string(home) + "/.cache"
                                                      : std::string();
  if (!cache.empty()) {
    std::string candidate = cache + "/capstan/tools/bin/" + std::string(name);
    if (IsExecutable(candidate)) return candidate;
  }
  return base::Status::NotFound(std::string(name) + " not found: not in $PATH nor in " +
                                (cache.empty() ? std::string("~/.cache") : cache) +
                                "/capstan/tools/bin (scripts/install-tools installs it), and " + var +
                                " is not set");
}

base::Result<std::string> RunTool(const ToolRun& run, const RenderLimits& limits) {
  base::SubprocessOptions opts;
  opts.argv = run.argv;
  opts.env = run.env;
  opts.working_dir = run.working_dir;
  opts.timeout = limits.timeout;
  opts.max_stdout_bytes = limits.max_output_bytes;
  auto r = base::RunSubprocess(opts);
  if (!r.ok()) {
    switch (r.status().code()) {
      case base::StatusCode::kTimeout:
        return base::Status::Timeout("`" + run.display + "` failed timeout after " + Seconds(limits.timeout));
      case base::StatusCode::kInvalidArgument:  // stdout over the limit
        return base::Status::InvalidArgument("`" + run.display + "` output is over the limit of " +
                                             std::to_string(limits.max_output_bytes) + " bytes");
      default:
        return r.status();
    }
  }
  if (!r->success()) {
    return base::Status::InvalidArgument("`" + run.display + "` failed " + r->Describe() + ": " +
                                         r->StderrTail(4096));
  }
  return std::move(r->stdout_text);
}

}  // namespace capstan::source::render
