// Copyright 2026 The capstan Authors.

#include "app/progress_view.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "base/json.h"
#include "core/sync_types.h"

namespace capstan::app {

namespace {

using core::OperationPhase;

std::string KindOf(std::string_view group, std::string_view kind) {
  return group.empty() ? std::string(kind) : std::string(group) + "/" + std::string(kind);
}

std::string NameOf(std::string_view ns, std::string_view name) {
  return ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name);
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1fs", std::max(0.0, s));
  return buf;
}

// Display columns of UTF-8 text (code points; the view's symbols are one column each).
size_t Columns(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Pad(std::string s, size_t width) {
  size_t cols = Columns(s);
  if (cols < width) s.append(width - cols, ' ');
  return s;
}

// |s| cut to |width| columns (0: unchanged), ending in "…" when cut.
std::string Fit(const std::string& s, int width) {
  if (width <= 0 || Columns(s) <= static_cast<size_t>(width)) return s;
  std::string out;
  size_t cols = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if ((c & 0xC0) != 0x80) {
      if (cols + 1 >= static_cast<size_t>(width)) break;
      ++cols;
    }
    out += s[i];
  }
  return out + "…";
}

}  // namespace

ProgressView::ProgressView(std::ostream& out, Options opts) : out_(out), opts_(std::move(opts)) {
  if (!opts_.now) {
    auto start = std::chrono::steady_clock::now();
    opts_.now = [start] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  }
}

ProgressView::Row* ProgressView::FindRow(const std::string& key) {
  for (Row& r : rows_) {
    if (r.key == key) return &r;
  }
  return nullptr;
}

std::string ProgressView::Stamp(double t) const {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%7.2fs", t);
  return buf;
}

void ProgressView::Merge(const StepSnapshot& s, double now) {
  for (const PlannedTask& t : s.plan) {
    if (FindRow(t.key)) continue;
    rows_.push_back({.key = t.key, .phase = std::string(core::ToString(t.phase)), .wave = t.wave, .hook = t.hook,
                     .kind = KindOf(t.group, t.kind), .name = NameOf(t.namespace_, t.name)});
  }
  for (const sync::ResourceResult& r : s.state.results) {
    Row* row = FindRow(r.Key());
    if (!row) {
      // Not in the plan (a generated Namespace, a prune, a generateName hook): at the end of its
      // phase's rows.
      std::string phase(core::ToString(r.sync_phase));
      auto at = rows_.end();
      for (auto it = rows_.begin(); it != rows_.end(); ++it) {
        if (it->phase == phase) at = it + 1;
      }
      at = rows_.insert(at, {.key = r.Key(), .phase = phase, .hook = r.hook_type.has_value(),
                             .kind = KindOf(r.group, r.kind), .name = NameOf(r.namespace_, r.name)});
      row = &*at;
    }
    RowState state = RowState::kDone;
    // Nothing runs once the operation has ended, whatever a task's last recorded phase (a generated
    // Namespace, a resource whose health a failed operation stopped waiting for).
    bool ended = core::IsCompleted(s.state.phase);
    if (!ended && (r.hook_phase == OperationPhase::kRunning || r.hook_phase == OperationPhase::kTerminating)) {
      state = RowState::kRunning;
    } else if (r.hook_phase == OperationPhase::kFailed || r.hook_phase == OperationPhase::kError ||
               r.status == core::ResultCode::kSyncFailed) {
      state = RowState::kFailed;
    }
    row->state = state;
    row->result = row->hook && r.hook_phase ? std::string(core::ToString(*r.hook_phase))
                                            : std::string(core::ToString(r.status));
    row->message = r.message;
    if (!row->started) row->started = now;
    if (state == RowState::kRunning) {
      row->ended.reset();
    } else if (!row->ended) {
      row->ended = now;
    }
  }
  if (s.resources && s.resources->is_array()) {
    for (Row& row : rows_) {
      if (row.hook) continue;
      for (const base::Json& res : *s.resources) {
        if (KindOf(base::GetString(res, "group"), base::GetString(res, "kind")) == row.kind &&
            NameOf(base::GetString(res, "namespace"), base::GetString(res, "name")) == row.name) {
          row.health = base::GetStringAt(res, "health/status");
          // The comparison precedes the step that created the object: not "Missing" once applied.
          if (row.health == "Missing" && row.state != RowState::kPending) row.health.clear();
          break;
        }
      }
    }
  }
  phase_ = std::string(core::ToString(s.state.phase));
  message_ = s.state.message;
}

std::string ProgressView::Cursor() const {
  // A running task names the step (a SyncFail hook runs while earlier waves stay pending for ever);
  // before anything runs, the first pending one does.
  for (RowState wanted : {RowState::kRunning, RowState::kPending}) {
    for (const Row& r : rows_) {
      if (!r.wave) continue;  // outside the plan (a generated Namespace): not a step of its own
      if (r.state == wanted) return r.phase + " · wave " + std::to_string(*r.wave);
    }
  }
  return "";
}

