// Copyright 2026 The capstan Authors.
//
// RenderHelm: Argo CD's helmTemplate (reposerver/repository/repository.go) and Cmd.template
// (util/helm/cmd.go) with capstan's tool runner. Value file paths follow util/io/path/resolved.go
// ResolveValueFilePathOrUrl.

#include "source/render/helm.h"

#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <utility>

#include "base/yaml.h"

namespace capstan::source::render {
namespace {

namespace fs = std::filesystem;

// What error messages show instead of a checkout's path (Argo CD's gRPC sanitizer does the same).
constexpr std::string_view kCachedSource = "<path to cached source>";
constexpr std::string_view kValuesFileName = "<temp file with values from source.helm.values/valuesObject>";

// A private directory under $TMPDIR (else /tmp), removed with its contents.
class Scratch {
 public:
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/capstan-helm-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~Scratch() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Go's url.Parse scheme: letters, digits, '+', '-', '.' after a first letter, ending at ':'.
std::string UrlScheme(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (std::isalpha(static_cast<unsigned char>(c))) continue;
    if (i > 0 && (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.')) continue;
    if (i > 0 && c == ':') return std::string(s.substr(0, i));
    return "";
  }
  return "";
}

// Argo CD resolveFileOrDirectory: |file| relative to |app_dir| (absolute = relative to |root|), the
// last component's symlinks followed (10 levels), and the result inside |root| (not |root| itself).
base::Result<std::string> ResolveInside(const std::string& app_dir, const std::string& root, const std::string& file) {
  std::string scheme = UrlScheme(file);
  if (!scheme.empty()) {
    return base::Status::InvalidArgument("the URL scheme '" + scheme + "' is not allowed: capstan reads value files "
                                         "from the repository only (" + file + ")");
  }
  fs::path abs_root = fs::path(root).lexically_normal();
  fs::path path = file.starts_with("/") ? abs_root / fs::path(file).relative_path() : fs::path(app_dir) / file;
  path = path.lexically_normal();
  for (int depth = 0;; ++depth) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(path, ec))) break;
    if (depth == 10) return base::Status::InvalidArgument("value file '" + file + "': maximum nesting level reached");
    fs::path target = fs::read_symlink(path, ec);
    if (ec) break;
    path = (target.is_absolute() ? target : path.parent_path() / target).lexically_normal();
  }
  std::string required = abs_root.string();
  if (!required.ends_with("/")) required += "/";
  std::string resolved = path.string();
  if (resolved + "/" == required) {
    return base::Status::InvalidArgument("file '" + file + "' resolved to the repository root, which is not allowed");
  }
  if (!resolved.starts_with(required)) {
    return base::Status::InvalidArgument("file '" + file + "' resolved to outside repository root");
  }
  return resolved;
}

// A value file or set-file path: "$ref/..." through |refs| (Argo CD getResolvedRefValueFile: the rest
// resolved inside that checkout, envsubst after the ref is taken off), else envsubst'd and resolved
// inside the app's own repository.
base::Result<std::string> ResolvePath(const std::string& raw, const std::string& app_dir, const std::string& root,
                                      const BuildEnv& env, const RefRoots& refs) {
  if (raw.starts_with("$")) {
    std::string ref = raw.substr(0, raw.find('/'));
    if (auto it = refs.find(ref); it != refs.end()) {
      std::string rest = ref.size() < raw.size() ? raw.substr(ref.size()) : "/";
      return ResolveInside(it->second, it->second, env.Envsubst(rest));
    }
  }
  return ResolveInside(app_dir, root, env.Envsubst(raw));
}

// k8s.io/apimachinery version.ParseGeneric(v).String(): an optional "v", at least two dot-separated
// numbers, anything after them ignored ("v1.20.5-gke.1" -> "1.20.5").
base::Result<std::string> ParseKubeVersion(std::string_view v) {
  std::string_view s = v;
  if (s.starts_with("v")) s.remove_prefix(1);
  std::string out;
  int components = 0;
  size_t i = 0;
  while (true) {
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start || (i - start > 1 && s[start] == '0')) break;
    out += (components ? "." : "") + std::string(s.substr(start, i - start));
    ++components;
    if (i < s.size() && s[i] == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      ++i;
      continue;
    }
    break;
  }
  if (components < 2) {
    return base::Status::InvalidArgument("could not parse kubernetes version " + std::string(v) +
                                         ": illegal version string \"" + std::string(v) + "\"");
  }
  return out;
}

