// Copyright 2026 The capstan Authors.
//
// CompatTest: the fixture of the Argo CD compatibility tests (tests/compat). It reproduces the shape of
// Argo CD's e2e fixture DSL (test/e2e/fixture/app: Given → When → Then) over the `capstan` binary and
// the local control plane:
//
//   Given:  Path("hook")                      a Git repository in a scratch dir, made from
//                                             tests/compat/testdata/hook/ and committed with the git CLI
//           Resource(yaml)                    an object created in ns() before the app exists
//   When:   PatchFile / AddFile / DeleteFile  edit the repository and commit (RFC 6902 patches, as Argo)
//           SetAnnotation(file, key, value)   the localnode translation of a container command
//           CreateApp()                       app.yaml (Application "app" in ns(), destination ns(),
//                                             source = the repository, path ".", HEAD) +
//                                             `capstan app create -f app.yaml --upsert`
//           Sync(flags)                       `capstan sync -f app.yaml -o json --cache-dir … flags`
//           AppSync / Wait / TerminateOp / Get / Delete, CapstanAsync (a command on a thread)
//           UseOwnSettings(data)              capstan-cm in ns(); --control-plane-namespace ns() after
//   Then:   Expect(OperationPhaseIs("Succeeded")), Expect(ResourceResultIs({...})), Expect(Pod(...)) …
//
// Expect() polls like Argo CD's Consequences.Expect: it checks, and while the check fails it re-reads the
// Application (`capstan app get -o json --refresh`) and the cluster every second, up to 15 s (3 s once an
// expectation of the same test has already timed out, to bound the run). When a test fails, TearDown
// prints every capstan command it ran (argv, exit code, stderr), the Application's status and the pods
// of ns(), so a failure can be diagnosed from the test log alone (CAPSTAN_COMPAT_VERBOSE=1: after every
// test).
//
// The binary under test is $CAPSTAN_BIN, else CAPSTAN_BINARY_DIR "/capstan"; every command gets
// `--kubeconfig $CAPSTAN_TEST_KUBECONFIG`. `capstan install` runs once per process.
//
// Pods are played by capstan-localnode, which runs no commands: fixtures keep Argo CD's commands for the
// reader and carry the annotations below (`true` → nothing, `false` → exit-code "1", `sleep N` →
// run-seconds "N").
//
// Thread safety: one test at a time (GoogleTest fixture). Capstan()/CapstanAsync() may run on several
// threads at once (the command log is guarded by a mutex); everything else runs on the test's thread.

#ifndef CAPSTAN_TESTS_COMPAT_COMPAT_UTIL_H_
#define CAPSTAN_TESTS_COMPAT_COMPAT_UTIL_H_

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "core/gvk.h"
#include "testing/cluster_fixture.h"

namespace capstan::compat {

// Argo CD's annotation and finalizer names.
inline constexpr char kHookAnnotation[] = "argocd.argoproj.io/hook";
inline constexpr char kHookDeletePolicyAnnotation[] = "argocd.argoproj.io/hook-delete-policy";
inline constexpr char kSyncWaveAnnotation[] = "argocd.argoproj.io/sync-wave";
inline constexpr char kSyncOptionsAnnotation[] = "argocd.argoproj.io/sync-options";
inline constexpr char kHookFinalizer[] = "argocd.argoproj.io/hook-finalizer";

// capstan-localnode's pod annotations (tools/localnode/README.md).
inline constexpr char kExitCode[] = "localnode.capstan.dev/exit-code";
inline constexpr char kRunSeconds[] = "localnode.capstan.dev/run-seconds";
inline constexpr char kReady[] = "localnode.capstan.dev/ready";
inline constexpr char kLog[] = "localnode.capstan.dev/log";
inline constexpr char kRemoveFinalizerOnDelete[] = "localnode.capstan.dev/remove-finalizer-on-delete";

inline const core::Gvk kPodGvk{"", "v1", "Pod"};
inline const core::Gvk kConfigMapGvk{"", "v1", "ConfigMap"};
inline const core::Gvk kJobGvk{"batch", "v1", "Job"};
inline const core::Gvk kDeploymentGvk{"apps", "v1", "Deployment"};
inline const core::Gvk kApplicationGvk{"argoproj.io", "v1alpha1", "Application"};

// One run of the capstan binary.
struct CliRun {
  std::vector<std::string> args;  // without the binary and --kubeconfig
  int exit_code = -1;             // -1 when it did not exit (killed, timed out, not started)
  std::string stdout_text;
  std::string stderr_text;
  base::Json app;  // stdout parsed as JSON when it is a JSON object, else null
};

// An entry of status.operationState.syncResult.resources as Argo CD's e2e tests name it
// (ResourceResult without Images, which capstan does not report). Empty strings mean "absent or empty",
// as Go's zero values do: ResourceResultIs compares every field.
struct ResourceResult {
  std::string group;
  std::string version;
  std::string kind;
  std::string namespace_;
  std::string name;
  std::string status;      // Synced | SyncFailed | Pruned | PruneSkipped
  std::string message;
  std::string hook_type;   // PreSync | Sync | PostSync | SyncFail | …, "" for a resource
  std::string hook_phase;  // Running | Succeeded | Failed | Error | Terminating
  std::string sync_phase;  // PreSync | Sync | PostSync | SyncFail
};

// A check of an expectation; the message of a failed AssertionResult says what was seen.
using Expectation = std::function<::testing::AssertionResult()>;

// True when |obj| (a Pod, Job, …) carries |finalizer| in metadata.finalizers.
bool HasFinalizer(const base::Json& obj, std::string_view finalizer);
// True when |obj| carries the annotation argocd.argoproj.io/hook.
bool IsHook(const base::Json& obj);
// Argo CD's "completed hooks should not have a finalizer" predicate: a hook without the hook finalizer.
bool IsHookWithoutFinalizer(const base::Json& obj);

class CompatTest : public capstan::testing::ClusterTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // ---- Given: the Git repository ----