std::string ProgressView::RowLine(const Row& r, double now, bool with_symbol) const {
  std::string line;
  if (with_symbol) {
    switch (r.state) {
      case RowState::kPending: line = "· "; break;
      case RowState::kRunning: line = "◌ "; break;
      case RowState::kDone: line = "✓ "; break;
      case RowState::kFailed: line = "✗ "; break;
    }
  }
  bool ended = core::IsCompleted(core::ParseOperationPhase(phase_).value_or(OperationPhase::kRunning));
  std::string outcome = r.state != RowState::kPending ? r.result : ended ? "not run" : "pending";
  if (!r.health.empty() && r.state != RowState::kPending) outcome += " · " + r.health;
  std::string duration;
  if (r.started) duration = Seconds((r.ended ? *r.ended : now) - *r.started);
  line += Pad(r.phase, 9) + Pad(r.wave ? "wave " + std::to_string(*r.wave) : "", 8) + (r.hook ? "hook " : "") + r.kind +
          " " + r.name + "  " + outcome;
  if (!duration.empty()) line += "  " + duration;
  if (!r.message.empty()) line += "  " + r.message;
  return line;
}

std::vector<std::string> ProgressView::Block(double now) const {
  std::vector<std::string> lines;
  std::string cursor = Cursor();
  std::string head = opts_.title.empty() ? "operation" : opts_.title;
  head += "  " + phase_;
  if (!cursor.empty() && !core::IsCompleted(core::ParseOperationPhase(phase_).value_or(OperationPhase::kRunning))) {
    head += "  " + cursor;
  }
  head += "  " + Seconds(now);
  lines.push_back(head);
  for (const Row& r : rows_) lines.push_back("  " + RowLine(r, now, /*with_symbol=*/true));
  if (!message_.empty()) lines.push_back("  " + message_);
  return lines;
}

void ProgressView::Redraw(double now) {
  if (drawn_lines_ > 0) out_ << "\x1b[" << drawn_lines_ << "F\x1b[J";
  std::vector<std::string> lines = Block(now);
  for (const std::string& l : lines) out_ << Fit(l, opts_.width) << "\n";
  drawn_lines_ = static_cast<int>(lines.size());
  out_.flush();
}

void ProgressView::Note(std::string_view line) {
  double now = opts_.now();
  if (!opts_.terminal) {
    out_ << Stamp(now) << "  " << line << "\n";
    out_.flush();
    return;
  }
  // Above the block: clear it, print the note, draw the block again below.
  if (drawn_lines_ > 0) out_ << "\x1b[" << drawn_lines_ << "F\x1b[J";
  drawn_lines_ = 0;
  out_ << Fit(std::string(line), opts_.width) << "\n";
  if (!rows_.empty() || !phase_.empty()) Redraw(now);
  out_.flush();
}

void ProgressView::Update(const StepSnapshot& s) {
  double now = opts_.now();
  if (opts_.terminal) {
    Merge(s, now);
    Redraw(now);
    return;
  }
  std::vector<std::string> before;
  before.reserve(rows_.size());
  for (const Row& r : rows_) before.push_back(RowLine(r, 0, /*with_symbol=*/true));
  std::string old_phase = phase_, old_message = message_, old_cursor = Cursor();
  size_t old_rows = rows_.size();
  Merge(s, now);
  for (size_t i = 0; i < rows_.size(); ++i) {
    const Row& r = rows_[i];
    if (r.state == RowState::kPending) continue;
    // Compared at time 0 (durations mostly out): a line is printed when the state (its symbol),
    // result, health or message moved.
    if (i < old_rows && before[i] == RowLine(r, 0, /*with_symbol=*/true)) continue;
    out_ << Stamp(now) << "  " << RowLine(r, now, /*with_symbol=*/true) << "\n";
  }
  std::string cursor = Cursor();
  bool done = core::IsCompleted(s.state.phase);
  if (phase_ != old_phase || message_ != old_message) {
    if (done || message_.rfind("waiting for", 0) != 0) {
      out_ << Stamp(now) << "  operation " << phase_ << (message_.empty() ? "" : ": " + message_) << "\n";
    } else {
      out_ << Stamp(now) << "  " << (cursor.empty() ? "" : cursor + ": ") << message_ << "\n";
    }
  } else if (!done && cursor != old_cursor && !cursor.empty() && message_.rfind("waiting for", 0) == 0) {
    out_ << Stamp(now) << "  " << cursor << ": " << message_ << "\n";
  }
  out_.flush();
}

void ProgressView::Finish() {
  if (finished_) return;
  finished_ = true;
  double now = opts_.now();
  if (opts_.terminal) {
    if (drawn_lines_ > 0 || !rows_.empty()) Redraw(now);
    return;
  }
  if (phase_.empty()) return;
  out_ << "operation " << phase_ << " after " << Seconds(now) << (message_.empty() ? "" : ": " + message_) << "\n";
  for (const Row& r : rows_) out_ << "  " << RowLine(r, now, /*with_symbol=*/true) << "\n";
  out_.flush();
}

}  // namespace capstan::app
