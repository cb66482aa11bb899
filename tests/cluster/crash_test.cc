// Copyright 2026 The capstan Authors.
//
// Crash safety of a sync operation (Sync engine issue, item 7), against the real local control plane
// and the `capstan` binary. For each crash point (base/crash_point.h: CAPSTAN_CRASH_AT=<name>[:<n>]
// makes the process _exit(86) the n-th time it reaches <name>) a test syncs a 4-wave application with
// PreSync, Sync and PostSync hook Pods, crashes there, re-runs the very same `capstan sync -f` command
// without the variable, and checks what a user would: the re-run exits 0 with the operation Succeeded,
// every hook Pod was created exactly once (one ADDED watch event per hook name, counted by a watch
// started before the first run), no object of the app still carries argocd.argoproj.io/hook-finalizer,
// the Lease capstan-op-app is gone, and all eight ConfigMaps exist.
//
// The crash points: write:<why> before and written:<why> after each write of operation state (<why> =
// start, step, retry, final; app/operation_runner.cc) and hook-created right after a hook object is
// created and before its result is saved (sync/engine.cc). write:retry/written:retry are reached only
// by a failing operation with --retry-limit: the "Retry" cases add a ConfigMap for a namespace that does
// not exist yet, so the first attempt fails at its dry run (nothing written, no hook run) and schedules
// a retry; the test creates that namespace after the crash, so the resumed operation then succeeds.
//
// What the n-th step write (write:step:<n>) follows depends on timing (the runner steps again on every
// watched change): step 1 always follows the PreSync hook's creation; steps 4 and 7 landed anywhere
// from "PreSync hook running" to "PostSync hook created" in measured runs (each run prints the saved
// state's message). hook-created:<n> is deterministic: 1 = PreSync, 2 = Sync, 3 = PostSync hook. A
// point that is never reached fails the test (the first run must exit 86).
//
// A crash leaves the Lease held by the dead process; the re-run follows it until it expires (15 s
// unrenewed) and then takes the operation over, so each case takes 17-21 s.
//
// Thread safety: GoogleTest fixtures; the watch thread only appends under a mutex.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "base/crash_point.h"
#include "base/json.h"
#include "base/subprocess.h"
#include "core/gvk.h"
#include "kube/api_error.h"
#include "kube/client.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using Clock = std::chrono::steady_clock;
using source_testing::GitCmd;
using source_testing::ScratchDir;
using source_testing::WriteFile;
using ::testing::HasSubstr;

const core::Gvk kPodGvk{"", "v1", "Pod"};
const core::Gvk kConfigMapGvk{"", "v1", "ConfigMap"};
const core::Gvk kLeaseGvk{"coordination.k8s.io", "v1", "Lease"};
const core::Gvk kApplicationGvk{"argoproj.io", "v1alpha1", "Application"};
const core::Gvk kNamespaceGvk{"", "v1", "Namespace"};
constexpr char kHookFinalizer[] = "argocd.argoproj.io/hook-finalizer";
constexpr char kAppName[] = "app";
constexpr char kLeaseName[] = "capstan-op-app";
const std::vector<std::string> kHooks = {"pre-hook", "sync-hook", "post-hook"};

std::string CapstanBinary() {
  const char* bin = std::getenv("CAPSTAN_BIN");
  if (bin != nullptr && *bin != '\0') return bin;
  return std::string(CAPSTAN_BINARY_DIR) + "/capstan";
}

struct CliRun {
  int exit_code = -1;
  std::string stdout_text;
  std::string stderr_text;
  double seconds = 0;
};

// Runs `capstan --kubeconfig K <args>` with CAPSTAN_CRASH_AT=|crash_at| ("" = unset for capstan).
CliRun Capstan(const std::vector<std::string>& args, const std::string& crash_at,
            std::chrono::seconds timeout = std::chrono::seconds(120)) {
  base::SubprocessOptions opts;
  opts.argv = {CapstanBinary(), "--kubeconfig", testing::TestKubeconfigPath()};
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.env["CAPSTAN_CRASH_AT"] = crash_at;  // empty means no crash point (crash_point.cc)
  opts.timeout = timeout;
  opts.max_stderr_bytes = 256u << 10;
  auto start = Clock::now();
  auto r = base::RunSubprocess(opts);
  CliRun run;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!r.ok()) {
    run.stderr_text = "[crash_test] running capstan: " + r.status().ToString();
    return run;
  }
  run.exit_code = r->signal != 0 ? -1 : r->exit_code;
  run.stdout_text = std::move(r->stdout_text);
  run.stderr_text = std::move(r->stderr_text);
  if (r->signal != 0) run.stderr_text += "\n[crash_test] killed by signal " + std::to_string(r->signal);
  return run;
}

