// Copyright 2026 The capstan Authors.
//
// Hook logs (DESIGN §6, §8.5): the container logs of every Pod and Job hook, read when the hook
// finishes — before any delete policy removes it — and kept per operation in one ConfigMap per
// Application, never in .status. `capstan app logs` reads them back.
//
// Layout of ConfigMap `capstan-hooklogs-<app>` in the Application's namespace (owned by the
// Application through an ownerReference, so it goes when the app goes):
//
//   data["index.json"]  {"operations": [            oldest first
//                          {"number": 1,            1, 2, 3, … per app; never reused
//                           "startedAt": "2026-11-27T08:54:15Z", "revision": "<sha>",
//                           "hooks": [              in the order they finished
//                             {"id": 0, "phase": "PreSync", "group": "batch", "kind": "Job",
//                              "namespace": "ns", "name": "migrate", "attempt": 0,   (retry count)
//                              "hookPhase": "Succeeded", "message": "…",
//                              "logs": [{"pod": "migrate-x7k2q", "container": "main",
//                                        "key": "1.0.0.log", "cutBytes": 0},
//                                       {"pod": "…", "container": "…", "note": "log not read: …"}]}]}]}
//   data["<number>.<hook id>.<log index>.log"]  one container's log text (valid UTF-8: invalid
//                                                bytes become U+FFFD)
//
// Limits: a hook's logs together keep at most kHookLogBytesPerHook bytes — the tail; the first
// log kept whole or in part starts with a "[capstan: N earlier bytes cut]" line, and logs before
// it keep only a note. The ConfigMap's data keeps at most kHookLogBytesTotal bytes: the oldest
// operations go first; when the newest operation alone is over, its oldest logs become notes.
// Pod hooks give their init containers' and containers' logs; Job hooks the logs of every container
// of the Job's pods (label job-name, owned by that Job); other kinds give none and are not recorded.
// A log that cannot be read is a note in its place; nothing here ever fails a sync.
//
// Thread safety: a HookLogRecorder may be used from one thread at a time; different recorders may
// run concurrently (each write is a compare-and-swap on the ConfigMap).

#ifndef CAPSTAN_APP_HOOK_LOGS_H_
#define CAPSTAN_APP_HOOK_LOGS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "app/application.h"
#include "base/json.h"
#include "base/result.h"
#include "kube/client.h"
#include "sync/engine.h"

namespace capstan::app {

inline constexpr size_t kHookLogBytesPerHook = 64 * 1024;
inline constexpr size_t kHookLogBytesTotal = 512 * 1024;
inline constexpr char kHookLogIndexKey[] = "index.json";

// One container's log as kept.
struct HookLogEntry {
  std::string pod;
  std::string container;
  std::string key;        // data key of the text; "" when only a note is kept
  std::string note;       // why there is no text ("log not read: …"); "" otherwise
  int64_t cut_bytes = 0;  // bytes cut from the front of this log (per-hook cap)
  std::string text;       // filled by ReadHookLogs only
};

// One finished hook of an operation.
struct HookLogRecord {
  int64_t id = 0;
  std::string phase;  // PreSync, Sync, PostSync, SyncFail
  core::ResourceKey key;
  int64_t attempt = 0;     // the operation's retry count when the hook ran
  std::string hook_phase;  // Succeeded, Failed, Error
  std::string message;
  std::vector<HookLogEntry> logs;
};

struct OperationHookLogs {
  int64_t number = 0;
  std::string started_at;  // RFC 3339, the operation's startedAt
  std::string revision;
  std::vector<HookLogRecord> hooks;
};

// The operation whose hooks a recorder keeps.
struct HookLogOperation {
  int64_t started_at_unix = 0;
  std::string revision;
  int64_t retry_count = 0;
};

// "capstan-hooklogs-<app>", shortened with a hash suffix when longer than a name may be (253).
std::string HookLogsConfigMapName(std::string_view app);

// The hook logs kept for |ref|, oldest operation first, each log's text filled in. kNotFound
// "Application <ns>/<name> has no hook logs" when there is no ConfigMap; kInvalidArgument when its
// index cannot be read.
base::Result<std::vector<OperationHookLogs>> ReadHookLogs(kube::Client& client, const AppRef& ref);

class HookLogRecorder {
 public:
  // |application| is the Application as read (namespace, name, uid); |client| must outlive this.
  HookLogRecorder(kube::Client& client, const base::Json& application, HookLogOperation op);

  // Reads the logs of |hook| and stores them in the ConfigMap, replacing what an earlier call for
  // the same hook and attempt stored (a step repeated after a crash). Returns the error of the
  // ConfigMap write (log read errors are notes, not errors); OK without writing for kinds that have
  // no logs.
  base::Status Record(const sync::FinishedHook& hook);

  // For sync::StepInput::hook_finished: Record, logging (never returning) a failure. The recorder
  // must outlive the returned function's calls.
  std::function<void(const sync::FinishedHook&)> Callback();

 private:
  std::vector<HookLogEntry> FetchLogs(const sync::FinishedHook& hook, std::vector<std::string>& texts);

  kube::Client& client_;
  AppRef ref_;
  std::string app_uid_;
  std::string app_api_version_;
  HookLogOperation op_;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_HOOK_LOGS_H_
