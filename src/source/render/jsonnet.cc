// Copyright 2026 The capstan Authors.

#include "source/render/jsonnet.h"

extern "C" {
#include <libjsonnet.h>
}

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace capstan::source::render {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kField = "spec.source.directory.jsonnet";

// How much address space a worker may add to what it inherited from capstan: a program that
// allocates without end fails instead of exhausting the machine's memory.
constexpr rlim_t kWorkerExtraAddressSpace = rlim_t{2} << 30;

std::string JsonTypeName(const base::Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

base::Status WrongType(const std::string& field, std::string_view want, const base::Json& got) {
  return base::Status::InvalidArgument(field + ": must be " + std::string(want) + ", got " + JsonTypeName(got));
}

// extVars / tlas: [{name, value, code}] (Argo CD's JsonnetVar; value defaults to "", code to false).
base::Result<std::vector<JsonnetVar>> ParseVars(const base::Json& block, const std::string& key) {
  std::vector<JsonnetVar> out;
  const std::string field = std::string(kField) + "." + key;
  if (!block.contains(key) || block[key].is_null()) return out;
  const base::Json& list = block[key];
  if (!list.is_array()) return WrongType(field, "a list", list);
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = field + "[" + std::to_string(i) + "]";
    const base::Json& item = list[i];
    if (!item.is_object()) return WrongType(at, "an object", item);
    JsonnetVar var;
    if (!item.contains("name") || item["name"].is_null()) return base::Status::InvalidArgument(at + ".name: is missing");
    if (!item["name"].is_string()) return WrongType(at + ".name", "a string", item["name"]);
    var.name = item["name"].get<std::string>();
    if (var.name.empty()) return base::Status::InvalidArgument(at + ".name: is empty");
    if (item.contains("value") && !item["value"].is_null()) {
      if (!item["value"].is_string()) return WrongType(at + ".value", "a string", item["value"]);
      var.value = item["value"].get<std::string>();
    }
    if (item.contains("code") && !item["code"].is_null()) {
      if (!item["code"].is_boolean()) return WrongType(at + ".code", "a boolean", item["code"]);
      var.code = item["code"].get<bool>();
    }
    out.push_back(std::move(var));
  }
  return out;
}

// |dir| with every symlink resolved ("" when it cannot be).
fs::path RealDir(const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(dir, ec);
  return ec ? fs::path() : p;
}

// |p| relative to |root| when it is |root| or below it ("." for |root|); "" otherwise.
std::string Below(const fs::path& p, const fs::path& root) {
  fs::path rel = p.lexically_normal().lexically_relative(root);
  if (rel.empty()) return "";
  std::string s = rel.generic_string();
  if (s == ".." || s.rfind("../", 0) == 0) return "";
  return s;
}

// Argo CD: pathutil.ResolveFileOrDirectoryPath(repoRoot, repoRoot, lib) — relative to the root (an
// absolute lib too), symlinks resolved, the root itself allowed, nothing outside it. The result is
// relative to |root|. A lib that does not exist is kept (go-jsonnet skips a missing library path).
base::Result<std::string> ResolveLib(const fs::path& root, const std::string& lib, size_t i) {
  fs::path joined = root / fs::path(lib).relative_path();
  std::string rel = Below(RealDir(joined), root);
  if (rel.empty()) {
    return base::Status::InvalidArgument(std::string(kField) + ".libs[" + std::to_string(i) + "]: \"" + lib +
                                         "\": file resolved to outside repository root");
  }
  return rel;
}

// ---- The worker (runs in the forked child only) ----

struct Request {
  std::string root;                 // canonical; the worker's working directory
  std::string file;                 // relative to root
  std::vector<std::string> jpaths;  // relative to root: the app directory, then the libs
  std::vector<JsonnetVar> ext_vars; // values envsubst'd
  std::vector<JsonnetVar> tlas;
};

char* CopyOut(JsonnetVm* vm, const std::string& s) {
  char* buf = jsonnet_realloc(vm, nullptr, s.size() + 1);
  std::memcpy(buf, s.c_str(), s.size() + 1);
  return buf;
}

struct ImportContext {
  JsonnetVm* vm;
  const Request* request;
};

// go-jsonnet's FileImporter order: the importing file's directory, then the library paths last to
// first. A candidate that exists must resolve inside the repository.
char* ImportFile(void* ctx, const char* base, const char* rel, char** found_here, int* success) {
  auto* c = static_cast<ImportContext*>(ctx);
  const fs::path root(c->request->root);
  *success = 0;
  std::vector<fs::path> candidates;
  if (fs::path(rel).is_absolute()) {
    candidates.emplace_back(rel);
  } else {
    candidates.push_back(fs::path(base) / rel);
    for (auto it = c->request->jpaths.rbegin(); it != c->request->jpaths.rend(); ++it) {
      candidates.push_back(fs::path(*it) / rel);
    }
  }
  for (const fs::path& candidate : candidates) {
    std::error_code ec;
    if (!fs::exists(candidate, ec)) continue;
    fs::path real = fs::canonical(candidate, ec);
    if (ec || Below(real, root).empty()) {
      return CopyOut(c->vm, "it resolves to outside the repository (" + candidate.lexically_normal().generic_string() +
                                "); imports must stay inside it");
    }
    if (fs::is_directory(real, ec)) return CopyOut(c->vm, candidate.lexically_normal().generic_string() + " is a directory");
    std::ifstream in(real, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in) return CopyOut(c->vm, "cannot read " + candidate.lexically_normal().generic_string());
    *found_here = CopyOut(c->vm, candidate.lexically_normal().generic_string());
    *success = 1;
    return CopyOut(c->vm, content.str());
  }
  return CopyOut(c->vm, "no match locally or in the Jsonnet library paths");
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Caps the worker's address space at what it has now plus kWorkerExtraAddressSpace.
void LimitMemory() {
  unsigned long pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%lu", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  if (pages == 0) return;
  rlimit limit{};
  limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) +
                                    kWorkerExtraAddressSpace;
  setrlimit(RLIMIT_AS, &limit);
}

// Writes 'R' + the JSON or 'E' + libjsonnet's message to stdout and exits.
[[noreturn]] void WorkerMain(const Request& request) {
  LimitMemory();
  if (chdir(request.root.c_str()) != 0) {
    std::string msg = std::string("E") + "chdir: " + std::strerror(errno);
    WriteAll(1, msg.data(), msg.size());
    _exit(0);
  }
  JsonnetVm* vm = jsonnet_make();
  ImportContext ctx{vm, &request};
  jsonnet_import_callback(vm, ImportFile, &ctx);
  for (const JsonnetVar& v : request.tlas) {
    (v.code ? jsonnet_tla_code : jsonnet_tla_var)(vm, v.name.c_str(), v.value.c_str());
  }
  for (const JsonnetVar& v : request.ext_vars) {
    (v.code ? jsonnet_ext_code : jsonnet_ext_var)(vm, v.name.c_str(), v.value.c_str());
  }
  int error = 0;
  char* out = jsonnet_evaluate_file(vm, request.file.c_str(), &error);
  const char tag = error ? 'E' : 'R';
  if (WriteAll(1, &tag, 1)) WriteAll(1, out, std::strlen(out));
  _exit(0);
}

// The worker's reply: its tag and text.
struct Reply {
  char tag = 0;
  std::string text;
};

// Forks a worker for |request| and collects its reply within |limits|. kTimeout / kInvalidArgument
// (output limit) / kInternal with a bare message; the caller names the file.
base::Result<Reply> RunWorker(const Request& request, const RenderLimits& limits) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return base::Status::Internal(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(out[0]);
    close(out[1]);
    return base::Status::Internal(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Only the pipe stays open: the parent's sockets and files are not the worker's. std.trace
    // output (stderr) is dropped.
    dup2(out[1], 1);
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      dup2(null_fd, 0);
      dup2(null_fd, 2);
    }
    syscall(SYS_close_range, 3u, ~0u, 0u);
    WorkerMain(request);
  }
  close(out[1]);
  const int from = out[0];
  auto kill_and_reap = [&](bool kill_first) {
    if (kill_first) kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
  };

  Reply reply;
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  char buf[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      close(from);
      kill_and_reap(true);
      return base::Status::Timeout("timeout");
    }
    pollfd p{from, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;
    ssize_t n = read(from, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
    if (got.size() > limits.max_output_bytes + 1) {
      close(from);
      kill_and_reap(true);
      return base::Status::InvalidArgument("output is over the limit of " + std::to_string(limits.max_output_bytes) +
                                           " bytes");
    }
  }
  close(from);
  int status = kill_and_reap(false);
  if (got.empty()) {
    if (WIFSIGNALED(status)) {
      return base::Status::Internal("the jsonnet worker process died (signal " + std::to_string(WTERMSIG(status)) +
                                    "; over its memory limit of " + std::to_string(kWorkerExtraAddressSpace >> 20) +
                                    " MiB?)");
    }
    return base::Status::Internal("the jsonnet worker process ended without a result");
  }
  reply.tag = got[0];
  reply.text = got.substr(1);
  return reply;
}

// Argo CD unmarshals the output as []*Unstructured, else as one Unstructured: each must be an
// object with a kind. "" when |v| is fine, else what is wrong.
std::string CheckResult(const base::Json& v) {
  auto check_object = [](const base::Json& o, const std::string& what) -> std::string {
    if (!o.is_object()) return what + " is " + JsonTypeName(o) + ", not an object";
    if (!o.contains("kind") || !o["kind"].is_string() || o["kind"].get<std::string>().empty()) {
      return "Object 'Kind' is missing in " + what;
    }
    return "";
  };
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      if (std::string err = check_object(v[i], "item " + std::to_string(i)); !err.empty()) return err;
    }
    return "";
  }
  if (!v.is_object()) return "the result is " + JsonTypeName(v) + "; expected an object or an array of objects";
  return check_object(v, "the result");
}

