// Copyright 2026 The capstan Authors.

#include "app/conditions.h"

namespace capstan::app {

void SetCondition(base::Json& status, std::string_view type, const std::string& message, const std::string& now) {
  base::Json& conds = status["conditions"];
  if (!conds.is_array()) conds = base::Json::array();
  for (base::Json& c : conds) {
    if (base::GetString(c, "type") != type) continue;
    if (base::GetString(c, "message") != message) {
      c["message"] = message;
      c["lastTransitionTime"] = now;
    }
    return;
  }
  conds.push_back({{"type", type}, {"message", message}, {"lastTransitionTime", now}});
}

void ClearCondition(base::Json& status, std::string_view type) {
  auto it = status.find("conditions");
  if (it == status.end()) return;
  if (it->is_array()) {
    base::Json kept = base::Json::array();
    for (const base::Json& c : *it) {
      if (base::GetString(c, "type") != type) kept.push_back(c);
    }
    if (!kept.empty()) {
      *it = std::move(kept);
      return;
    }
  }
  status.erase(it);
}

std::optional<std::string> PostSyncFailure(const sync::OperationState& state) {
  if (state.phase != core::OperationPhase::kFailed && state.phase != core::OperationPhase::kError) return std::nullopt;
  const sync::ResourceResult* first = nullptr;
  int more = 0;
  for (const sync::ResourceResult& r : state.results) {
    bool failed = r.hook_phase == core::OperationPhase::kFailed || r.hook_phase == core::OperationPhase::kError;
    if (r.sync_phase != core::SyncPhase::kPostSync || !r.hook_type || !failed) continue;
    if (first == nullptr) {
      first = &r;
    } else {
      ++more;
    }
  }
  if (first == nullptr) return std::nullopt;
  std::string msg = "PostSync hook " + first->group + "/" + first->kind + "/" + first->name + " failed";
  if (!first->message.empty()) msg += ": " + first->message;
  if (more > 0) msg += " and " + std::to_string(more) + " more";
  return msg;
}

}  // namespace capstan::app