  // Creates the repository from tests/compat/testdata/|fixture|/ (every file, recursively) and commits
  // it. REQUIRES: called once, before any file helper.
  void Path(std::string_view fixture);
  // Writes |content| to |file| (relative to the repository root) and commits.
  void AddFile(std::string_view file, std::string_view content);
  // Applies the RFC 6902 |json_patch| to |file| (one YAML or JSON document), rewrites it as YAML and
  // commits. As with Argo CD's fixture, "replace" of an absent object member adds it. A patch that does
  // not apply fails the test.
  void PatchFile(std::string_view file, std::string_view json_patch);
  // Runs |edit| on the single document of |file|, rewrites it and commits.
  void EditFile(std::string_view file, const std::function<void(base::Json&)>& edit);
  // metadata.annotations[|key|] = |value| on the document of |file| (creating annotations), commits.
  void SetAnnotation(std::string_view file, std::string_view key, std::string_view value);
  // The same on spec.template.metadata.annotations (a Job's or Deployment's pods).
  void SetPodTemplateAnnotation(std::string_view file, std::string_view key, std::string_view value);
  // Removes |file| and commits.
  void DeleteFile(std::string_view file);
  // Creates the object of |yaml| in ns() now, through the API (Argo CD's Given().Resource()).
  void Resource(std::string_view yaml);

  const std::string& repo_dir() const { return repo_dir_; }
  const std::string& scratch_dir() const { return scratch_dir_; }
  const std::string& app_file() const { return app_file_; }
  const std::string& cache_dir() const { return cache_dir_; }

  // ---- When: the Application and capstan commands ----

  // The Application's name ("app") and namespace (ns()).
  const std::string& app_name() const { return app_name_; }
  // spec.syncPolicy.syncOptions of the manifest written by WriteApp/CreateApp (e.g. "Replace=true").
  std::vector<std::string>& sync_options() { return sync_options_; }
  // Extra members merged into spec.syncPolicy (e.g. {"automated", {...}} or {"retry", {...}}).
  base::Json& sync_policy() { return sync_policy_; }
  // Writes app.yaml (the Application manifest) into the scratch dir.
  void WriteApp();
  // WriteApp + `capstan app create -f app.yaml --upsert`; the command must exit 0.
  void CreateApp();

  // `capstan <args> --kubeconfig K`, recorded for diagnostics; keeps the result as last_run() and, when
  // stdout is an Application, as app(). |timeout| kills it (exit_code -1).
  const CliRun& Capstan(std::vector<std::string> args, std::chrono::seconds timeout = std::chrono::seconds(150));
  // The same on a thread of its own; app() is not updated (call Get() later).
  std::future<CliRun> CapstanAsync(std::vector<std::string> args,
                                   std::chrono::seconds timeout = std::chrono::seconds(150));
  // `capstan sync -f app.yaml -o json --cache-dir <scratch>/cache <flags…>` (writes app.yaml first if
  // CreateApp/WriteApp was not called).
  const CliRun& Sync(std::vector<std::string> flags = {});
  // `capstan app sync app -N ns -o json --cache-dir … <flags…>`.
  const CliRun& AppSync(std::vector<std::string> flags = {});
  // The argv of AppSync, for CapstanAsync.
  std::vector<std::string> AppSyncArgs(std::vector<std::string> flags = {}) const;
  // `capstan app wait app -N ns -o json <flags…>`.
  const CliRun& Wait(std::vector<std::string> flags = {});
  // `capstan app terminate-op app -N ns`.
  const CliRun& TerminateOp();
  // `capstan app delete app -N ns <flags…>` (the Controller issue's command).
  const CliRun& Delete(std::vector<std::string> flags = {});
  // `capstan app get app -N ns -o json --refresh --cache-dir …` (capstan has no controller yet: every read
  // re-compares Git with the cluster, as the refresh of Argo CD's controller does); on exit 0 app()
  // becomes what it printed. Falls back to reading the Application through the API when the command
  // fails (the failure stays in the command log).
  const CliRun& Get();
  const CliRun& last_run() const { return last_run_; }

