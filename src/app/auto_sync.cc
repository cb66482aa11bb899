// Copyright 2026 The capstan Authors.

#include "app/auto_sync.h"

#include <algorithm>
#include <vector>

#include "base/log.h"
#include "core/sync_types.h"
#include "sync/operation_state.h"

namespace capstan::app {
namespace {

using Kind = AutoSyncDecision::Kind;

AutoSyncDecision None(std::string reason) { return {.kind = Kind::kNone, .reason = std::move(reason)}; }

AutoSyncDecision Condition(std::string message) { return {.kind = Kind::kCondition, .message = std::move(message)}; }

// Go's %s of a []string, as Argo CD's messages print revisions: "[a b]".
std::string RevisionList(const std::string& revision) {
  std::vector<std::string> revs = core::MultiSourceRevisions(revision);
  if (revs.empty()) revs.push_back(revision);
  std::string out = "[";
  for (size_t i = 0; i < revs.size(); ++i) out += (i ? " " : "") + revs[i];
  return out + "]";
}

const base::Json& Field(const base::Json& j, const char* name) {
  static const base::Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(name);
  return it == j.end() ? kNull : *it;
}

bool Flag(const base::Json& j, const char* name) {
  const base::Json& v = Field(j, name);
  return v.is_boolean() && v.get<bool>();
}

std::optional<int64_t> TimeField(const base::Json& j, const char* name) {
  const std::string text = base::GetString(j, name);
  if (text.empty()) return std::nullopt;
  auto t = sync::ParseTime(text, name);
  if (!t.ok()) return std::nullopt;
  return *t;
}

// The source an operation is compared by: spec.sources for a multi-source app, else spec.source.
base::Json SpecSource(const base::Json& app) {
  const base::Json& spec = Field(app, "spec");
  if (Field(spec, "sources").is_array()) return Field(spec, "sources");
  return Field(spec, "source");
}

}  // namespace

int64_t SelfHealBackoff::Delay(int64_t attempts) const {
  if (attempts <= 0) return 0;
  int64_t d = duration_seconds;
  for (int64_t i = 1; i < attempts && d < cap_seconds; ++i) d *= std::max<int64_t>(factor, 1);
  return std::min(d, cap_seconds);
}

bool AutoSyncEnabled(const base::Json& app) {
  const base::Json& automated = Field(Field(Field(app, "spec"), "syncPolicy"), "automated");
  if (!automated.is_object()) return false;
  const base::Json& enabled = Field(automated, "enabled");
  return !enabled.is_boolean() || enabled.get<bool>();
}

bool IsAutoSyncMessage(const std::string& message) {
  return message.rfind("Failed last sync attempt to ", 0) == 0 || message.rfind("Skipping sync attempt to ", 0) == 0 ||
         message.rfind(kSyncWindowPreventedAutoSync, 0) == 0;
}

namespace {

// The longest wait for a window to change: look again after an hour anyway.
constexpr int64_t kMaxWindowWaitSeconds = 3600;

AutoSyncDecision DecideWithoutWindows(const base::Json& app, int64_t now_unix, const SelfHealBackoff& backoff);

}  // namespace

AutoSyncDecision DecideAutoSync(const base::Json& app, int64_t now_unix, const SelfHealBackoff& backoff,
                                const SyncWindowsLoader& load_windows) {
  AutoSyncDecision d = DecideWithoutWindows(app, now_unix, backoff);
  if ((d.kind != Kind::kSync && d.kind != Kind::kWait) || !load_windows) return d;
  const AppSyncWindows windows = load_windows();
  if (!windows.error.empty()) return Condition(std::string(kSyncWindowPreventedAutoSync) + ": " + windows.error);
  if (windows.CanSync(now_unix, /*manual=*/false)) return d;
  std::optional<int64_t> change = windows.NextChange(now_unix, /*manual=*/false);
  const int64_t wait = change ? std::clamp<int64_t>(*change - now_unix, 1, kMaxWindowWaitSeconds) : kMaxWindowWaitSeconds;
  const std::string key = base::GetStringAt(app, "metadata/namespace") + "/" + base::GetStringAt(app, "metadata/name");
  CAPSTAN_LOG_INFO("Application {}: {} (project {}); auto-sync looks again in {}s", key, kSyncWindowPreventedAutoSync,
                   windows.project, wait);
  return {.kind = Kind::kWait,
          .reason = std::string(kSyncWindowPreventedAutoSync) + "; looking again in " + std::to_string(wait) + "s",
          .wait_seconds = wait};
}

namespace {

AutoSyncDecision DecideWithoutWindows(const base::Json& app, int64_t now_unix, const SelfHealBackoff& backoff) {
  if (!AutoSyncEnabled(app)) return None("automated sync is off");
  const base::Json& spec = Field(app, "spec");
  const base::Json& automated = Field(Field(spec, "syncPolicy"), "automated");
  const base::Json& status = Field(app, "status");
  const base::Json& state = Field(status, "operationState");
  if (Field(app, "operation").is_object()) return None("an operation is requested");
  const std::string phase = base::GetString(state, "phase");
  if (phase == "Running" || phase == "Terminating") return None("an operation is in progress");
  if (!Field(Field(app, "metadata"), "deletionTimestamp").is_null()) return None("the app is being deleted");
  const base::Json& sync_status = Field(status, "sync");
  if (base::GetString(sync_status, "status") != "OutOfSync") return None("the app is not OutOfSync");

  const bool prune = Flag(automated, "prune");
  const base::Json& resources = Field(status, "resources");
  std::vector<const base::Json*> rs;
  if (resources.is_array()) {
    for (const base::Json& r : resources) rs.push_back(&r);
  }
  if (!prune) {
    bool prune_only = std::all_of(rs.begin(), rs.end(), [](const base::Json* r) {
      return base::GetString(*r, "status") == "Synced" || Flag(*r, "requiresPruning");
    });
    if (prune_only) return None("need to prune extra resources only but automated prune is disabled");
  }

  const std::string revision = base::GetString(sync_status, "revision");
  Operation op;
  op.automated = true;
  op.sync.revision = revision;
  op.sync.prune = prune;
  if (const base::Json& options = Field(Field(spec, "syncPolicy"), "syncOptions"); options.is_array()) {
    for (const base::Json& o : options) {
      if (o.is_string()) op.sync.sync_options.push_back(o.get<std::string>());
    }
  }
  auto retry = SpecRetry(app);
  if (!retry.ok()) return Condition(retry.status().message());
  op.retry = retry->value_or(RetryStrategy{.limit = 5});

  // Already attempted: the last operation synced these revision(s) from this source (or has no result).
  bool attempted = false;
  if (state.is_object() && !phase.empty()) {
    const base::Json& result = Field(state, "syncResult");
    if (!result.is_object()) {
      attempted = true;
    } else {
      const base::Json& source = Field(result, Field(spec, "sources").is_array() ? "sources" : "source");
      attempted = base::GetString(result, "revision") == revision && (source.is_null() || source == SpecSource(app));
    }
  }
  if (attempted) {
    if (phase != "Succeeded") {
      return Condition("Failed last sync attempt to " + RevisionList(base::GetStringAt(state, "syncResult/revision")) +
                       ": " + base::GetString(state, "message"));
    }
    if (!Flag(automated, "selfHeal")) return None("most recent sync already to " + RevisionList(revision));
    const std::optional<int64_t> finished = TimeField(state, "finishedAt");
    int64_t attempts = 0;
    const bool cooled = !finished || now_unix - *finished >= backoff.cooldown_seconds;
    if (!cooled) {
      const base::Json& n = Field(Field(Field(state, "operation"), "sync"), "autoHealAttemptsCount");
      if (n.is_number_integer()) attempts = n.get<int64_t>();
    }
    const int64_t since = finished ? now_unix - *finished : 0;
    const int64_t remaining = backoff.exponential ? backoff.Delay(attempts) - since : backoff.timeout_seconds - since;
    if (remaining > 0) {
      return {.kind = Kind::kWait,
              .reason = "already attempted sync to " + RevisionList(revision) + "; self-heal in " +
                        std::to_string(remaining) + "s",
              .wait_seconds = remaining};
    }
    op.sync.self_heal_attempts = attempts + 1;
    for (const base::Json* r : rs) {
      if (base::GetString(*r, "status") == "Synced" || Flag(*r, "hook")) continue;
      op.sync.resources.push_back(
          {.group = base::GetString(*r, "group"), .kind = base::GetString(*r, "kind"), .name = base::GetString(*r, "name")});
    }
  }

  if (prune && !Flag(automated, "allowEmpty")) {
    bool all_prune = std::all_of(rs.begin(), rs.end(), [](const base::Json* r) { return Flag(*r, "requiresPruning"); });
    if (all_prune) {
      return Condition("Skipping sync attempt to " + RevisionList(revision) + ": auto-sync will wipe out all resources");
    }
  }
  return {.kind = Kind::kSync, .reason = "OutOfSync at " + RevisionList(revision), .operation = std::move(op)};
}

}  // namespace
}  // namespace capstan::app
