// Copyright 2026 The capstan Authors.

#include "sync/operation_state.h"

#include "base/json.h"
#include "base/time.h"
#include "core/sync_types.h"

namespace capstan::sync {

std::string ResourceResult::Key() const {
  return group + "/" + kind + "/" + namespace_ + "/" + name + ":" + std::string(core::ToString(sync_phase));
}

const ResourceResult* OperationState::Find(const std::string& key) const {
  for (const ResourceResult& r : results) {
    if (r.Key() == key) return &r;
  }
  return nullptr;
}

void OperationState::Record(ResourceResult r) {
  for (ResourceResult& existing : results) {
    if (existing.name == r.name && existing.kind == r.kind && existing.namespace_ == r.namespace_ &&
        existing.group == r.group && existing.sync_phase == r.sync_phase) {
      existing = std::move(r);
      return;
    }
  }
  results.push_back(std::move(r));
}

std::string OperationState::HookStamp() const {
  std::string stamp = FormatTime(started_at_unix);
  if (retry_count > 0) stamp += "#" + std::to_string(retry_count);
  return stamp;
}

std::string FormatTime(int64_t unix) { return base::FormatRfc3339(unix); }

base::Result<int64_t> ParseTime(std::string_view text, std::string_view field) {
  base::Result<int64_t> t = base::ParseRfc3339Seconds(text);
  if (!t.ok()) return t.status().Annotate(field);
  return t;
}

base::Json ToJson(const OperationState& s) {
  base::Json resources = base::Json::array();
  for (const ResourceResult& r : s.results) {
    base::Json j = {{"group", r.group},
                    {"version", r.version},
                    {"kind", r.kind},
                    {"namespace", r.namespace_},
                    {"name", r.name},
                    {"status", core::ToString(r.status)},
                    {"message", r.message},
                    {"syncPhase", core::ToString(r.sync_phase)}};
    if (r.hook_type) j["hookType"] = core::ToString(*r.hook_type);
    if (r.hook_phase) j["hookPhase"] = core::ToString(*r.hook_phase);
    resources.push_back(std::move(j));
  }
  base::Json out = {{"phase", core::ToString(s.phase)},
                    {"message", s.message},
                    {"startedAt", FormatTime(s.started_at_unix)},
                    {"syncResult", {{"revision", s.revision}, {"resources", std::move(resources)}}}};
  // Multi-source: Argo CD's syncResult.revisions too (revision keeps the joined form capstan reads back).
  if (auto revs = core::MultiSourceRevisions(s.revision); !revs.empty()) out["syncResult"]["revisions"] = revs;
  if (s.finished_at_unix) out["finishedAt"] = FormatTime(*s.finished_at_unix);
  if (s.retry_count > 0) out["retryCount"] = s.retry_count;
  return out;
}

base::Result<OperationState> OperationStateFromJson(const base::Json& j) {
  OperationState s;
  auto phase = core::ParseOperationPhase(base::GetString(j, "phase"));
  if (!phase) return base::Status::InvalidArgument("operationState.phase: \"" + base::GetString(j, "phase") + "\" is not an operation phase");
  s.phase = *phase;
  s.message = base::GetString(j, "message");
  CAPSTAN_ASSIGN_OR_RETURN(s.started_at_unix, ParseTime(base::GetString(j, "startedAt"), "operationState.startedAt"));
  if (auto rc = j.find("retryCount"); rc != j.end() && !rc->is_null()) {
    if (!rc->is_number_integer()) return base::Status::InvalidArgument("operationState.retryCount: not an integer");
    s.retry_count = rc->get<int64_t>();
  }
  if (std::string f = base::GetString(j, "finishedAt"); !f.empty()) {
    CAPSTAN_ASSIGN_OR_RETURN(s.finished_at_unix, ParseTime(f, "operationState.finishedAt"));
  }
  s.revision = base::GetStringAt(j, "syncResult/revision");
  auto sr = j.find("syncResult");
  if (sr == j.end() || !sr->is_object() || !sr->contains("resources")) return s;
  const base::Json& resources = sr->at("resources");
  if (!resources.is_array()) return base::Status::InvalidArgument("operationState.syncResult.resources: not a list");
  for (size_t i = 0; i < resources.size(); ++i) {
    const base::Json& rj = resources[i];
    const std::string where = "operationState.syncResult.resources[" + std::to_string(i) + "]";
    ResourceResult r;
    r.group = base::GetString(rj, "group");
    r.version = base::GetString(rj, "version");
    r.kind = base::GetString(rj, "kind");
    r.namespace_ = base::GetString(rj, "namespace");
    r.name = base::GetString(rj, "name");
    r.message = base::GetString(rj, "message");
    auto status = core::ParseResultCode(base::GetString(rj, "status"));
    if (!status) return base::Status::InvalidArgument(where + ".status: \"" + base::GetString(rj, "status") + "\" is not a result code");
    r.status = *status;
    auto sync_phase = core::ParseSyncPhase(base::GetString(rj, "syncPhase"));
    r.sync_phase = sync_phase.value_or(core::SyncPhase::kSync);
    if (std::string ht = base::GetString(rj, "hookType"); !ht.empty()) r.hook_type = core::ParseHookType(ht);
    if (std::string hp = base::GetString(rj, "hookPhase"); !hp.empty()) r.hook_phase = core::ParseOperationPhase(hp);
    s.results.push_back(std::move(r));
  }
  return s;
}

}  // namespace capstan::sync