// Argo CD cleanSetParameters: commas escaped (a value in braces is a Helm list and kept as is).
std::string CleanSetValue(std::string_view v) {
  if (v.starts_with("{") && v.ends_with("}")) return std::string(v);
  std::string out;
  char prev = 0;
  for (char c : v) {
    if (c == ',' && prev != '\\') out += '\\';
    out += c;
    prev = c;
  }
  return out;
}

// Argo CD keeps --set, --set-string and --set-file in maps keyed by name: a later entry with the same
// name replaces an earlier one. Here in the order of first appearance.
void Put(std::vector<std::pair<std::string, std::string>>& list, const std::string& name, std::string value) {
  for (auto& [n, v] : list) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  list.emplace_back(name, std::move(value));
}

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  if (from.empty()) return s;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// Argo CD helm.IsMissingDependencyErr.
bool IsMissingDependency(std::string_view message) {
  return message.find("found in requirements.yaml, but missing in charts") != std::string_view::npos ||
         message.find("found in Chart.yaml, but missing in charts/ directory") != std::string_view::npos;
}

base::Status WriteFile(const std::string& path, std::string_view content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
  f.close();
  if (!f) return base::Status::Internal("cannot write " + path);
  return base::Status::Ok();
}

}  // namespace

base::Result<std::vector<base::Json>> RenderHelm(std::string_view root_view, std::string_view app_dir_view,
                                                 const HelmOptions& options, const BuildEnv& env,
                                                 const RefRoots& refs, const RenderLimits& limits) {
  const std::string root(root_view);
  const std::string app_dir(app_dir_view);
  CAPSTAN_ASSIGN_OR_RETURN(std::string helm, FindTool("helm"));

  // Argo CD helmTemplate: the release is the app's name unless releaseName; the namespace, kube
  // version and API versions are the helm block's, else the destination's.
  std::string release = !options.release_name.empty() ? options.release_name : env.app_name;
  std::string ns = !options.namespace_name.empty() ? options.namespace_name : env.app_namespace;
  std::string kube_version_raw = !options.kube_version.empty() ? options.kube_version : env.kube_version;
  std::string kube_version;
  if (!kube_version_raw.empty()) {
    CAPSTAN_ASSIGN_OR_RETURN(kube_version, ParseKubeVersion(kube_version_raw));
  }
  const std::vector<std::string>& api_versions = !options.api_versions.empty() ? options.api_versions : env.api_versions;

  std::vector<std::string> value_files;
  for (const std::string& raw : options.value_files) {
    auto resolved = ResolvePath(raw, app_dir, root, env, refs);
    if (!resolved.ok()) {
      return base::Status::InvalidArgument("error resolving helm value files: error resolving value file path: " +
                                           std::string(resolved.status().message()));
    }
    std::error_code ec;
    if (options.ignore_missing_value_files && !fs::exists(*resolved, ec)) continue;
    value_files.push_back(*resolved);
  }
  std::vector<std::pair<std::string, std::string>> set, set_string, set_file;
  for (const HelmParameter& p : options.parameters) {
    Put(p.force_string ? set_string : set, p.name, env.Envsubst(p.value));
  }
  for (const HelmFileParameter& p : options.file_parameters) {
    auto resolved = ResolvePath(p.path, app_dir, root, env, refs);
    if (!resolved.ok()) {
      return base::Status::InvalidArgument("error resolving helm value file path: " +
                                           std::string(resolved.status().message()));
    }
    Put(set_file, p.name, *resolved);
  }

  Scratch scratch;
  if (scratch.path().empty()) return base::Status::Internal("cannot create a scratch directory for helm");
  std::string values_file;
  if (!options.values_yaml.empty()) {
    values_file = scratch.path() + "/values.yaml";
    CAPSTAN_RETURN_IF_ERROR(WriteFile(values_file, options.values_yaml));
  }

  // util/helm/cmd.go template(): the flags in Argo CD's order.
  std::vector<std::string> argv = {helm, "template", ".", "--name-template", release};
  if (!ns.empty()) argv.insert(argv.end(), {"--namespace", ns});
  if (!kube_version.empty()) argv.insert(argv.end(), {"--kube-version", kube_version});
  for (const auto& [k, v] : set) argv.insert(argv.end(), {"--set", k + "=" + CleanSetValue(v)});
  for (const auto& [k, v] : set_string) argv.insert(argv.end(), {"--set-string", k + "=" + CleanSetValue(v)});
  for (const auto& [k, v] : set_file) argv.insert(argv.end(), {"--set-file", k + "=" + CleanSetValue(v)});
  for (const std::string& f : value_files) argv.insert(argv.end(), {"--values", f});
  if (!values_file.empty()) argv.insert(argv.end(), {"--values", values_file});
  for (const std::string& v : api_versions) argv.insert(argv.end(), {"--api-versions", v});
  if (!options.skip_crds) argv.push_back("--include-crds");
  if (options.skip_schema_validation) argv.push_back("--skip-schema-validation");
  if (options.skip_tests) argv.push_back("--skip-tests");

  // util/helm/cmd.go run(): helm's homes in a directory of its own, never the user's.
  std::map<std::string, std::string> tool_env = env.Variables();
  for (const char* dir : {"cache", "config", "data"}) {
    std::string d = scratch.path() + "/home/" + dir;
    std::string upper = dir;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    tool_env["XDG_" + upper + "_HOME"] = d;
    tool_env["HELM_" + upper + "_HOME"] = d;
  }
  const std::string copy_root = scratch.path() + "/repo";
  auto sanitize = [&](const base::Status& s) {
    std::string m(s.message());
    // helm's hint names a flag of its own command line, which capstan users do not have.
    m = ReplaceAll(std::move(m), "\n\nUse --debug flag to render out invalid YAML", "");
    m = ReplaceAll(std::move(m), copy_root, kCachedSource);
    if (!values_file.empty()) m = ReplaceAll(std::move(m), values_file, kValuesFileName);
    m = ReplaceAll(std::move(m), root, kCachedSource);
    for (const auto& [name, ref_root] : refs) m = ReplaceAll(std::move(m), ref_root, kCachedSource);
    return base::Status(s.code(), std::move(m));
  };

  ToolRun run{.display = "helm template", .argv = argv, .working_dir = app_dir, .env = tool_env};
  auto out = RunTool(run, limits);
  if (!out.ok() && IsMissingDependency(out.status().message())) {
    // repository.go runHelmBuild: `helm dependency build`, then template again. The checkout is shared
    // and read-only, so both run in a copy of it (the whole checkout: `file://../lib` dependencies
    // point outside the chart).
    std::error_code ec;
    fs::copy(root, copy_root, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) return base::Status::Internal("copying the checkout for `helm dependency build`: " + ec.message());
    for (auto it = fs::recursive_directory_iterator(copy_root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_symlink()) fs::permissions(it->path(), fs::perms::owner_write, fs::perm_options::add, ec);
    }
    fs::permissions(copy_root, fs::perms::owner_write, fs::perm_options::add, ec);
    std::string copy_app_dir = copy_root + app_dir.substr(std::min(root.size(), app_dir.size()));
    ToolRun build{.display = "helm dependency build",
                  .argv = {helm, "dependency", "build"},
                  .working_dir = copy_app_dir,
                  .env = tool_env};
    if (auto built = RunTool(build, limits); !built.ok()) {
      return sanitize(built.status()).Annotate("error building helm chart dependencies");
    }
    run.working_dir = copy_app_dir;
    out = RunTool(run, limits);
  }
  if (!out.ok()) return sanitize(out.status());

  // kube.SplitYAML: every document an object; empty documents dropped.
  auto docs = base::ParseYamlStream(*out, "helm template output");
  if (!docs.ok()) return base::Status::InvalidArgument("failed to unmarshal helm output: " + std::string(docs.status().message()));
  std::vector<base::Json> objects;
  objects.reserve(docs->size());
  for (base::YamlDocument& doc : *docs) {
    if (!doc.value.is_object()) {
      return base::Status::InvalidArgument("failed to unmarshal helm output: document " + std::to_string(doc.index + 1) +
                                           " (line " + std::to_string(doc.line) + ") is not an object");
    }
    objects.push_back(std::move(doc.value));
  }
  return objects;
}

}  // namespace capstan::source::render
