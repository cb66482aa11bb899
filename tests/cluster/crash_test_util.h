// Copyright 2026 The capstan Authors.
//
// What the crash tests share (crash_test.cc kills the CLI, controller_crash_test.cc and
// tests/soak/ kill the controller): the 4-wave application with PreSync, Sync and PostSync hook Pods,
// a watch that counts ADDED events per object name (each hook must be created exactly once, however
// often its runner died), and the check of how a sync ended, as a user would look at it: the operation
// Succeeded with every hook Succeeded, each hook Pod created once, no object left with the hook
// finalizer, no operation Lease left, every ConfigMap there.
//
// Thread safety: AddedCounter's watch thread only writes under its mutex; the rest is
// thread-compatible.

#ifndef CAPSTAN_TESTS_CLUSTER_CRASH_TEST_UTIL_H_
#define CAPSTAN_TESTS_CLUSTER_CRASH_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "core/gvk.h"
#include "kube/api_error.h"
#include "kube/client.h"
#include "source_test_util.h"

namespace capstan::crash_testing {

inline const core::Gvk kPodGvk{"", "v1", "Pod"};
inline const core::Gvk kConfigMapGvk{"", "v1", "ConfigMap"};
inline const core::Gvk kLeaseGvk{"coordination.k8s.io", "v1", "Lease"};
inline const core::Gvk kApplicationGvk{"argoproj.io", "v1alpha1", "Application"};
inline const core::Gvk kNamespaceGvk{"", "v1", "Namespace"};
inline constexpr char kHookFinalizer[] = "argocd.argoproj.io/hook-finalizer";
// The hook Pods of the 4-wave application, in the order they are created.
inline const std::vector<std::string> kHooks = {"pre-hook", "sync-hook", "post-hook"};

// Every crash point of a deletion (app/deletion.h) with a Pre- and a PostDelete hook and two waves:
// the n-th hook created, wave deleted, and each finalizer step.
inline const std::vector<std::string> kDeletionCrashPoints = {
    "deletion:hook-created",          "deletion:hook-created:2",
    "deletion:finalizer-removed:pre-delete", "deletion:wave-deleted",
    "deletion:wave-deleted:2",        "deletion:finalizer-removed:resources",
    "deletion:finalizer-removed:post-delete", "deletion:finalizer-removed:pre-delete-cleanup",
    "deletion:finalizer-removed:post-delete-cleanup"};

// The last |n| characters of |s|.
inline std::string Tail(const std::string& s, size_t n = 4000) {
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

// "write:step:2" -> "write:step"; "write:start" stays (the name the crash message carries).
inline std::string PointName(const std::string& point) {
  size_t colon = point.rfind(':');
  if (colon == std::string::npos || colon + 1 == point.size()) return point;
  for (size_t i = colon + 1; i < point.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(point[i]))) return point;
  }
  return point.substr(0, colon);
}

// A GoogleTest parameter name made of |point|: letters and digits kept, the rest '_'.
inline std::string ParamName(const std::string& point) {
  std::string name;
  for (char c : point) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
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

// A ConfigMap in sync wave |wave| (in |ns| when given, else the destination namespace).
inline std::string WaveConfigMap(const std::string& name, int wave, const std::string& ns = "") {
  std::string out = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n";
  if (!ns.empty()) out += "  namespace: " + ns + "\n";
  out += "  annotations:\n    argocd.argoproj.io/sync-wave: \"" + std::to_string(wave) + "\"\ndata:\n  wave: \"" +
         std::to_string(wave) + "\"\n";
  return out;
}

// A hook Pod capstan-localnode runs to success after |run_seconds|; default delete policy.
inline std::string HookPod(const std::string& name, const std::string& hook, int wave, const std::string& run_seconds) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
         "\n  annotations:\n    argocd.argoproj.io/hook: " + hook + "\n    argocd.argoproj.io/sync-wave: \"" +
         std::to_string(wave) + "\"\n    localnode.capstan.dev/run-seconds: \"" + run_seconds +
         "\"\nspec:\n  restartPolicy: Never\n  containers:\n    - name: main\n      image: busybox\n"
         "      command: [\"true\"]\n";
}