// The last |n| characters of |s|.
std::string Tail(const std::string& s, size_t n = 4000) { return s.size() <= n ? s : "..." + s.substr(s.size() - n); }

// Counts ADDED watch events per object name of one kind in one namespace, from the resourceVersion of
// a list taken in the constructor (so nothing created after construction is missed), reconnecting from
// the last resourceVersion seen when the server closes the stream.
class AddedCounter {
 public:
  AddedCounter(kube::Client& client, const std::string& ns, const core::Gvk& gvk) {
    auto list = client.List(gvk, ns, {});
    if (!list.ok()) {
      ADD_FAILURE() << "listing " << gvk.kind << " in " << ns << ": " << list.status().ToString();
      return;
    }
    std::string from = list->resource_version;
    thread_ = std::jthread([this, &client, ns, gvk, from](std::stop_token stop) {
      std::string rv = from;
      while (!stop.stop_requested()) {
        kube::WatchOptions opts;
        opts.resource_version = rv;
        opts.allow_bookmarks = true;
        base::Status s = client.Watch(gvk, ns, opts, [this, &rv](const kube::WatchEvent& ev) {
          std::string v = base::GetStringAt(ev.object, "metadata/resourceVersion");
          if (!v.empty()) rv = v;
          if (ev.type == kube::WatchEventType::kAdded) {
            std::lock_guard<std::mutex> lock(mu_);
            ++added_[base::GetStringAt(ev.object, "metadata/name")];
          }
          return true;
        }, stop);
        if (stop.stop_requested()) return;
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu_);
          errors_ += s.ToString() + "; ";
          if (kube::IsGone(s)) {
            broken_ = true;  // events were lost: the counts cannot be trusted
            return;
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
  }

  int Added(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = added_.find(name);
    return it == added_.end() ? 0 : it->second;
  }
  bool broken() {
    std::lock_guard<std::mutex> lock(mu_);
    return broken_;
  }
  std::string Describe() {
    std::lock_guard<std::mutex> lock(mu_);
    std::ostringstream os;
    for (const auto& [name, n] : added_) os << name << "=" << n << " ";
    if (added_.empty()) os << "(no ADDED events) ";
    if (!errors_.empty()) os << "[watch errors: " << errors_ << "]";
    return os.str();
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> added_;  // guarded by mu_
  std::string errors_;                // guarded by mu_
  bool broken_ = false;               // guarded by mu_
  std::jthread thread_;               // last: stopped and joined before the rest goes away
};

struct CrashCase {
  std::string test_name;    // the GoogleTest parameter name: Crash/CrashTest.Resumes/<test_name>
  std::string point;        // CAPSTAN_CRASH_AT
  bool retry = false;       // the failing-first-attempt variant (see the file comment)
  int64_t retry_count = 0;  // the final operationState.retryCount: retries saved before the crash
};

// "write:step:2" -> "write:step"; "write:start" stays.
std::string PointName(const std::string& point) {
  size_t colon = point.rfind(':');
  if (colon == std::string::npos || colon + 1 == point.size()) return point;
  for (size_t i = colon + 1; i < point.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(point[i]))) return point;
  }
  return point.substr(0, colon);
}

// Runs |f| when it goes out of scope.
class Finally {
 public:
  explicit Finally(std::function<void()> f) : f_(std::move(f)) {}
  ~Finally() { f_(); }
  Finally(const Finally&) = delete;
  Finally& operator=(const Finally&) = delete;

 private:
  std::function<void()> f_;
};

std::ostream& operator<<(std::ostream& os, const CrashCase& c) { return os << c.point; }

std::string ConfigMap(const std::string& name, int wave, const std::string& ns = "") {
  std::string out = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n";
  if (!ns.empty()) out += "  namespace: " + ns + "\n";
  out += "  annotations:\n    argocd.argoproj.io/sync-wave: \"" + std::to_string(wave) + "\"\ndata:\n  wave: \"" +
         std::to_string(wave) + "\"\n";
  return out;
}

// A hook Pod capstan-localnode runs to success after |run_seconds|; default delete policy.
std::string HookPod(const std::string& name, const std::string& hook, int wave, const std::string& run_seconds) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
         "\n  annotations:\n    argocd.argoproj.io/hook: " + hook + "\n    argocd.argoproj.io/sync-wave: \"" +
         std::to_string(wave) + "\"\n    localnode.capstan.dev/run-seconds: \"" + run_seconds +
         "\"\nspec:\n  restartPolicy: Never\n  containers:\n    - name: main\n      image: busybox\n"
         "      command: [\"true\"]\n";
}

class CrashTest : public testing::ClusterTest, public ::testing::WithParamInterface<CrashCase> {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    if (HasFatalFailure()) return;
    static std::once_flag installed;
    static CliRun install;
    std::call_once(installed, [] { install = Capstan({"install"}, ""); });
    ASSERT_EQ(install.exit_code, 0) << "capstan install (" << CapstanBinary() << "): " << install.stderr_text;
  }
  void TearDown() override {
    if (!extra_ns_.empty()) (void)client().Delete(kNamespaceGvk, "", extra_ns_, {});
    ClusterTest::TearDown();
  }