std::string Duration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

}  // namespace

base::Result<JsonnetOptions> ParseJsonnetOptions(const base::Json& jsonnet) {
  JsonnetOptions out;
  if (jsonnet.is_null()) return out;
  if (!jsonnet.is_object()) return WrongType(std::string(kField), "an object", jsonnet);
  out.raw = jsonnet;
  CAPSTAN_ASSIGN_OR_RETURN(out.ext_vars, ParseVars(jsonnet, "extVars"));
  CAPSTAN_ASSIGN_OR_RETURN(out.tlas, ParseVars(jsonnet, "tlas"));
  if (jsonnet.contains("libs") && !jsonnet["libs"].is_null()) {
    const base::Json& libs = jsonnet["libs"];
    const std::string field = std::string(kField) + ".libs";
    if (!libs.is_array()) return WrongType(field, "a list", libs);
    for (size_t i = 0; i < libs.size(); ++i) {
      if (!libs[i].is_string()) return WrongType(field + "[" + std::to_string(i) + "]", "a string", libs[i]);
      out.libs.push_back(libs[i].get<std::string>());
    }
  }
  return out;
}

base::Result<base::Json> EvaluateJsonnet(const std::string& file, std::string_view root, std::string_view app_dir,
                                         const JsonnetOptions& options, const BuildEnv& env,
                                         const RenderLimits& limits) {
  const fs::path real_root = RealDir(fs::path(root));
  const fs::path file_path(file);
  // The file's directory is resolved, not the file: a symlinked .jsonnet file is evaluated under its
  // own name, its imports relative to where it sits (as go-jsonnet does with the walked path).
  const fs::path real_file = RealDir(file_path.parent_path()) / file_path.filename();
  const fs::path real_app = RealDir(fs::path(app_dir));
  std::string name = Below(real_file, real_app);
  if (name.empty()) name = file_path.filename().string();
  const std::string what = "failed to evaluate jsonnet \"" + name + "\"";

  Request request;
  request.root = real_root.string();
  request.file = Below(real_file, real_root);
  std::string app_rel = Below(real_app, real_root);
  if (real_root.empty() || request.file.empty() || app_rel.empty()) {
    return base::Status::InvalidArgument(what + ": the file or the app directory is not inside the repository");
  }
  request.jpaths.push_back(app_rel);
  for (size_t i = 0; i < options.libs.size(); ++i) {
    CAPSTAN_ASSIGN_OR_RETURN(std::string lib, ResolveLib(real_root, options.libs[i], i));
    request.jpaths.push_back(std::move(lib));
  }
  // Argo CD: makeJsonnetVm envsubst's every TLA and ext var value (code ones too).
  request.tlas = options.tlas;
  for (JsonnetVar& v : request.tlas) v.value = env.Envsubst(v.value);
  request.ext_vars = options.ext_vars;
  for (JsonnetVar& v : request.ext_vars) v.value = env.Envsubst(v.value);

  auto reply = RunWorker(request, limits);
  if (!reply.ok()) {
    if (reply.status().code() == base::StatusCode::kTimeout) {
      return base::Status::Timeout(what + ": timeout after " + Duration(limits.timeout));
    }
    return reply.status().Annotate(what);
  }
  if (reply->tag != 'R') {
    std::string msg = reply->text;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\t' || msg.back() == ' ')) msg.pop_back();
    return base::Status::InvalidArgument(what + ": " + msg);
  }
  const std::string unmarshal = "failed to unmarshal generated json \"" + name + "\"";
  auto value = base::ParseJson(reply->text, "jsonnet output");
  if (!value.ok()) return value.status().Annotate(unmarshal);
  if (std::string err = CheckResult(*value); !err.empty()) return base::Status::InvalidArgument(unmarshal + ": " + err);
  return std::move(*value);
}

}  // namespace capstan::source::render
