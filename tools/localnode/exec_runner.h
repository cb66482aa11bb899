// Copyright 2026 The capstan Authors.
//
// ExecRunner: with `--exec` only, the node agent runs each container's command and args on the host
// (base::RunSubprocess: no shell, its own process group) and reports the real exit codes; what the
// process printed (stdout, then stderr) becomes the container's log once it exits. A container with
// no command (the image's entrypoint, which a host cannot know) is played from the pod's plan: it runs
// for the plan's run time and exits with the plan's exit code, or runs until stopped when the pod's
// restartPolicy is Always.
//
// Thread safety: all methods are safe to call from any thread. Each container runs on a thread of its
// own; |on_exit| is called on the thread of the last container of a run to exit, never after Stop
// for that pod or StopAll returned.

#ifndef CAPSTAN_LOCALNODE_EXEC_RUNNER_H_
#define CAPSTAN_LOCALNODE_EXEC_RUNNER_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "localnode/k8s_time.h"
#include "localnode/pod_plan.h"

namespace capstan::localnode {

struct ContainerRun {
  std::string name;
  std::vector<std::string> argv;           // command + args; empty: no command (played from the plan)
  std::map<std::string, std::string> env;  // the container's env entries with a literal value
  std::string working_dir;                 // spec workingDir when it exists on this host, else ""
  // Without a command:
  bool forever = false;                    // restartPolicy Always: runs until stopped
  int exit_code = 0;
  std::chrono::milliseconds run_time{0};
};

// The runs of |pod|'s containers (spec order).
std::vector<ContainerRun> ContainerRunsOf(const base::Json& pod, const PodPlan& plan);

// How one run of a pod's containers ended.
struct RunResult {
  std::string uid;
  int restart_count = 0;
  std::map<std::string, int> exit_codes;  // by container name
  Clock::time_point finished;
};

class ExecRunner {
 public:
  // |on_exit| (key "ns/name", result) is called when every container of a run has exited.
  using OnExit = std::function<void(const std::string& key, const RunResult& result)>;
  explicit ExecRunner(OnExit on_exit);
  ~ExecRunner();
  ExecRunner(const ExecRunner&) = delete;
  ExecRunner& operator=(const ExecRunner&) = delete;

  // Starts run |restart_count| of pod |uid|, stopping an earlier run of the same pod first.
  void Launch(const std::string& key, const std::string& uid, int restart_count, std::vector<ContainerRun> containers);
  // Kills the processes of pod |uid| (their group gets SIGKILL) and waits for them; keeps the logs.
  void Stop(const std::string& uid);
  // Stop for every pod, and forgets |uid|'s logs (the pod is gone).
  void Forget(const std::string& uid);
  void StopAll();

  // The output of |container|'s last finished run of pod |uid| (|previous|: the run before it);
  // nullopt when no run of it has finished.
  std::optional<std::string> Log(const std::string& uid, const std::string& container, bool previous) const;

 private:
  struct Run;
  void Record(const std::string& uid, const std::string& container, std::string log);

  OnExit on_exit_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Run>> runs_;  // by uid
  struct Logs {
    std::string current, previous;
    bool has_current = false, has_previous = false;
  };
  std::map<std::string, std::map<std::string, Logs>> logs_;  // uid → container → logs
};

}  // namespace capstan::localnode

#endif  // CAPSTAN_LOCALNODE_EXEC_RUNNER_H_