  // Arguments appended to every capstan command the test runs from now on.
  std::vector<std::string>& extra_args() { return extra_args_; }
  // Settings of the test's own: creates ConfigMap capstan-cm in ns() with |data| (argocd-cm's keys, e.g.
  // resource.customizations.health.batch_Job) and passes `--control-plane-namespace ns()` to every
  // capstan command from now on, so tests that change settings run in parallel (ctest -j) without
  // seeing each other's. Argo CD's SetResourceOverrides writes the one argocd-cm instead.
  void UseOwnSettings(const std::map<std::string, std::string>& data);

  // ---- Then: the Application as last read ----

  const base::Json& app() const { return app_; }
  std::string OperationPhase() const;
  std::string OperationMessage() const;
  std::string SyncStatus() const;
  std::string HealthStatus() const;
  // status.operationState.syncResult.resources (an array, possibly empty).
  base::Json Results() const;
  // The result entry of |kind|/|name| (the first one), or nullopt.
  std::optional<base::Json> ResourceResultOf(std::string_view kind, std::string_view name) const;
  // The status.resources entry of |kind|/|name|, or nullopt.
  std::optional<base::Json> ResourceStatusOf(std::string_view kind, std::string_view name) const;
  // status.resources[kind/name].status; "" when the entry is absent.
  std::string ResourceSyncStatus(std::string_view kind, std::string_view name) const;
  // status.resources[kind/name].health.status; "Missing" when the entry is absent (as Argo CD's fixture).
  std::string ResourceHealthStatus(std::string_view kind, std::string_view name) const;

  // ---- Then: the cluster ----

  // The object |name| of |gvk| in ns(), or nullopt when it does not exist.
  std::optional<base::Json> GetObject(const core::Gvk& gvk, std::string_view name);
  std::optional<base::Json> GetPod(std::string_view name) { return GetObject(kPodGvk, name); }
  bool PodExists(std::string_view name) { return GetPod(name).has_value(); }
  // The pods of ns().
  std::vector<base::Json> Pods();
  // metadata.finalizers of |gvk| |name| in ns() (empty when absent or gone).
  std::vector<std::string> Finalizers(const core::Gvk& gvk, std::string_view name);
  // metadata.creationTimestamp of Pod |name| ("" when absent).
  std::string PodCreationTimestamp(std::string_view name);

  // The result Argo CD's hook tests expect for a hook Pod |name| in ns(): version v1, kind Pod, syncPhase =
  // |hook_type|.
  ResourceResult PodHookResult(std::string name, std::string hook_type, std::string hook_phase,
                               std::string message, std::string status = "Synced") const;

  // ---- Expectations (Argo CD's names) ----

  // Checks |e| until it holds or the expectation timeout passes (see the file comment), re-reading the
  // Application between tries; records a failure at the caller's line otherwise.
  void Expect(const Expectation& e, std::source_location loc = std::source_location::current());

  Expectation OperationPhaseIs(std::string phase);
  Expectation OperationMessageContains(std::string text);
  Expectation SyncStatusIs(std::string status);
  Expectation HealthIs(std::string status);
  Expectation ResourceSyncStatusIs(std::string kind, std::string name, std::string status);
  Expectation ResourceHealthIs(std::string kind, std::string name, std::string status);
  // Exactly |n| entries in syncResult.resources.
  Expectation ResourceResultNumbering(size_t n);
  // Some entry equals |r| on every field.
  Expectation ResourceResultIs(ResourceResult r);
  // Some entry equals |r| on every field but message, whose text contains r.message (Argo CD's
  // ResourceResultMatches uses a regular expression; every use is a literal prefix).
  Expectation ResourceResultMatches(ResourceResult r);
  // Some pod of ns() satisfies |pred| (|what| describes it in the failure message).
  Expectation Pod(std::function<bool(const base::Json&)> pred, std::string what);
  // No pod of ns() satisfies |pred|.
  Expectation NotPod(std::function<bool(const base::Json&)> pred, std::string what);
  // Shorthands: a pod named |name| exists / does not exist.
  Expectation PodNamed(std::string name);
  Expectation NoPodNamed(std::string name);
  // The Application no longer exists.
  Expectation DoesNotExist();
  // status.conditions has an entry of |type| whose message contains |message|.
  Expectation Condition(std::string type, std::string message);
  // Either holds.
  static Expectation Or(Expectation a, Expectation b);

  // The duration of Expect's polling.
  std::chrono::milliseconds expect_timeout() const;

 private:
  void Commit(std::string_view message);
  void RunGit(std::vector<std::string> args);
  void RefreshForExpect();
  std::string DescribeResults() const;
  std::string DescribePods();

  std::string scratch_dir_;
  std::string repo_dir_;
  std::string cache_dir_;
  std::string app_file_;
  std::string app_name_ = "app";
  std::vector<std::string> sync_options_;
  std::vector<std::string> extra_args_;
  base::Json sync_policy_ = base::Json::object();
  bool app_written_ = false;
  bool expect_timed_out_ = false;

  base::Json app_;
  CliRun last_run_;
  std::mutex log_mu_;
  std::vector<CliRun> log_;  // guarded by log_mu_
};

}  // namespace capstan::compat

#endif  // CAPSTAN_TESTS_COMPAT_COMPAT_UTIL_H_