  // The repository: ConfigMaps cm-w<wave>-a/b in waves 0-3, hooks pre-hook (PreSync), sync-hook (Sync,
  // wave 2, runs 1 s so some steps see it Running) and post-hook (PostSync). With |retry|, also a
  // ConfigMap in the namespace extra_ns_, which does not exist yet.
  void MakeRepo(bool retry) {
    repo_ = scratch_ / "repo";
    for (int wave = 0; wave < 4; ++wave) {
      for (const char* suffix : {"a", "b"}) {
        std::string name = "cm-w" + std::to_string(wave) + "-" + suffix;
        WriteFile(repo_ + "/" + name + ".yaml", ConfigMap(name, wave));
      }
    }
    WriteFile(repo_ + "/pre-hook.yaml", HookPod("pre-hook", "PreSync", 0, "0.5"));
    WriteFile(repo_ + "/sync-hook.yaml", HookPod("sync-hook", "Sync", 2, "1"));
    WriteFile(repo_ + "/post-hook.yaml", HookPod("post-hook", "PostSync", 0, "0.5"));
    if (retry) {
      extra_ns_ = ns() + "-x";
      WriteFile(repo_ + "/elsewhere.yaml", ConfigMap("cm-elsewhere", 0, extra_ns_));
    }
    GitCmd(repo_, {"init", "-q"});
    GitCmd(repo_, {"add", "-A"});
    GitCmd(repo_, {"commit", "-q", "-m", "crash test fixture"});

    base::Json app = {
        {"apiVersion", "argoproj.io/v1alpha1"},
        {"kind", "Application"},
        {"metadata", {{"name", kAppName}, {"namespace", ns()}}},
        {"spec",
         {{"project", "default"},
          {"source", {{"repoURL", repo_}, {"path", "."}, {"targetRevision", "HEAD"}}},
          {"destination", {{"server", "https://kubernetes.default.svc"}, {"namespace", ns()}}}}}};
    app_file_ = scratch_ / "app.yaml";
    WriteFile(app_file_, app.dump(2));  // JSON is YAML
  }

  std::vector<std::string> SyncArgs(bool retry) const {
    std::vector<std::string> args = {"sync", "-f", app_file_, "-o", "json", "--cache-dir", scratch_ / "cache"};
    if (retry) {
      args.insert(args.end(), {"--retry-limit", "2", "--retry-backoff-duration", "1"});
    }
    return args;
  }

  ScratchDir scratch_;
  std::string repo_;
  std::string app_file_;
  std::string extra_ns_;
};

