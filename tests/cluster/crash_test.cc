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
#include "crash_test_util.h"
#include "source_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using Clock = std::chrono::steady_clock;
using source_testing::GitCmd;
using source_testing::ScratchDir;
using source_testing::WriteFile;
using crash_testing::AddedCounter;
using crash_testing::Finally;
using crash_testing::PointName;
using crash_testing::SyncEndProblems;
using crash_testing::Tail;
using crash_testing::WriteFourWaveApp;
using crash_testing::kApplicationGvk;
using crash_testing::kLeaseGvk;
using crash_testing::kNamespaceGvk;
using crash_testing::kPodGvk;
using ::testing::HasSubstr;

constexpr char kAppName[] = "app";
constexpr char kLeaseName[] = "capstan-op-app";

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

struct CrashCase {
  std::string test_name;    // the GoogleTest parameter name: Crash/CrashTest.Resumes/<test_name>
  std::string point;        // CAPSTAN_CRASH_AT
  bool retry = false;       // the failing-first-attempt variant (see the file comment)
  int64_t retry_count = 0;  // the final operationState.retryCount: retries saved before the crash
};

std::ostream& operator<<(std::ostream& os, const CrashCase& c) { return os << c.point; }

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

  // The repository: the 4-wave application (crash_test_util.h); with |retry|, also a ConfigMap in the
  // namespace extra_ns_, which does not exist yet.
  void MakeRepo(bool retry) {
    repo_ = scratch_ / "repo";
    if (retry) extra_ns_ = ns() + "-x";
    WriteFourWaveApp(repo_, extra_ns_);
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
  EXPECT_EQ(state.value("retryCount", int64_t{0}), c.retry_count)
      << "retryCount: the retries the saved state recorded before the crash";

  // 3.-6. Every hook Succeeded and was created once, no hook finalizer, no Lease, every ConfigMap.
  for (const std::string& problem : SyncEndProblems(client(), *app, ns(), pods, extra_ns_)) ADD_FAILURE() << problem;

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
