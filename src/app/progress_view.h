// Copyright 2026 The capstan Authors.
//
// ProgressView: what `capstan sync`, `app sync` and `app wait` show while an operation runs
// (issue 5, DESIGN §6). It is fed the runner's StepSnapshots and free-form notes and shows the
// operation as a list of its tasks in the engine's order — phase, wave, kind, namespace/name, state,
// duration — with the phase and wave being worked on and what that wave is waiting for
// ("waiting for healthy state of apps/Deployment/web"), then a final summary.
//
// Two renderings of the same model:
//  - terminal: a block redrawn in place (ANSI cursor-up + clear), notes scrolling above it;
//  - plain (a pipe, a file, CI logs): one stamped line per change — a task's new state, a new
//    phase/wave, a new waiting message — and the summary table at the end. Deterministic for a given
//    sequence of snapshots and clock readings (golden-tested).
//
// Durations are measured by the view: from the first snapshot that shows a task's result to the
// first that shows it finished (an operation resumed after a crash counts from when it was seen).
//
// Thread safety: thread-compatible; the runner calls it from one thread.

#ifndef CAPSTAN_APP_PROGRESS_VIEW_H_
#define CAPSTAN_APP_PROGRESS_VIEW_H_

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "app/operation_runner.h"

namespace capstan::app {

class ProgressView {
 public:
  struct Options {
    bool terminal = false;
    std::string title;                  // e.g. "capstan/guestbook"
    std::function<double()> now;        // seconds since the view started; default: steady clock
    int width = 0;                      // terminal columns; lines are cut to fit (0: never cut)
  };

  ProgressView(std::ostream& out, Options opts);

  // A line that is not about a task (warnings, retries, "following the operation run elsewhere").
  void Note(std::string_view line);
  // The state after a step (or the final one).
  void Update(const StepSnapshot& s);
  // Prints the summary: the outcome, the total time and every task with its result and duration.
  // Terminal: the last redraw of the block is the summary.
  void Finish();

 private:
  enum class RowState { kPending, kRunning, kDone, kFailed };
  struct Row {
    std::string key;
    std::string phase;
    std::optional<int64_t> wave;  // unknown for tasks not in the plan (prunes, generateName hooks)
    bool hook = false;
    std::string kind;  // "<group>/<Kind>" or "<Kind>" for the core group
    std::string name;  // "<namespace>/<name>" or "<name>"
    RowState state = RowState::kPending;
    std::string result;  // "Synced", "Succeeded", "Running", "SyncFailed", "Pruned", ...
    std::string health;  // of resources, from status.resources
    std::string message;
    std::optional<double> started, ended;
  };

  Row* FindRow(const std::string& key);
  void Merge(const StepSnapshot& s, double now);
  // The phase and wave of the first unfinished planned task, "" when none.
  std::string Cursor() const;
  std::string Stamp(double t) const;
  std::string RowLine(const Row& r, double now, bool with_symbol) const;
  std::vector<std::string> Block(double now) const;
  void Redraw(double now);

  std::ostream& out_;
  Options opts_;
  std::vector<Row> rows_;
  std::string phase_;     // operation phase
  std::string message_;   // operation message
  std::string cursor_;
  int drawn_lines_ = 0;   // terminal: lines of the block on screen
  bool finished_ = false;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_PROGRESS_VIEW_H_
