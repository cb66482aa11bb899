// Copyright 2026 The capstan Authors.

#include "app/hook_logs.h"

#include <algorithm>
#include <cstdio>

#include "base/log.h"
#include "base/time.h"
#include "core/sync_types.h"

namespace capstan::app {
namespace {

const core::Gvk kConfigMapGvk{"", "v1", "ConfigMap"};
const core::Gvk kPodGvk{"", "v1", "Pod"};
constexpr int kWriteAttempts = 8;
constexpr size_t kMaxNameLength = 253;

// |text| as valid UTF-8 (ConfigMap data must be): invalid bytes become U+FFFD, as Go's
// encoding/json does.
std::string ValidUtf8(const std::string& text) {
  std::string dumped = base::Json(text).dump(-1, ' ', false, base::Json::error_handler_t::replace);
  return base::Json::parse(dumped).get<std::string>();
}

std::string CutMarker(size_t cut) { return "[capstan: " + std::to_string(cut) + " earlier bytes cut]\n"; }

// The tail of |text| in at most |budget| bytes, starting on a UTF-8 boundary (and on a line when the
// tail holds a line break), behind a cut marker; |cut| = bytes left out. nullopt when |budget| cannot
// hold the marker and one byte.
std::optional<std::string> KeepTail(const std::string& text, size_t budget, size_t& cut) {
  const size_t marker_max = CutMarker(text.size()).size();
  if (budget <= marker_max) return std::nullopt;
  size_t start = text.size() - (budget - marker_max);
  while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
  if (start > 0 && text[start - 1] != '\n') {
    size_t nl = text.find('\n', start);
    if (nl != std::string::npos && nl + 1 < text.size()) start = nl + 1;
  }
  cut = start;
  return CutMarker(start) + text.substr(start);
}

// The per-hook cap: the tail of the hook's logs taken together.
void CapHook(std::vector<HookLogEntry>& logs, std::vector<std::string>& texts) {
  size_t budget = kHookLogBytesPerHook;
  for (size_t i = logs.size(); i-- > 0;) {
    if (!logs[i].note.empty() || texts[i].size() <= budget) {
      budget -= std::min(budget, texts[i].size());
      continue;
    }
    size_t cut = 0;
    if (std::optional<std::string> kept = KeepTail(texts[i], budget, cut)) {
      texts[i] = std::move(*kept);
      logs[i].cut_bytes = static_cast<int64_t>(cut);
    } else {
      logs[i].note = "log dropped: this hook's logs are over " + std::to_string(kHookLogBytesPerHook / 1024) +
                     " KiB and the later ones were kept";
      logs[i].cut_bytes = static_cast<int64_t>(texts[i].size());
      texts[i].clear();
    }
    budget = 0;
  }
}

base::Json ToJson(const std::vector<OperationHookLogs>& ops) {
  base::Json out = base::Json::array();
  for (const OperationHookLogs& op : ops) {
    base::Json hooks = base::Json::array();
    for (const HookLogRecord& h : op.hooks) {
      base::Json logs = base::Json::array();
      for (const HookLogEntry& l : h.logs) {
        base::Json j = {{"pod", l.pod}, {"container", l.container}};
        if (!l.key.empty()) j["key"] = l.key;
        if (!l.note.empty()) j["note"] = l.note;
        if (l.cut_bytes) j["cutBytes"] = l.cut_bytes;
        logs.push_back(std::move(j));
      }
      hooks.push_back({{"id", h.id}, {"phase", h.phase}, {"group", h.key.group}, {"kind", h.key.kind},
                       {"namespace", h.key.namespace_}, {"name", h.key.name}, {"attempt", h.attempt},
                       {"hookPhase", h.hook_phase}, {"message", h.message}, {"logs", std::move(logs)}});
    }
    out.push_back({{"number", op.number}, {"startedAt", op.started_at}, {"revision", op.revision},
                   {"hooks", std::move(hooks)}});
  }
  return {{"operations", std::move(out)}};
}

int64_t IntAt(const base::Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

base::Result<std::vector<OperationHookLogs>> FromJson(const std::string& text, const std::string& what) {
  CAPSTAN_ASSIGN_OR_RETURN(base::Json index, base::ParseJson(text, what));
  auto ops = index.is_object() ? index.find("operations") : index.end();
  if (ops == index.end() || !ops->is_array()) {
    return base::Status::InvalidArgument(what + ": operations: expected an array");
  }
  std::vector<OperationHookLogs> out;
  for (const base::Json& o : *ops) {
    if (!o.is_object()) return base::Status::InvalidArgument(what + ": operations: expected objects");
    OperationHookLogs op{.number = IntAt(o, "number"), .started_at = base::GetString(o, "startedAt"),
                         .revision = base::GetString(o, "revision")};
    for (const base::Json& h : o.value("hooks", base::Json::array())) {
      if (!h.is_object()) continue;
      HookLogRecord rec{.id = IntAt(h, "id"), .phase = base::GetString(h, "phase"),
                        .key = {base::GetString(h, "group"), base::GetString(h, "kind"), base::GetString(h, "namespace"),
                                base::GetString(h, "name")},
                        .attempt = IntAt(h, "attempt"), .hook_phase = base::GetString(h, "hookPhase"),
                        .message = base::GetString(h, "message")};
      for (const base::Json& l : h.value("logs", base::Json::array())) {
        if (!l.is_object()) continue;
        rec.logs.push_back({.pod = base::GetString(l, "pod"), .container = base::GetString(l, "container"),
                            .key = base::GetString(l, "key"), .note = base::GetString(l, "note"),
                            .cut_bytes = IntAt(l, "cutBytes")});
      }
      op.hooks.push_back(std::move(rec));
    }
    out.push_back(std::move(op));
  }
  return out;
}

// Bytes the ConfigMap's data would hold: every log text plus the index.
size_t DataBytes(const std::vector<OperationHookLogs>& ops, const base::Json& data) {
  size_t total = ToJson(ops).dump().size();
  for (auto it = data.begin(); it != data.end(); ++it) {
    if (it.key() != kHookLogIndexKey && it->is_string()) total += it->get_ref<const std::string&>().size();
  }
  return total;
}

// The total cap: the oldest operations go first; then the oldest logs of the one left.
void CapTotal(std::vector<OperationHookLogs>& ops, base::Json& data) {
  auto drop_texts = [&](HookLogRecord& h, bool note) {
    for (HookLogEntry& l : h.logs) {
      if (l.key.empty()) continue;
      data.erase(l.key);
      l.key.clear();
      if (note) l.note = "log dropped: this app's hook logs are over " + std::to_string(kHookLogBytesTotal / 1024) + " KiB";
    }
  };
  while (ops.size() > 1 && DataBytes(ops, data) > kHookLogBytesTotal) {
    for (HookLogRecord& h : ops.front().hooks) drop_texts(h, false);
    ops.erase(ops.begin());
  }
  if (ops.empty()) return;
  for (HookLogRecord& h : ops.front().hooks) {
    if (DataBytes(ops, data) <= kHookLogBytesTotal) return;
    drop_texts(h, true);
  }
}

bool HasLogs(const core::ResourceKey& key) {
  return (key.group.empty() && key.kind == "Pod") || (key.group == "batch" && key.kind == "Job");
}

bool OwnedBy(const base::Json& obj, const std::string& uid) {
  const base::Json* refs = nullptr;
  if (auto md = obj.find("metadata"); md != obj.end() && md->is_object()) {
    if (auto r = md->find("ownerReferences"); r != md->end() && r->is_array()) refs = &*r;
  }
  if (refs == nullptr) return false;
  return std::any_of(refs->begin(), refs->end(), [&](const base::Json& r) { return base::GetString(r, "uid") == uid; });
}

std::vector<std::string> ContainerNames(const base::Json& pod) {
  std::vector<std::string> names;
  for (const char* field : {"initContainers", "containers"}) {
    auto spec = pod.find("spec");
    if (spec == pod.end() || !spec->is_object()) break;
    auto list = spec->find(field);
    if (list == spec->end() || !list->is_array()) continue;
    for (const base::Json& c : *list) names.push_back(base::GetString(c, "name"));
  }
  return names;
}

// FNV-1a, for a stable short suffix.
uint32_t Fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

}  // namespace

std::string HookLogsConfigMapName(std::string_view app) {
  std::string name = "capstan-hooklogs-" + std::string(app);
  if (name.size() <= kMaxNameLength) return name;
  char suffix[10];
  std::snprintf(suffix, sizeof(suffix), "-%08x", Fnv1a(app));
  name.resize(kMaxNameLength - 9);
  while (!name.empty() && (name.back() == '-' || name.back() == '.')) name.pop_back();
  return name + suffix;
}

base::Result<std::vector<OperationHookLogs>> ReadHookLogs(kube::Client& client, const AppRef& ref) {
  const std::string name = HookLogsConfigMapName(ref.name);
  auto cm = client.Get(kConfigMapGvk, ref.namespace_, name);
  if (!cm.ok()) {
    if (cm.status().IsNotFound()) return base::Status::NotFound("Application " + ref.ToString() + " has no hook logs");
    return cm.status();
  }
  const base::Json data = cm->value("data", base::Json::object());
  const std::string what = "ConfigMap " + ref.namespace_ + "/" + name + " " + kHookLogIndexKey;
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<OperationHookLogs> ops, FromJson(base::GetString(data, kHookLogIndexKey), what));
  for (OperationHookLogs& op : ops) {
    for (HookLogRecord& h : op.hooks) {
      for (HookLogEntry& l : h.logs) {
        if (l.key.empty()) continue;
        if (!data.contains(l.key) || !data[l.key].is_string()) {
          l.note = "log missing from ConfigMap " + name + " (key " + l.key + ")";
          continue;
        }
        l.text = data[l.key].get<std::string>();
      }
    }
  }
  return ops;
}

HookLogRecorder::HookLogRecorder(kube::Client& client, const base::Json& application, HookLogOperation op)
    : client_(client),
      ref_{base::GetStringAt(application, "metadata/namespace"), base::GetStringAt(application, "metadata/name")},
      app_uid_(base::GetStringAt(application, "metadata/uid")),
      app_api_version_(base::GetString(application, "apiVersion")),
      op_(std::move(op)) {
  if (app_api_version_.empty()) app_api_version_ = kApplicationGvk.api_version();
}

std::vector<HookLogEntry> HookLogRecorder::FetchLogs(const sync::FinishedHook& hook, std::vector<std::string>& texts) {
  std::vector<HookLogEntry> out;
  auto note = [&](HookLogEntry e, std::string why) {
    e.note = std::move(why);
    out.push_back(std::move(e));
    texts.emplace_back();
  };
  const std::string& ns = hook.key.namespace_;
  std::vector<base::Json> pods;
  if (hook.key.kind == "Pod") {
    pods.push_back(*hook.live);
  } else {
    auto list = client_.List(kPodGvk, ns, {.label_selector = "job-name=" + hook.key.name});
    if (!list.ok()) {
      note({}, "pods of the Job not listed: " + list.status().message());
      return out;
    }
    const std::string uid = base::GetStringAt(*hook.live, "metadata/uid");
    for (base::Json& p : list->items) {
      if (uid.empty() || OwnedBy(p, uid)) pods.push_back(std::move(p));
    }
    std::sort(pods.begin(), pods.end(), [](const base::Json& a, const base::Json& b) {
      return std::pair(base::GetStringAt(a, "metadata/creationTimestamp"), base::GetStringAt(a, "metadata/name")) <
             std::pair(base::GetStringAt(b, "metadata/creationTimestamp"), base::GetStringAt(b, "metadata/name"));
    });
    if (pods.empty()) note({}, "no pods of the Job found");
  }
  for (const base::Json& pod : pods) {
    const std::string pod_name = base::GetStringAt(pod, "metadata/name");
    for (const std::string& container : ContainerNames(pod)) {
      HookLogEntry e{.pod = pod_name, .container = container};
      auto text = client_.PodLogs(ns, pod_name, {.container = container});
      if (!text.ok()) {
        note(std::move(e), "log not read: " + text.status().message());
        continue;
      }
      out.push_back(std::move(e));
      texts.push_back(ValidUtf8(*text));
    }
  }
  return out;
}

base::Status HookLogRecorder::Record(const sync::FinishedHook& hook) {
  if (!HasLogs(hook.key) || hook.live == nullptr) return base::Status::Ok();
  std::vector<std::string> texts;
  std::vector<HookLogEntry> logs = FetchLogs(hook, texts);
  CapHook(logs, texts);

  const std::string name = HookLogsConfigMapName(ref_.name);
  const std::string started_at = base::FormatRfc3339(op_.started_at_unix);
  const std::string phase(core::ToString(hook.phase));
  for (int attempt = 0;; ++attempt) {
    auto got = client_.Get(kConfigMapGvk, ref_.namespace_, name);
    if (!got.ok() && !got.status().IsNotFound()) return got.status();
    base::Json cm = got.ok() ? *got
                             : base::Json{{"apiVersion", "v1"},
                                          {"kind", "ConfigMap"},
                                          {"metadata", {{"name", name}, {"namespace", ref_.namespace_}}}};
    cm["metadata"]["labels"]["app.kubernetes.io/managed-by"] = "capstan";
    if (!app_uid_.empty()) {
      cm["metadata"]["ownerReferences"] = base::Json::array(
          {{{"apiVersion", app_api_version_}, {"kind", "Application"}, {"name", ref_.name}, {"uid", app_uid_}}});
    }
    if (!cm.contains("data") || !cm["data"].is_object()) cm["data"] = base::Json::object();
    base::Json& data = cm["data"];
    std::vector<OperationHookLogs> ops;
    if (data.contains(kHookLogIndexKey)) {
      auto parsed = FromJson(base::GetString(data, kHookLogIndexKey), "ConfigMap " + name + " index");
      if (parsed.ok()) {
        ops = std::move(*parsed);
      } else {
        CAPSTAN_LOG_WARN("{}; starting the hook logs of Application {} afresh", parsed.status().ToString(), ref_.ToString());
        data = base::Json::object();
      }
    }

    auto op = std::find_if(ops.begin(), ops.end(), [&](const OperationHookLogs& o) { return o.started_at == started_at; });
    if (op == ops.end()) {
      ops.push_back({.number = ops.empty() ? 1 : ops.back().number + 1, .started_at = started_at, .revision = op_.revision});
      op = ops.end() - 1;
    }
    auto rec = std::find_if(op->hooks.begin(), op->hooks.end(), [&](const HookLogRecord& h) {
      return h.phase == phase && h.key == hook.key && h.attempt == op_.retry_count;
    });
    if (rec == op->hooks.end()) {
      op->hooks.push_back({.id = op->hooks.empty() ? 0 : op->hooks.back().id + 1, .phase = phase, .key = hook.key,
                           .attempt = op_.retry_count});
      rec = op->hooks.end() - 1;
    }
    for (const HookLogEntry& l : rec->logs) {
      if (!l.key.empty()) data.erase(l.key);
    }
    rec->hook_phase = std::string(core::ToString(hook.hook_phase));
    rec->message = hook.message;
    rec->logs = logs;
    for (size_t i = 0; i < rec->logs.size(); ++i) {
      if (!rec->logs[i].note.empty()) continue;
      rec->logs[i].key = std::to_string(op->number) + "." + std::to_string(rec->id) + "." + std::to_string(i) + ".log";
      data[rec->logs[i].key] = texts[i];
    }
    CapTotal(ops, data);
    data[kHookLogIndexKey] = ToJson(ops).dump();

    auto written = got.ok() ? client_.Update(cm, {}) : client_.Create(cm, {});
    if (written.ok()) return base::Status::Ok();
    const base::Status& s = written.status();
    if ((s.IsConflict() || s.IsAlreadyExists()) && attempt + 1 < kWriteAttempts) continue;
    return s.Annotate("ConfigMap " + ref_.namespace_ + "/" + name);
  }
}

std::function<void(const sync::FinishedHook&)> HookLogRecorder::Callback() {
  return [this](const sync::FinishedHook& hook) {
    base::Status s = Record(hook);
    if (!s.ok()) CAPSTAN_LOG_WARN("keeping the logs of hook {}: {}", hook.key.Display(), s.ToString());
  };
}

}  // namespace capstan::app
