// Copyright 2026 The capstan Authors.

#include "compat_util.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/subprocess.h"
#include "base/yaml.h"

namespace capstan::compat {
namespace {

namespace fs = std::filesystem;

std::string CapstanBinary() {
  const char* bin = std::getenv("CAPSTAN_BIN");
  if (bin != nullptr && *bin != '\0') return bin;
  return std::string(CAPSTAN_BINARY_DIR) + "/capstan";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFileOrFail(const std::string& path, std::string_view content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << "writing " << path;
}

CliRun RunCapstan(std::vector<std::string> args, std::chrono::seconds timeout) {
  CliRun run;
  run.args = args;
  base::SubprocessOptions opts;
  opts.argv = {CapstanBinary(), "--kubeconfig", capstan::testing::TestKubeconfigPath()};
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.timeout = timeout;
  opts.max_stderr_bytes = 256u << 10;
  auto r = base::RunSubprocess(opts);
  if (!r.ok()) {
    run.stderr_text = "[compat] running capstan: " + r.status().ToString();
    return run;
  }
  run.exit_code = r->exit_code;
  run.stdout_text = std::move(r->stdout_text);
  run.stderr_text = std::move(r->stderr_text);
  if (r->signal != 0) run.stderr_text += "\n[compat] killed by signal " + std::to_string(r->signal);
  auto parsed = base::ParseJson(run.stdout_text, "stdout");
  if (parsed.ok() && parsed->is_object()) run.app = std::move(*parsed);
  return run;
}

// The field |key| of a result entry, "" when absent.
std::string Field(const base::Json& entry, std::string_view key) { return base::GetString(entry, key); }

std::string DescribeResult(const base::Json& e) {
  std::ostringstream os;
  os << "{group=" << Field(e, "group") << " version=" << Field(e, "version") << " kind=" << Field(e, "kind")
     << " namespace=" << Field(e, "namespace") << " name=" << Field(e, "name") << " status=" << Field(e, "status")
     << " message=\"" << Field(e, "message") << "\" hookType=" << Field(e, "hookType")
     << " hookPhase=" << Field(e, "hookPhase") << " syncPhase=" << Field(e, "syncPhase") << "}";
  return os.str();
}

std::string DescribeExpected(const ResourceResult& r) {
  std::ostringstream os;
  os << "{group=" << r.group << " version=" << r.version << " kind=" << r.kind << " namespace=" << r.namespace_
     << " name=" << r.name << " status=" << r.status << " message=\"" << r.message << "\" hookType=" << r.hook_type
     << " hookPhase=" << r.hook_phase << " syncPhase=" << r.sync_phase << "}";
  return os.str();
}

bool Matches(const base::Json& e, const ResourceResult& r, bool message_contains) {
  if (Field(e, "group") != r.group || Field(e, "version") != r.version || Field(e, "kind") != r.kind ||
      Field(e, "namespace") != r.namespace_ || Field(e, "name") != r.name || Field(e, "status") != r.status ||
      Field(e, "hookType") != r.hook_type || Field(e, "hookPhase") != r.hook_phase ||
      Field(e, "syncPhase") != r.sync_phase) {
    return false;
  }
  if (message_contains) return Field(e, "message").find(r.message) != std::string::npos;
  return Field(e, "message") == r.message;
}

const base::Json* At(const base::Json& obj, std::initializer_list<std::string_view> path) {
  const base::Json* cur = &obj;
  for (auto key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(key));
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

}  // namespace

bool HasFinalizer(const base::Json& obj, std::string_view finalizer) {
  const base::Json* f = At(obj, {"metadata", "finalizers"});
  if (f == nullptr || !f->is_array()) return false;
  for (const auto& v : *f) {
    if (v.is_string() && v.get<std::string>() == finalizer) return true;
  }
  return false;
}

bool IsHook(const base::Json& obj) {
  const base::Json* a = At(obj, {"metadata", "annotations"});
  return a != nullptr && a->is_object() && a->contains(kHookAnnotation);
}

bool IsHookWithoutFinalizer(const base::Json& obj) { return IsHook(obj) && !HasFinalizer(obj, kHookFinalizer); }

// ---- setup ----

void CompatTest::SetUp() {
  capstan::testing::ClusterTest::SetUp();
  if (HasFatalFailure()) return;

  static std::once_flag installed;
  static CliRun install_run;
  std::call_once(installed, [] { install_run = RunCapstan({"install"}, std::chrono::seconds(120)); });
  ASSERT_EQ(install_run.exit_code, 0) << "capstan install (" << CapstanBinary() << "): " << install_run.stderr_text;

  std::string tmpl = (fs::temp_directory_path() / "capstan-compat-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr) << "mkdtemp";
  scratch_dir_ = tmpl;
  repo_dir_ = scratch_dir_ + "/repo";
  cache_dir_ = scratch_dir_ + "/cache";
  app_file_ = scratch_dir_ + "/app.yaml";
}

void CompatTest::TearDown() {
  const char* verbose = std::getenv("CAPSTAN_COMPAT_VERBOSE");
  if (HasFailure() || (verbose != nullptr && *verbose != '\0' && *verbose != '0')) {
    std::ostringstream os;
    os << "\n===== compat diagnostics for namespace " << ns() << " (scratch " << scratch_dir_ << ") =====\n";
    {
      std::lock_guard<std::mutex> lock(log_mu_);
      for (const auto& run : log_) {
        os << "--- capstan";
        for (const auto& a : run.args) os << ' ' << a;
        os << "\n    exit " << run.exit_code << "\n    stderr:\n" << run.stderr_text << "\n";
        if (!run.app.is_object() && !run.stdout_text.empty()) {
          os << "    stdout:\n" << run.stdout_text.substr(0, 4000) << "\n";
        }
      }
    }
    base::Json app = app_;
    auto live = client().Get(kApplicationGvk, ns(), app_name_);
    if (live.ok()) app = *live;
    if (app.is_object()) {
      base::Json shown = base::Json::object();
      if (app.contains("status")) shown["status"] = app["status"];
      if (app.contains("operation")) shown["operation"] = app["operation"];
      os << "--- Application " << ns() << "/" << app_name_ << " (status):\n" << shown.dump(2) << "\n";
    } else {
      os << "--- Application " << ns() << "/" << app_name_ << ": not found\n";
    }
    os << "--- pods:\n" << DescribePods();
    std::cerr << os.str() << std::endl;
  } else if (!scratch_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(scratch_dir_, ec);
  }
  capstan::testing::ClusterTest::TearDown();
}

// ---- the repository ----

void CompatTest::RunGit(std::vector<std::string> args) {
  base::SubprocessOptions opts;
  opts.argv = {"git", "-C", repo_dir_, "-c", "user.name=capstan compat", "-c", "user.email=compat@capstan.invalid",
               "-c", "commit.gpgsign=false"};
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.timeout = std::chrono::seconds(30);
  auto r = base::RunSubprocess(opts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->success()) << "git " << args[0] << ": " << r->stderr_text;
}

void CompatTest::Commit(std::string_view message) {
  RunGit({"add", "-A"});
  RunGit({"commit", "-q", "--allow-empty", "-m", std::string(message)});
}

void CompatTest::Path(std::string_view fixture) {
  fs::path src = fs::path(CAPSTAN_SOURCE_DIR) / "tests/compat/testdata" / fixture;
  ASSERT_TRUE(fs::is_directory(src)) << "no fixture " << src;
  fs::create_directories(repo_dir_);
  fs::copy(src, repo_dir_, fs::copy_options::recursive);
  RunGit({"init", "-q", "-b", "main"});
  Commit("fixture " + std::string(fixture));
}

void CompatTest::AddFile(std::string_view file, std::string_view content) {
  WriteFileOrFail(repo_dir_ + "/" + std::string(file), content);
  Commit("add " + std::string(file));
}

void CompatTest::EditFile(std::string_view file, const std::function<void(base::Json&)>& edit) {
  std::string path = repo_dir_ + "/" + std::string(file);
  ASSERT_TRUE(fs::exists(path)) << "no file " << file << " in the repository";
  auto docs = base::ParseYamlStream(ReadFile(path), path);
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 1u) << file << " must hold one document";
  base::Json doc = (*docs)[0].value;
  edit(doc);
  WriteFileOrFail(path, base::EmitYaml(doc));
  Commit("edit " + std::string(file));
}

void CompatTest::PatchFile(std::string_view file, std::string_view json_patch) {
  auto patch = base::ParseJson(json_patch, "JSON patch");
  ASSERT_TRUE(patch.ok()) << patch.status().ToString();
  ASSERT_TRUE(patch->is_array()) << "a JSON patch is an array: " << json_patch;
  std::string error;
  EditFile(file, [&](base::Json& doc) {
    try {
      // One operation at a time: as the json-patch library of Argo CD's fixture, a "replace" of an
      // absent object member adds it (TestHookSkip replaces /metadata/annotations of a pod that has none).
      for (base::Json op : *patch) {
        if (base::GetString(op, "op") == "replace") {
          base::Json::json_pointer ptr(base::GetString(op, "path"));
          if (!doc.contains(ptr) && doc.contains(ptr.parent_pointer()) && doc[ptr.parent_pointer()].is_object()) {
            op["op"] = "add";
          }
        }
        doc = doc.patch(base::Json::array({op}));
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  ASSERT_TRUE(error.empty()) << "patching " << file << " with " << json_patch << ": " << error;
}

void CompatTest::SetAnnotation(std::string_view file, std::string_view key, std::string_view value) {
  EditFile(file, [&](base::Json& doc) { doc["metadata"]["annotations"][std::string(key)] = std::string(value); });
}

void CompatTest::SetPodTemplateAnnotation(std::string_view file, std::string_view key, std::string_view value) {
  EditFile(file, [&](base::Json& doc) {
    doc["spec"]["template"]["metadata"]["annotations"][std::string(key)] = std::string(value);
  });
}

void CompatTest::DeleteFile(std::string_view file) {
  std::error_code ec;
  ASSERT_TRUE(fs::remove(repo_dir_ + "/" + std::string(file), ec)) << "removing " << file << ": " << ec.message();
  Commit("delete " + std::string(file));
}

void CompatTest::Resource(std::string_view yaml) {
  auto obj = base::ParseYaml(yaml, "Resource()");
  ASSERT_TRUE(obj.ok()) << obj.status().ToString();
  (*obj)["metadata"]["namespace"] = ns();
  auto created = client().Create(*obj, {});
  ASSERT_TRUE(created.ok()) << "creating " << base::GetStringAt(*obj, "metadata/name") << ": "
                            << created.status().ToString();
}

// ---- the Application and commands ----

void CompatTest::WriteApp() {
  base::Json app = {
      {"apiVersion", "argoproj.io/v1alpha1"},
      {"kind", "Application"},
      {"metadata", {{"name", app_name_}, {"namespace", ns()}}},
      {"spec",
       {{"project", "default"},
        {"source", {{"repoURL", repo_dir_}, {"path", "."}, {"targetRevision", "HEAD"}}},
        {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", ns()}}}}}};
  base::Json policy = sync_policy_;
  if (!sync_options_.empty()) policy["syncOptions"] = sync_options_;
  if (!policy.empty()) app["spec"]["syncPolicy"] = policy;
  WriteFileOrFail(app_file_, base::EmitYaml(app));
  app_written_ = true;
}

void CompatTest::CreateApp() {
  WriteApp();
  const CliRun& run = Capstan({"app", "create", "-f", app_file_, "--upsert"});
  ASSERT_EQ(run.exit_code, 0) << "capstan app create: " << run.stderr_text;
}

const CliRun& CompatTest::Capstan(std::vector<std::string> args, std::chrono::seconds timeout) {
  CliRun run;
  if (HasFatalFailure()) {  // a Given/When step failed: do not run on a broken setup
    run.args = std::move(args);
    run.stderr_text = "[compat] not run: an earlier step of this test failed";
  } else {
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    run = RunCapstan(std::move(args), timeout);
  }
  {
    std::lock_guard<std::mutex> lock(log_mu_);
    log_.push_back(run);
  }
  if (run.app.is_object() && base::GetString(run.app, "kind") == "Application") app_ = run.app;
  last_run_ = std::move(run);
  return last_run_;
}

std::future<CliRun> CompatTest::CapstanAsync(std::vector<std::string> args, std::chrono::seconds timeout) {
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  return std::async(std::launch::async, [this, args = std::move(args), timeout] {
    CliRun run = RunCapstan(args, timeout);
    std::lock_guard<std::mutex> lock(log_mu_);
    log_.push_back(run);
    return run;
  });
}

void CompatTest::UseOwnSettings(const std::map<std::string, std::string>& data) {
  base::Json cm = {{"apiVersion", "v1"},
                   {"kind", "ConfigMap"},
                   {"metadata", {{"name", "capstan-cm"}, {"namespace", ns()}}},
                   {"data", data}};
  auto created = client().Create(cm, {});
  ASSERT_TRUE(created.ok()) << "creating capstan-cm in " << ns() << ": " << created.status().ToString();
  extra_args_ = {"--control-plane-namespace", ns()};
}

const CliRun& CompatTest::Sync(std::vector<std::string> flags) {
  if (!app_written_) WriteApp();
  std::vector<std::string> args = {"sync", "-f", app_file_, "-o", "json", "--cache-dir", cache_dir_};
  args.insert(args.end(), flags.begin(), flags.end());
  return Capstan(std::move(args));
}

std::vector<std::string> CompatTest::AppSyncArgs(std::vector<std::string> flags) const {
  std::vector<std::string> args = {"app", "sync", app_name_, "-N", ns(), "-o", "json", "--cache-dir", cache_dir_};
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

const CliRun& CompatTest::AppSync(std::vector<std::string> flags) { return Capstan(AppSyncArgs(std::move(flags))); }

const CliRun& CompatTest::Wait(std::vector<std::string> flags) {
  std::vector<std::string> args = {"app", "wait", app_name_, "-N", ns(), "-o", "json"};
  args.insert(args.end(), flags.begin(), flags.end());
  return Capstan(std::move(args));
}

const CliRun& CompatTest::TerminateOp() { return Capstan({"app", "terminate-op", app_name_, "-N", ns()}); }

const CliRun& CompatTest::Delete(std::vector<std::string> flags) {
  std::vector<std::string> args = {"app", "delete", app_name_, "-N", ns()};
  args.insert(args.end(), flags.begin(), flags.end());
  return Capstan(std::move(args));
}

const CliRun& CompatTest::Get() {
  // Argo CD's fixture reads an app its controller keeps refreshed; capstan has no controller yet, so
  // every read re-compares Git with the cluster (`app get --refresh`), as an Argo CD refresh does.
  const CliRun& run = Capstan({"app", "get", app_name_, "-N", ns(), "-o", "json", "--refresh", "--cache-dir", cache_dir_},
                              std::chrono::seconds(60));
  if (run.exit_code != 0 || !run.app.is_object()) {
    auto live = client().Get(kApplicationGvk, ns(), app_name_);
    if (live.ok()) {
      app_ = *live;
    } else if (live.status().IsNotFound()) {
      app_ = base::Json();
    }
  }
  return run;
}

// ---- the Application as last read ----

std::string CompatTest::OperationPhase() const { return base::GetStringAt(app_, "status/operationState/phase"); }
std::string CompatTest::OperationMessage() const { return base::GetStringAt(app_, "status/operationState/message"); }
std::string CompatTest::SyncStatus() const { return base::GetStringAt(app_, "status/sync/status"); }
std::string CompatTest::HealthStatus() const { return base::GetStringAt(app_, "status/health/status"); }

base::Json CompatTest::Results() const {
  const base::Json* r = At(app_, {"status", "operationState", "syncResult", "resources"});
  return (r != nullptr && r->is_array()) ? *r : base::Json::array();
}

std::optional<base::Json> CompatTest::ResourceResultOf(std::string_view kind, std::string_view name) const {
  for (const auto& e : Results()) {
    if (Field(e, "kind") == kind && Field(e, "name") == name) return e;
  }
  return std::nullopt;
}

std::optional<base::Json> CompatTest::ResourceStatusOf(std::string_view kind, std::string_view name) const {
  const base::Json* r = At(app_, {"status", "resources"});
  if (r == nullptr || !r->is_array()) return std::nullopt;
  for (const auto& e : *r) {
    if (Field(e, "kind") == kind && Field(e, "name") == name) return e;
  }
  return std::nullopt;
}

std::string CompatTest::ResourceSyncStatus(std::string_view kind, std::string_view name) const {
  auto e = ResourceStatusOf(kind, name);
  return e ? Field(*e, "status") : "";
}

std::string CompatTest::ResourceHealthStatus(std::string_view kind, std::string_view name) const {
  auto e = ResourceStatusOf(kind, name);
  if (!e) return "Missing";
  return base::GetStringAt(*e, "health/status");
}

// ---- the cluster ----

std::optional<base::Json> CompatTest::GetObject(const core::Gvk& gvk, std::string_view name) {
  auto r = client().Get(gvk, ns(), name);
  if (r.ok()) return *r;
  EXPECT_TRUE(r.status().IsNotFound()) << "GET " << name << ": " << r.status().ToString();
  return std::nullopt;
}

std::vector<base::Json> CompatTest::Pods() {
  auto r = client().List(kPodGvk, ns(), {});
  EXPECT_TRUE(r.ok()) << "listing pods: " << r.status().ToString();
  return r.ok() ? r->items : std::vector<base::Json>{};
}

std::vector<std::string> CompatTest::Finalizers(const core::Gvk& gvk, std::string_view name) {
  std::vector<std::string> out;
  auto obj = GetObject(gvk, name);
  if (!obj) return out;
  const base::Json* f = At(*obj, {"metadata", "finalizers"});
  if (f != nullptr && f->is_array()) {
    for (const auto& v : *f) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string CompatTest::PodCreationTimestamp(std::string_view name) {
  auto pod = GetPod(name);
  return pod ? base::GetStringAt(*pod, "metadata/creationTimestamp") : "";
}

std::string CompatTest::DescribeResults() const {
  std::ostringstream os;
  os << Results().size() << " result(s):";
  for (const auto& e : Results()) os << "\n    " << DescribeResult(e);
  return os.str();
}

std::string CompatTest::DescribePods() {
  std::ostringstream os;
  auto r = client().List(kPodGvk, ns(), {});
  if (!r.ok()) return "listing pods: " + r.status().ToString() + "\n";
  for (const auto& p : r->items) {
    os << "    " << base::GetStringAt(p, "metadata/name") << " phase=" << base::GetStringAt(p, "status/phase")
       << " created=" << base::GetStringAt(p, "metadata/creationTimestamp");
    if (!base::GetStringAt(p, "metadata/deletionTimestamp").empty()) os << " deleting";
    if (const base::Json* f = At(p, {"metadata", "finalizers"})) os << " finalizers=" << f->dump();
    if (const base::Json* a = At(p, {"metadata", "annotations"})) os << " annotations=" << a->dump();
    os << "\n";
  }
  if (r->items.empty()) os << "    (none)\n";
  return os.str();
}

// ---- expectations ----

ResourceResult CompatTest::PodHookResult(std::string name, std::string hook_type, std::string hook_phase,
                                         std::string message, std::string status) const {
  return ResourceResult{.group = "",
                        .version = "v1",
                        .kind = "Pod",
                        .namespace_ = ns(),
                        .name = std::move(name),
                        .status = std::move(status),
                        .message = std::move(message),
                        .hook_type = hook_type,
                        .hook_phase = std::move(hook_phase),
                        .sync_phase = hook_type};
}

std::chrono::milliseconds CompatTest::expect_timeout() const {
  return expect_timed_out_ ? std::chrono::seconds(3) : std::chrono::seconds(15);
}

void CompatTest::RefreshForExpect() { Get(); }

void CompatTest::Expect(const Expectation& e, std::source_location loc) {
  if (HasFatalFailure()) return;  // a Given/When step failed: its message says why
  auto deadline = std::chrono::steady_clock::now() + expect_timeout();
  ::testing::AssertionResult result = e();
  while (!result) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ADD_FAILURE_AT(loc.file_name(), static_cast<int>(loc.line()))
          << "expectation still failing after " << expect_timeout().count() / 1000 << " s: " << result.message();
      expect_timed_out_ = true;
      return;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    RefreshForExpect();
    result = e();
  }
}

Expectation CompatTest::OperationPhaseIs(std::string phase) {
  return [this, phase]() -> ::testing::AssertionResult {
    if (OperationPhase() == phase) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "operation phase is \"" << OperationPhase() << "\", want \"" << phase
                                         << "\" (message: \"" << OperationMessage() << "\")";
  };
}

Expectation CompatTest::OperationMessageContains(std::string text) {
  return [this, text]() -> ::testing::AssertionResult {
    if (OperationMessage().find(text) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "operation message is \"" << OperationMessage() << "\", want it to contain \""
                                         << text << "\"";
  };
}

Expectation CompatTest::SyncStatusIs(std::string status) {
  return [this, status]() -> ::testing::AssertionResult {
    if (SyncStatus() == status) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "app sync status is \"" << SyncStatus() << "\", want \"" << status << "\"";
  };
}

Expectation CompatTest::HealthIs(std::string status) {
  return [this, status]() -> ::testing::AssertionResult {
    if (HealthStatus() == status) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "app health is \"" << HealthStatus() << "\", want \"" << status << "\"";
  };
}

Expectation CompatTest::ResourceSyncStatusIs(std::string kind, std::string name, std::string status) {
  return [this, kind, name, status]() -> ::testing::AssertionResult {
    std::string got = ResourceSyncStatus(kind, name);
    if (got == status) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "status.resources " << kind << "/" << name << " sync status is \"" << got
                                         << "\", want \"" << status << "\"";
  };
}

Expectation CompatTest::ResourceHealthIs(std::string kind, std::string name, std::string status) {
  return [this, kind, name, status]() -> ::testing::AssertionResult {
    std::string got = ResourceHealthStatus(kind, name);
    if (got == status) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "status.resources " << kind << "/" << name << " health is \"" << got
                                         << "\", want \"" << status << "\"";
  };
}

Expectation CompatTest::ResourceResultNumbering(size_t n) {
  return [this, n]() -> ::testing::AssertionResult {
    if (Results().size() == n) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "want " << n << " result(s), got " << DescribeResults();
  };
}

Expectation CompatTest::ResourceResultIs(ResourceResult r) {
  return [this, r]() -> ::testing::AssertionResult {
    for (const auto& e : Results()) {
      if (Matches(e, r, false)) return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "no result equals " << DescribeExpected(r) << "; " << DescribeResults();
  };
}

Expectation CompatTest::ResourceResultMatches(ResourceResult r) {
  return [this, r]() -> ::testing::AssertionResult {
    for (const auto& e : Results()) {
      if (Matches(e, r, true)) return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "no result matches " << DescribeExpected(r)
                                         << " (message as a substring); " << DescribeResults();
  };
}

Expectation CompatTest::Pod(std::function<bool(const base::Json&)> pred, std::string what) {
  return [this, pred, what]() -> ::testing::AssertionResult {
    for (const auto& p : Pods()) {
      if (pred(p)) return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "no pod is " << what << "; pods:\n" << DescribePods();
  };
}

Expectation CompatTest::NotPod(std::function<bool(const base::Json&)> pred, std::string what) {
  return [this, pred, what]() -> ::testing::AssertionResult {
    for (const auto& p : Pods()) {
      if (pred(p)) {
        return ::testing::AssertionFailure() << "pod " << base::GetStringAt(p, "metadata/name") << " is " << what
                                             << "; pods:\n" << DescribePods();
      }
    }
    return ::testing::AssertionSuccess();
  };
}

Expectation CompatTest::PodNamed(std::string name) {
  return Pod([name](const base::Json& p) { return base::GetStringAt(p, "metadata/name") == name; },
             "named \"" + name + "\"");
}

Expectation CompatTest::NoPodNamed(std::string name) {
  return NotPod([name](const base::Json& p) { return base::GetStringAt(p, "metadata/name") == name; },
                "named \"" + name + "\"");
}

Expectation CompatTest::DoesNotExist() {
  return [this]() -> ::testing::AssertionResult {
    auto r = client().Get(kApplicationGvk, ns(), app_name_);
    if (!r.ok() && r.status().IsNotFound()) return ::testing::AssertionSuccess();
    if (!r.ok()) return ::testing::AssertionFailure() << "reading the Application: " << r.status().ToString();
    return ::testing::AssertionFailure() << "Application " << ns() << "/" << app_name_ << " still exists"
                                         << (base::GetStringAt(*r, "metadata/deletionTimestamp").empty()
                                                 ? ""
                                                 : " (deletionTimestamp set)");
  };
}

Expectation CompatTest::Condition(std::string type, std::string message) {
  return [this, type, message]() -> ::testing::AssertionResult {
    const base::Json* c = At(app_, {"status", "conditions"});
    if (c != nullptr && c->is_array()) {
      for (const auto& e : *c) {
        if (Field(e, "type") == type && Field(e, "message").find(message) != std::string::npos) {
          return ::testing::AssertionSuccess();
        }
      }
    }
    return ::testing::AssertionFailure() << "no condition " << type << " containing \"" << message
                                         << "\"; conditions: " << (c ? c->dump() : "none");
  };
}

Expectation CompatTest::Or(Expectation a, Expectation b) {
  return [a, b]() -> ::testing::AssertionResult {
    auto ra = a();
    if (ra) return ra;
    auto rb = b();
    if (rb) return rb;
    return ::testing::AssertionFailure() << "neither holds: (" << ra.message() << ") nor (" << rb.message() << ")";
  };
}

}  // namespace capstan::compat
