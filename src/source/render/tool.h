// Copyright 2026 The capstan Authors.
//
// The external renderers: finding `helm` and `kubectl` (for `kubectl kustomize`) or `kustomize`, and
// running one with the render limits. Argo CD's repo-server runs them the same way (util/exec with
// ARGOCD_EXEC_TIMEOUT, 90 s by default), and its messages are kept: "`helm template` failed exit
// status 1: Error: ..." with the tool's stderr, "`helm template` failed timeout after 90s".
//
// Messages name the tool and its subcommand only ("helm template"), never the other arguments: a
// `--password` or a values file path may be in them.
//
// Thread safety: safe to call from many threads.

#ifndef CAPSTAN_SOURCE_RENDER_TOOL_H_
#define CAPSTAN_SOURCE_RENDER_TOOL_H_

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace capstan::source::render {

// Limits on one render: each renderer process, and everything a source renders.
struct RenderLimits {
  std::chrono::milliseconds timeout{std::chrono::seconds(90)};  // per tool run (Argo CD's exec timeout)
  size_t max_output_bytes = 64u << 20;                          // a tool's stdout, or a Jsonnet result
};

// The path of tool |name| ("helm", "kubectl", "kustomize"): $CAPSTAN_<NAME> (upper case) when set,
// else |name| in $PATH, else ~/.cache/capstan/tools/bin/<name> (where scripts/install-tools puts
// helm). kNotFound naming the tool and how to get it when none exists.
base::Result<std::string> FindTool(std::string_view name);

struct ToolRun {
  std::string display;             // "helm template": what messages name
  std::vector<std::string> argv;   // argv[0] is the tool's path
  std::string working_dir{};       // "" = the caller's
  std::map<std::string, std::string> env{};  // added to the inherited environment
};

// Runs |run| and returns its stdout. Errors:
//   kInvalidArgument   the tool exited non-zero: "`helm template` failed exit status 1: <stderr>"
//                      (stderr trimmed, its last 4 KiB)
//   kTimeout           "`helm template` failed timeout after 90s" (the process group is killed)
//   kInvalidArgument   stdout over |limits.max_output_bytes|: "`helm template` output is over the
//                      limit of N bytes"
//   kNotFound          the executable is missing
base::Result<std::string> RunTool(const ToolRun& run, const RenderLimits& limits);

}  // namespace capstan::source::render

#endif  // CAPSTAN_SOURCE_RENDER_TOOL_H_
