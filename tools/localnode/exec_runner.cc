// Copyright 2026 The capstan Authors.

#include "localnode/exec_runner.h"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <stop_token>
#include <thread>

#include "base/log.h"
#include "base/subprocess.h"
#include "localnode/pod_lifecycle.h"

namespace capstan::localnode {

using base::Json;

struct ExecRunner::Run {
  std::vector<std::jthread> threads;
  std::atomic<int> remaining{0};
  std::atomic<bool> cancelled{false};
  std::mutex mu;
  RunResult result;
};

namespace {

std::vector<std::string> Strings(const Json& c, const char* key) {
  std::vector<std::string> out;
  auto it = c.find(key);
  if (it == c.end() || !it->is_array()) return out;
  for (const Json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// Sleeps |d| (forever when |forever|) unless |stop| is requested first; true when stopped.
bool SleepFor(std::chrono::milliseconds d, bool forever, std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  if (forever) {
    cv.wait(lock, stop, [] { return false; });
  } else {
    cv.wait_for(lock, stop, d, [] { return false; });
  }
  return stop.stop_requested();
}

// Exit code and log of one container run.
std::pair<int, std::string> RunContainer(const ContainerRun& c, std::stop_token stop, bool& cancelled) {
  cancelled = false;
  if (c.argv.empty()) {
    if (SleepFor(c.run_time, c.forever, stop)) {
      cancelled = true;
      return {0, ""};
    }
    return {c.exit_code, ""};
  }
  base::SubprocessOptions opts;
  opts.argv = c.argv;
  opts.env = c.env;
  opts.working_dir = c.working_dir;
  opts.stop = stop;
  auto result = base::RunSubprocess(opts);
  if (!result.ok()) {
    if (result.status().code() == base::StatusCode::kCancelled) {
      cancelled = true;
      return {0, ""};
    }
    int code = result.status().IsNotFound() ? 127 : result.status().code() == base::StatusCode::kPermissionDenied ? 126 : 1;
    return {code, "capstan-localnode: " + result.status().message() + "\n"};
  }
  int code = result->exit_code >= 0 ? result->exit_code : 128 + result->signal;
  return {code, result->stdout_text + result->stderr_text};
}

}  // namespace

std::vector<ContainerRun> ContainerRunsOf(const Json& pod, const PodPlan& plan) {
  std::vector<ContainerRun> out;
  const Json* list = nullptr;
  if (pod.is_object() && pod.contains("spec") && pod["spec"].is_object() && pod["spec"].contains("containers")) {
    list = &pod["spec"]["containers"];
  }
  if (list == nullptr || !list->is_array()) return out;
  bool forever = RestartPolicyOf(pod) == "Always";
  for (const Json& c : *list) {
    if (!c.is_object() || base::GetString(c, "name").empty()) continue;
    ContainerRun run;
    run.name = base::GetString(c, "name");
    run.argv = Strings(c, "command");
    for (std::string& a : Strings(c, "args")) run.argv.push_back(std::move(a));
    auto env = c.find("env");
    if (env != c.end() && env->is_array()) {
      for (const Json& e : *env) {
        std::string name = base::GetString(e, "name");
        if (!name.empty() && e.contains("value") && e["value"].is_string()) run.env[name] = e["value"];
      }
    }
    std::string wd = base::GetString(c, "workingDir");
    std::error_code ec;
    if (!wd.empty() && std::filesystem::is_directory(wd, ec)) run.working_dir = wd;
    run.forever = forever;
    run.exit_code = plan.exit_code;
    run.run_time = plan.run_time;
    out.push_back(std::move(run));
  }
  return out;
}

ExecRunner::ExecRunner(OnExit on_exit) : on_exit_(std::move(on_exit)) {}

ExecRunner::~ExecRunner() { StopAll(); }

void ExecRunner::Record(const std::string& uid, const std::string& container, std::string log) {
  std::lock_guard lock(mu_);
  Logs& logs = logs_[uid][container];
  if (logs.has_current) {
    logs.previous = std::move(logs.current);
    logs.has_previous = true;
  }
  logs.current = std::move(log);
  logs.has_current = true;
}

void ExecRunner::Launch(const std::string& key, const std::string& uid, int restart_count,
                        std::vector<ContainerRun> containers) {
  Stop(uid);
  auto run = std::make_shared<Run>();
  run->result.uid = uid;
  run->result.restart_count = restart_count;
  run->remaining = static_cast<int>(containers.size());
  {
    std::lock_guard lock(mu_);
    runs_[uid] = run;
  }
  if (containers.empty()) {
    run->result.finished = Clock::now();
    on_exit_(key, run->result);
    return;
  }
  std::weak_ptr<Run> weak = run;
  std::vector<std::jthread> threads;
  for (ContainerRun& c : containers) {
    CAPSTAN_LOG_DEBUG("exec {} container {}: {}", key, c.name, c.argv.empty() ? "(no command)" : c.argv[0]);
    threads.emplace_back([this, key, uid, weak, c = std::move(c)](std::stop_token stop) {
      bool cancelled = false;
      auto [code, log] = RunContainer(c, stop, cancelled);
      std::shared_ptr<Run> run = weak.lock();
      if (!run || cancelled || run->cancelled) return;
      Record(uid, c.name, std::move(log));
      {
        std::lock_guard lock(run->mu);
        run->result.exit_codes[c.name] = code;
        run->result.finished = Clock::now();
      }
      if (--run->remaining == 0 && !run->cancelled) {
        RunResult result;
        {
          std::lock_guard lock(run->mu);
          result = run->result;
        }
        on_exit_(key, result);
      }
    });
  }
  std::lock_guard lock(run->mu);
  run->threads = std::move(threads);
}

void ExecRunner::Stop(const std::string& uid) {
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mu_);
    auto it = runs_.find(uid);
    if (it == runs_.end()) return;
    run = std::move(it->second);
    runs_.erase(it);
  }
  run->cancelled = true;
  std::vector<std::jthread> threads;
  {
    std::lock_guard lock(run->mu);
    threads = std::move(run->threads);
  }
  for (auto& t : threads) {
    if (t.get_id() == std::this_thread::get_id()) {
      t.detach();  // Stop from inside on_exit: this thread ends on its own
    } else {
      t.request_stop();
    }
  }
  // jthread destructors join.
}

void ExecRunner::Forget(const std::string& uid) {
  Stop(uid);
  std::lock_guard lock(mu_);
  logs_.erase(uid);
}

void ExecRunner::StopAll() {
  std::vector<std::string> uids;
  {
    std::lock_guard lock(mu_);
    for (const auto& [uid, run] : runs_) uids.push_back(uid);
  }
  for (const std::string& uid : uids) Stop(uid);
}

std::optional<std::string> ExecRunner::Log(const std::string& uid, const std::string& container, bool previous) const {
  std::lock_guard lock(mu_);
  auto pod = logs_.find(uid);
  if (pod == logs_.end()) return std::nullopt;
  auto it = pod->second.find(container);
  if (it == pod->second.end()) return std::nullopt;
  if (previous) return it->second.has_previous ? std::optional<std::string>(it->second.previous) : std::nullopt;
  return it->second.has_current ? std::optional<std::string>(it->second.current) : std::nullopt;
}

}  // namespace capstan::localnode
