// Copyright 2026 The capstan Authors.

#include "source/render/kustomize.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "base/yaml.h"
#include "source/render/kustomize_edit.h"

namespace capstan::source::render {
namespace {

namespace fs = std::filesystem;

// Argo CD: util/kustomize KustomizationNames, in the order they are looked for.
constexpr const char* kKustomizationNames[] = {"kustomization.yaml", "kustomization.yml", "Kustomization"};

std::string FindKustomizationFile(const fs::path& dir) {
  for (const char* name : kKustomizationNames) {
    std::error_code ec;
    if (fs::is_regular_file(dir / name, ec)) return name;
  }
  return "";
}

// A scratch copy of a checkout, removed when it goes out of scope.
class ScratchCopy {
 public:
  ScratchCopy() = default;
  ScratchCopy(const ScratchCopy&) = delete;
  ScratchCopy& operator=(const ScratchCopy&) = delete;
  ~ScratchCopy() {
    if (dir_.empty()) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Copies the tree at |root| into a new temporary directory: directories created, symlinks
  // recreated (the checkout has refused out-of-bounds ones), files hard linked — or copied when the
  // temporary directory is on another file system.
  base::Status Make(const fs::path& root) {
    std::error_code ec;
    fs::path tmp = fs::temp_directory_path(ec);
    if (ec) tmp = "/tmp";
    std::string templ = (tmp / "capstan-kustomize-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      return base::Status::Internal("kustomize: cannot create a scratch directory in " + tmp.string());
    }
    dir_ = templ;
    bool link = true;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::directory_entry& entry = *it;
      const fs::path target = dir_ / entry.path().lexically_relative(root);
      std::error_code step;
      if (entry.is_symlink(step)) {
        fs::create_symlink(fs::read_symlink(entry.path(), step), target, step);
      } else if (entry.is_directory(step)) {
        fs::create_directory(target, step);
      } else if (entry.is_regular_file(step)) {
        if (link) {
          fs::create_hard_link(entry.path(), target, step);
          if (step) link = false;  // EXDEV and the like: copy from now on
        }
        if (!link) {
          step.clear();
          fs::copy_file(entry.path(), target, step);
        }
      }
      if (step) {
        return base::Status::Internal("kustomize: copying the checkout: " + entry.path().string() + ": " +
                                      step.message());
      }
    }
    if (ec) return base::Status::Internal("kustomize: copying the checkout " + root.string() + ": " + ec.message());
    return base::Status::Ok();
  }

  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

// Writes |text| to |path| as a new file: a hard link to the shared checkout is removed first, so
// the checkout's file is never written.
base::Status ReplaceFile(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::remove(path, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return base::Status::Internal("kustomize: cannot write " + path.string());
  return base::Status::Ok();
}

base::Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Status::NotFound("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The command that builds a kustomization: `kustomize build DIR`, else `kubectl kustomize DIR`.
base::Result<ToolRun> BuildCommand(const fs::path& dir) {
  ToolRun run;
  run.display = "kustomize build";
  if (auto kustomize = FindTool("kustomize"); kustomize.ok()) {
    run.argv = {*kustomize, "build", dir.string()};
    return run;
  }
  auto kubectl = FindTool("kubectl");
  if (!kubectl.ok()) {
    return base::Status::NotFound("kustomize sources need `kustomize` or `kubectl` (kubectl kustomize): " +
                                  kubectl.status().message());
  }
  run.argv = {*kubectl, "kustomize", dir.string()};
  return run;
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// `kubectl kustomize` reports a failure through klog (`E1127 12:00:00.000000 123 run.go:72] "command
// failed" err="accumulating resources: ..."`, or err=<...> with tab-indented lines when the error has
// several); `kustomize build` prints "Error: accumulating resources: ...", which is what Argo CD
// shows. The klog form is turned into kustomize's; any other message is kept.
std::string AsKustomizeError(const std::string& msg) {
  static const std::string kMarker = "\"command failed\" err=";
  const size_t marker = msg.find(kMarker);
  const size_t head = msg.find(": ");  // after "`kustomize build` failed exit status 1"
  if (marker == std::string::npos || head == std::string::npos || head > marker) return msg;
  std::string_view err(msg);
  err.remove_prefix(marker + kMarker.size());
  std::string text;
  if (!err.empty() && err.front() == '"') {  // a Go-quoted string
    for (size_t i = 1; i < err.size() && err[i] != '"'; ++i) {
      if (err[i] != '\\' || i + 1 == err.size()) {
        text += err[i];
        continue;
      }
      char c = err[++i];
      text += c == 'n' ? '\n' : c == 't' ? '\t' : c;
    }
  } else if (err.substr(0, 2) == "<\n") {  // <\n\tline\n\tline\n >
    err.remove_prefix(2);
    while (!err.empty()) {
      std::string_view line = err.substr(0, err.find('\n'));
      err.remove_prefix(std::min(err.size(), line.size() + 1));
      if (line == " >") break;
      if (!line.empty() && line.front() == '\t') line.remove_prefix(1);
      if (!text.empty()) text += '\n';
      text += line;
    }
  } else {
    return msg;
  }
  return msg.substr(0, head + 2) + "Error: " + text;
}

}  // namespace

base::Result<std::vector<base::Json>> RenderKustomize(std::string_view root_view, std::string_view app_dir_view,
                                                      const KustomizeOptions& options, const BuildEnv& env,
                                                      const RenderLimits& limits) {
  const fs::path root = fs::path(root_view).lexically_normal();
  const fs::path app_dir = fs::path(app_dir_view).lexically_normal();
  fs::path rel = app_dir.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..") {
    return base::Status::InvalidArgument("kustomize: app directory " + app_dir.string() + " is not inside " +
                                         root.string());
  }
  const std::string display_path = rel == "." ? std::string(".") : rel.string();
  const std::string file = FindKustomizationFile(app_dir);
  if (file.empty()) {
    return base::Status::NotFound(display_path +
                                  ": unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
                                  "'Kustomization' in directory");
  }

  // Argo CD edits the kustomization in place before building; here, in a scratch copy.
  ScratchCopy scratch;
  fs::path build_root = root;
  if (EditsKustomization(options)) {
    CAPSTAN_RETURN_IF_ERROR(scratch.Make(root));
    build_root = scratch.dir();
    const fs::path kustomization = (build_root / rel / file).lexically_normal();
    CAPSTAN_ASSIGN_OR_RETURN(std::string text, ReadFile(kustomization));
    const std::string source = (fs::path(display_path) / file).lexically_normal().string();
    CAPSTAN_ASSIGN_OR_RETURN(base::Json k, base::ParseYaml(text, source));
    CAPSTAN_RETURN_IF_ERROR(ApplyKustomizeEdits(k, options, env, build_root.string(),
                                                (build_root / rel).lexically_normal().string()));
    CAPSTAN_RETURN_IF_ERROR(ReplaceFile(kustomization, base::EmitYaml(k)));
  }

  const fs::path build_dir = (build_root / rel).lexically_normal();
  CAPSTAN_ASSIGN_OR_RETURN(ToolRun run, BuildCommand(build_dir));
  run.working_dir = build_root.string();  // Argo CD: cmd.Dir = repoRoot
  run.env = env.Variables();
  auto out = RunTool(run, limits);
  if (!out.ok()) {
    // kustomize names files by their path in the scratch copy; name them in the checkout instead.
    std::string message = AsKustomizeError(out.status().message());
    if (!scratch.dir().empty()) message = ReplaceAll(message, scratch.dir().string(), root.string());
    return base::Status(out.status().code(), message);
  }

  CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::YamlDocument> docs,
                           base::ParseYamlStream(*out, "`kustomize build " + display_path + "` output"));
  std::vector<base::Json> objects;
  objects.reserve(docs.size());
  for (base::YamlDocument& doc : docs) {
    if (!doc.value.is_object() || base::GetString(doc.value, "kind").empty()) {
      return base::Status::InvalidArgument("`kustomize build " + display_path + "` output: document " +
                                           std::to_string(doc.index + 1) + " is not a Kubernetes object");
    }
    objects.push_back(std::move(doc.value));
  }
  return objects;
}

}  // namespace capstan::source::render