// Writes the 4-wave application into |dir|: ConfigMaps cm-w<wave>-a/b in waves 0-3, hooks pre-hook
// (PreSync), sync-hook (Sync, wave 2, runs 1 s so some steps see it Running) and post-hook (PostSync).
// With |elsewhere_ns|, also the ConfigMap cm-elsewhere in that namespace.
inline void WriteFourWaveApp(const std::string& dir, const std::string& elsewhere_ns = "") {
  for (int wave = 0; wave < 4; ++wave) {
    for (const char* suffix : {"a", "b"}) {
      std::string name = "cm-w" + std::to_string(wave) + "-" + suffix;
      source_testing::WriteFile(dir + "/" + name + ".yaml", WaveConfigMap(name, wave));
    }
  }
  source_testing::WriteFile(dir + "/pre-hook.yaml", HookPod("pre-hook", "PreSync", 0, "0.5"));
  source_testing::WriteFile(dir + "/sync-hook.yaml", HookPod("sync-hook", "Sync", 2, "1"));
  source_testing::WriteFile(dir + "/post-hook.yaml", HookPod("post-hook", "PostSync", 0, "0.5"));
  if (!elsewhere_ns.empty()) {
    source_testing::WriteFile(dir + "/elsewhere.yaml", WaveConfigMap("cm-elsewhere", 0, elsewhere_ns));
  }
}

// What is wrong with how the sync of the 4-wave application |app| (its Application as last read)
// ended in |ns| (and |elsewhere_ns| when not empty); empty when it ended right. |pods| counted the
// hook Pods' ADDED events since before the first run.
inline std::vector<std::string> SyncEndProblems(kube::Client& client, const base::Json& app, const std::string& ns,
                                                AddedCounter& pods, const std::string& elsewhere_ns = "") {
  std::vector<std::string> problems;
  const base::Json state = app.value("status", base::Json::object()).value("operationState", base::Json::object());
  if (base::GetString(state, "phase") != "Succeeded") {
    problems.push_back("operation " + base::GetString(state, "phase") + ": " + base::GetString(state, "message"));
  }
  std::map<std::string, std::string> hook_phase;
  for (const base::Json& r : state.value("syncResult", base::Json::object()).value("resources", base::Json::array())) {
    if (!base::GetString(r, "hookType").empty()) hook_phase[base::GetString(r, "name")] = base::GetString(r, "hookPhase");
  }
  for (const std::string& hook : kHooks) {
    if (hook_phase[hook] != "Succeeded") problems.push_back("hookPhase of " + hook + ": '" + hook_phase[hook] + "'");
  }

  // Each hook Pod was created exactly once (the watch may lag the operation's end a little).
  for (int i = 0; i < 50; ++i) {
    bool all = true;
    for (const std::string& hook : kHooks) all = all && pods.Added(hook) >= 1;
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  if (pods.broken()) problems.push_back("the Pod watch lost events: " + pods.Describe());
  for (const std::string& hook : kHooks) {
    if (pods.Added(hook) != 1) {
      problems.push_back("Pod " + hook + " ADDED " + std::to_string(pods.Added(hook)) + " times (" + pods.Describe() + ")");
    }
  }

  std::vector<std::string> namespaces = {ns};
  if (!elsewhere_ns.empty()) namespaces.push_back(elsewhere_ns);
  for (const std::string& namespace_ : namespaces) {
    for (const core::Gvk& gvk : {kPodGvk, kConfigMapGvk}) {
      auto list = client.List(gvk, namespace_, {});
      if (!list.ok()) {
        problems.push_back("listing " + gvk.kind + ": " + list.status().ToString());
        continue;
      }
      for (const base::Json& obj : list->items) {
        for (const base::Json& f : obj["metadata"].value("finalizers", base::Json::array())) {
          if (f.is_string() && f.get<std::string>() == kHookFinalizer) {
            problems.push_back(gvk.kind + " " + base::GetStringAt(obj, "metadata/name") + " still carries " +
                               kHookFinalizer);
          }
        }
      }
    }
  }

  const std::string lease_name = "capstan-op-" + base::GetStringAt(app, "metadata/name");
  auto lease = client.Get(kLeaseGvk, base::GetStringAt(app, "metadata/namespace"), lease_name);
  if (lease.ok()) {
    problems.push_back("Lease " + lease_name + " still exists: " + lease->dump());
  } else if (!lease.status().IsNotFound()) {
    problems.push_back("reading Lease " + lease_name + ": " + lease.status().ToString());
  }

  for (int wave = 0; wave < 4; ++wave) {
    for (const char* suffix : {"a", "b"}) {
      std::string name = "cm-w" + std::to_string(wave) + "-" + suffix;
      if (!client.Get(kConfigMapGvk, ns, name).ok()) problems.push_back("ConfigMap " + name + " missing");
    }
  }
  if (!elsewhere_ns.empty() && !client.Get(kConfigMapGvk, elsewhere_ns, "cm-elsewhere").ok()) {
    problems.push_back("ConfigMap cm-elsewhere missing");
  }
  return problems;
}

}  // namespace capstan::crash_testing

#endif  // CAPSTAN_TESTS_CLUSTER_CRASH_TEST_UTIL_H_