TEST_P(CrashTest, Resumes) {
  const CrashCase& c = GetParam();
  auto test_start = Clock::now();
  MakeRepo(c.retry);
  ASSERT_FALSE(HasFailure()) << "making the repository";
  AddedCounter pods(client(), ns(), kPodGvk);

  // What both runs printed, shown once when anything below fails.
  CliRun crashed, rerun;
  bool lease_left = false;
  std::string phase_after_crash = "(no Application)";
  std::string final_app;
  Finally diagnostics([&] {
    if (!HasFailure()) return;
    std::cout << "[crash_test] diagnostics for CAPSTAN_CRASH_AT=" << c.point << ": crashed run exit "
              << crashed.exit_code << " after " << crashed.seconds << " s (Lease left: " << (lease_left ? "yes" : "no")
              << ", operation phase then: " << phase_after_crash << "); re-run exit " << rerun.exit_code << " after "
              << rerun.seconds << " s; Pod ADDED events: " << pods.Describe() << "\n--- crashed run stderr:\n"
              << Tail(crashed.stderr_text, 3000) << "\n--- re-run stderr:\n" << Tail(rerun.stderr_text, 5000)
              << "\n--- final operationState:\n" << Tail(final_app, 4000) << "\n";
  });

  // 1. The run that crashes.
  crashed = Capstan(SyncArgs(c.retry), c.point);
  ASSERT_EQ(crashed.exit_code, base::kCrashExitCode)
      << "CAPSTAN_CRASH_AT=" << c.point << " did not crash the run (point never reached?)";
  EXPECT_THAT(crashed.stderr_text, HasSubstr("exiting abruptly at " + PointName(c.point)));
  lease_left = client().Get(kLeaseGvk, ns(), kLeaseName).ok();
  if (auto app = client().Get(kApplicationGvk, ns(), kAppName); app.ok()) {
    phase_after_crash = base::GetStringAt(*app, "status/operationState/phase");
    if (phase_after_crash.empty()) {
      phase_after_crash = "(no operationState)";
    } else {
      // Where the crash happened, as the saved state says.
      std::string message = base::GetStringAt(*app, "status/operationState/message");
      if (!message.empty()) phase_after_crash += " \"" + message + "\"";
    }
  }
  if (c.retry) {
    // The first attempt failed its dry run and scheduled a retry; then the cause goes away.
    EXPECT_THAT(crashed.stderr_text, HasSubstr("failed to apply (dry run)"));
    EXPECT_THAT(crashed.stderr_text, HasSubstr("Retrying attempt #1"));
    base::Json extra = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", extra_ns_}}}};
    auto created = client().Create(extra, {});
    ASSERT_TRUE(created.ok()) << "creating " << extra_ns_ << ": " << created.status().ToString();
  }

  // 2. The same command again, without the crash point: exit 0, operation Succeeded, every hook
  // Succeeded in the final result.
  rerun = Capstan(SyncArgs(c.retry), "");
  EXPECT_EQ(rerun.exit_code, 0);
  auto app = base::ParseJson(rerun.stdout_text, "stdout");
  ASSERT_TRUE(app.ok() && app->is_object()) << "re-run stdout is not the Application: " << Tail(rerun.stdout_text, 1500);
  const base::Json state = app->value("status", base::Json::object()).value("operationState", base::Json::object());
  final_app = state.dump(1);
  EXPECT_EQ(base::GetString(state, "phase"), "Succeeded") << "message: " << base::GetString(state, "message");
  EXPECT_EQ(state.value("retryCount", int64_t{0}), c.retry_count)
      << "retryCount: the retries the saved state recorded before the crash";
  std::map<std::string, std::string> hook_phase;
  for (const base::Json& r : state.value("syncResult", base::Json::object()).value("resources", base::Json::array())) {
    if (!base::GetString(r, "hookType").empty()) hook_phase[base::GetString(r, "name")] = base::GetString(r, "hookPhase");
  }
  for (const std::string& hook : kHooks) EXPECT_EQ(hook_phase[hook], "Succeeded") << "hookPhase of " << hook;

  // 3. Each hook Pod was created exactly once (the watch may lag the re-run's exit a little).
  WaitFor(
      [&] {
        for (const std::string& hook : kHooks) {
          if (pods.Added(hook) < 1) return false;
        }
        return true;
      },
      std::chrono::seconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(pods.broken()) << "the Pod watch lost events: " << pods.Describe();
  for (const std::string& hook : kHooks) {
    EXPECT_EQ(pods.Added(hook), 1) << "ADDED watch events of Pod " << hook << "; all: " << pods.Describe();
  }

  // 4. No object of the app keeps the hook finalizer.
  std::vector<std::string> namespaces = {ns()};
  if (!extra_ns_.empty()) namespaces.push_back(extra_ns_);
  for (const std::string& namespace_ : namespaces) {
    for (const core::Gvk& gvk : {kPodGvk, kConfigMapGvk}) {
      auto list = client().List(gvk, namespace_, {});
      ASSERT_TRUE(list.ok()) << list.status().ToString();
      for (const base::Json& obj : list->items) {
        for (const base::Json& f : obj["metadata"].value("finalizers", base::Json::array())) {
          EXPECT_FALSE(f.is_string() && f.get<std::string>() == kHookFinalizer)
              << gvk.kind << " " << base::GetStringAt(obj, "metadata/name") << " still carries " << kHookFinalizer;
        }
      }
    }
  }

  // 5. No Lease held once the operation has ended.
  auto lease = client().Get(kLeaseGvk, ns(), kLeaseName);
  EXPECT_FALSE(lease.ok()) << "Lease " << kLeaseName << " still exists: " << (lease.ok() ? lease->dump() : "");
  if (!lease.ok()) {
    EXPECT_EQ(lease.status().code(), base::StatusCode::kNotFound) << lease.status().ToString();
  }

  // 6. Every ConfigMap of every wave was applied.
  for (int wave = 0; wave < 4; ++wave) {
    for (const char* suffix : {"a", "b"}) {
      std::string name = "cm-w" + std::to_string(wave) + "-" + suffix;
      EXPECT_TRUE(client().Get(kConfigMapGvk, ns(), name).ok()) << "ConfigMap " << name << " missing";
    }
  }
  if (!extra_ns_.empty()) {
    EXPECT_TRUE(client().Get(kConfigMapGvk, extra_ns_, "cm-elsewhere").ok()) << "ConfigMap cm-elsewhere missing";
  }

  double total = std::chrono::duration<double>(Clock::now() - test_start).count();
  RecordProperty("crash_run_seconds", std::to_string(crashed.seconds));
  RecordProperty("rerun_seconds", std::to_string(rerun.seconds));
  std::cout << "[crash_test] " << c.point << ": crashed after " << crashed.seconds << " s (Lease left: "
            << (lease_left ? "yes" : "no") << ", phase: " << phase_after_crash << "), re-run " << rerun.seconds
            << " s, test " << total << " s; ADDED: " << pods.Describe() << "\n";
}

INSTANTIATE_TEST_SUITE_P(
    Crash, CrashTest,
    ::testing::Values(CrashCase{"AtWriteStart", "write:start"},                 //
                      CrashCase{"AtWrittenStart", "written:start"},             //
                      CrashCase{"AtWriteStep1", "write:step:1"},                //
                      CrashCase{"AtWrittenStep1", "written:step:1"},            //
                      CrashCase{"AtWriteStep4", "write:step:4"},                //
                      CrashCase{"AtWrittenStep4", "written:step:4"},            //
                      CrashCase{"AtWriteStep7", "write:step:7"},                //
                      CrashCase{"AtWriteFinal", "write:final"},                 //
                      CrashCase{"AtWrittenFinal", "written:final"},             //
                      CrashCase{"AtHookCreated1", "hook-created:1"},            //
                      CrashCase{"AtHookCreated2", "hook-created:2"},            //
                      CrashCase{"AtHookCreated3", "hook-created:3"},            //
                      CrashCase{"AtWriteRetry1", "write:retry:1", true},        //
                      CrashCase{"AtWrittenRetry1", "written:retry:1", true, 1},    //
                      CrashCase{"AtWriteRetry2", "write:retry:2", true, 1}),       //
    [](const ::testing::TestParamInfo<CrashCase>& info) { return info.param.test_name; });

}  // namespace
}  // namespace capstan
