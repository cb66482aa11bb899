// Copyright 2026 The capstan Authors.

#include "app/application.h"

#include <cctype>

#include "core/annotations.h"
#include "sync/operation_state.h"

namespace capstan::app {

namespace {

base::Status Bad(std::string_view field, std::string_view why) {
  return base::Status::InvalidArgument(std::string(field) + ": " + std::string(why));
}

base::Result<bool> BoolField(const base::Json& obj, const char* key, std::string_view field) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_boolean()) return Bad(field, "not a boolean");
  return it->get<bool>();
}

base::Result<RetryStrategy> ParseRetry(const base::Json& j, std::string_view field) {
  RetryStrategy r;
  if (!j.is_object()) return Bad(field, "not an object");
  if (auto it = j.find("limit"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer()) return Bad(std::string(field) + ".limit", "not an integer");
    r.limit = it->get<int64_t>();
  }
  if (auto b = j.find("backoff"); b != j.end() && b->is_object()) {
    std::string bf = std::string(field) + ".backoff";
    if (auto it = b->find("duration"); it != b->end() && !it->is_null()) {
      CAPSTAN_ASSIGN_OR_RETURN(r.backoff_seconds, ParseDurationSeconds(*it, bf + ".duration"));
    }
    if (auto it = b->find("factor"); it != b->end() && !it->is_null()) {
      if (!it->is_number_integer()) return Bad(bf + ".factor", "not an integer");
      r.factor = it->get<int64_t>();
    }
    if (auto it = b->find("maxDuration"); it != b->end() && !it->is_null()) {
      CAPSTAN_ASSIGN_OR_RETURN(r.max_backoff_seconds, ParseDurationSeconds(*it, bf + ".maxDuration"));
    }
  }
  return r;
}

}  // namespace

int64_t RetryStrategy::Backoff(int64_t retry_count) const {
  double d = static_cast<double>(backoff_seconds);
  for (int64_t i = 0; i < retry_count && d < static_cast<double>(max_backoff_seconds); ++i) d *= factor;
  return std::min<int64_t>(static_cast<int64_t>(d), max_backoff_seconds);
}

base::Result<int64_t> ParseDurationSeconds(const base::Json& value, std::string_view field) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (!value.is_string()) return Bad(field, "not a duration");
  const std::string text = value.get<std::string>();
  if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit)) return std::stoll(text);
  double total_ms = 0;
  size_t i = 0;
  if (text.empty()) return Bad(field, "empty duration");
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i) return Bad(field, "\"" + text + "\" is not a duration like 5s or 3m");
    double n = std::stod(text.substr(start, i - start));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(unit_start, i - unit_start);
    if (unit == "h") {
      total_ms += n * 3600000;
    } else if (unit == "m") {
      total_ms += n * 60000;
    } else if (unit == "s") {
      total_ms += n * 1000;
    } else if (unit == "ms") {
      total_ms += n;
    } else {
      return Bad(field, "\"" + text + "\" is not a duration like 5s or 3m");
    }
  }
  return static_cast<int64_t>((total_ms + 999) / 1000);
}

base::Result<sync::ResourceSelector> ParseResourceSelector(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ':') {
      parts.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 3 || parts[1].empty() || parts[2].empty()) {
    return base::Status::InvalidArgument("--resource " + std::string(text) +
                                         ": want GROUP:KIND:NAME or GROUP:KIND:NAMESPACE/NAME");
  }
  sync::ResourceSelector s{.group = parts[0], .kind = parts[1]};
  if (size_t slash = parts[2].find('/'); slash != std::string::npos) {
    s.namespace_ = parts[2].substr(0, slash);
    s.name = parts[2].substr(slash + 1);
  } else {
    s.name = parts[2];
  }
  return s;
}

base::Result<Operation> ParseOperation(const base::Json& j) {
  if (!j.is_object()) return Bad("operation", "not an object");
  auto s = j.find("sync");
  if (s == j.end() || !s->is_object()) {
    return base::Status::FailedPrecondition("operation: only sync operations are supported (operation.sync is missing)");
  }
  Operation op;
  op.sync.revision = base::GetString(*s, "revision");
  CAPSTAN_ASSIGN_OR_RETURN(op.sync.prune, BoolField(*s, "prune", "operation.sync.prune"));
  CAPSTAN_ASSIGN_OR_RETURN(op.sync.dry_run, BoolField(*s, "dryRun", "operation.sync.dryRun"));
  if (auto st = s->find("syncStrategy"); st != s->end() && st->is_object()) {
    for (const char* kind : {"hook", "apply"}) {
      auto k = st->find(kind);
      if (k == st->end() || !k->is_object()) continue;
      if (std::string_view(kind) == "apply") op.sync.apply_strategy = true;
      CAPSTAN_ASSIGN_OR_RETURN(bool force, BoolField(*k, "force", "operation.sync.syncStrategy.force"));
      op.sync.force = op.sync.force || force;
    }
  }
  if (auto rs = s->find("resources"); rs != s->end() && rs->is_array()) {
    for (const base::Json& r : *rs) {
      op.sync.resources.push_back({.group = base::GetString(r, "group"), .kind = base::GetString(r, "kind"),
                                   .namespace_ = base::GetString(r, "namespace"), .name = base::GetString(r, "name")});
    }
  }
  if (auto so = s->find("syncOptions"); so != s->end() && so->is_array()) {
    for (const base::Json& o : *so) {
      if (!o.is_string()) return Bad("operation.sync.syncOptions", "not a list of strings");
      op.sync.sync_options.push_back(o.get<std::string>());
    }
  }
  if (auto r = j.find("retry"); r != j.end() && !r->is_null()) {
    CAPSTAN_ASSIGN_OR_RETURN(op.retry, ParseRetry(*r, "operation.retry"));
  }
  if (auto by = j.find("initiatedBy"); by != j.end() && by->is_object()) {
    std::string user = base::GetString(*by, "username");
    if (!user.empty()) op.initiated_by = user;
    op.automated = by->value("automated", false);
  }
  for (const char* field : {"source", "sources"}) {
    if (auto src = s->find(field); src != s->end() && !src->is_null()) op.sync.source = *src;
  }
  if (auto n = s->find("autoHealAttemptsCount"); n != s->end() && n->is_number_integer()) {
    op.sync.self_heal_attempts = n->get<int64_t>();
  }
  return op;
}

base::Json ToJson(const Operation& op) {
  base::Json s = base::Json::object();
  if (!op.sync.revision.empty()) s["revision"] = op.sync.revision;
  if (op.sync.prune) s["prune"] = true;
  if (op.sync.dry_run) s["dryRun"] = true;
  base::Json strategy = base::Json::object();
  if (op.sync.force) strategy["force"] = true;
  s["syncStrategy"][op.sync.apply_strategy ? "apply" : "hook"] = strategy;
  if (!op.sync.resources.empty()) {
    for (const sync::ResourceSelector& r : op.sync.resources) {
      base::Json e = {{"group", r.group}, {"kind", r.kind}, {"name", r.name}};
      if (!r.namespace_.empty()) e["namespace"] = r.namespace_;
      s["resources"].push_back(e);
    }
  }
  if (!op.sync.sync_options.empty()) s["syncOptions"] = op.sync.sync_options;
  if (op.sync.self_heal_attempts > 0) s["autoHealAttemptsCount"] = op.sync.self_heal_attempts;
  if (op.sync.source.is_object()) s["source"] = op.sync.source;
  if (op.sync.source.is_array()) s["sources"] = op.sync.source;
  base::Json out = {{"sync", s},
                    {"initiatedBy", op.automated ? base::Json{{"automated", true}}
                                                 : base::Json{{"username", op.initiated_by}}}};
  if (op.retry.limit != 0) {
    out["retry"] = {{"limit", op.retry.limit},
                    {"backoff",
                     {{"duration", std::to_string(op.retry.backoff_seconds) + "s"},
                      {"factor", op.retry.factor},
                      {"maxDuration", std::to_string(op.retry.max_backoff_seconds) + "s"}}}};
  }
  return out;
}

base::Result<AppRef> RefOf(const base::Json& app, std::string_view default_namespace) {
  AppRef ref{base::GetStringAt(app, "metadata/namespace"), base::GetStringAt(app, "metadata/name")};
  if (ref.name.empty()) return base::Status::InvalidArgument("Application: metadata.name is missing");
  if (ref.namespace_.empty()) ref.namespace_ = default_namespace;
  return ref;
}

std::vector<std::string> EffectiveSyncOptions(const base::Json& app, const Operation& op) {
  if (!op.sync.sync_options.empty()) return op.sync.sync_options;
  std::vector<std::string> out;
  const base::Json* list = nullptr;
  if (auto s = app.find("spec"); s != app.end()) {
    if (auto p = s->find("syncPolicy"); p != s->end() && p->is_object()) {
      if (auto o = p->find("syncOptions"); o != p->end() && o->is_array()) list = &*o;
    }
  }
  if (list) {
    for (const base::Json& o : *list) {
      if (o.is_string()) out.push_back(o.get<std::string>());
    }
  }
  return out;
}

base::Status CheckDestination(const base::Json& app) {
  std::string server = base::GetStringAt(app, "spec/destination/server");
  std::string name = base::GetStringAt(app, "spec/destination/name");
  if (server.empty() && name.empty()) {
    return base::Status::InvalidArgument("spec.destination: set server https://kubernetes.default.svc or name in-cluster");
  }
  bool local_server = server.empty() || server == "https://kubernetes.default.svc";
  bool local_name = name.empty() || name == "in-cluster";
  if (local_server && local_name) return base::Status::Ok();
  return base::Status::FailedPrecondition(
      "spec.destination: cluster " + (server.empty() ? "named " + name : server) +
      " is not the connected cluster; capstan syncs to https://kubernetes.default.svc (in-cluster) only so far");
}

bool DeletionApproved(const base::Json& app, int64_t started_at_unix) {
  std::optional<std::string> v = core::AnnotationOf(app, core::keys::kDeletionApproved);
  if (!v) return false;
  auto t = sync::ParseTime(*v, "deletion-approved");
  return t.ok() && *t >= started_at_unix;
}

bool OperationRequested(const base::Json& app) {
  auto op = app.find("operation");
  return op != app.end() && op->is_object();
}

bool OperationInProgress(const base::Json& app) {
  const std::string phase = base::GetStringAt(app, "status/operationState/phase");
  return phase == "Running" || phase == "Terminating";
}

bool ComparedWithSpec(const base::Json& app) {
  const base::Json spec = app.value("spec", base::Json::object());
  const base::Json compared = app.value("status", base::Json::object()).value("sync", base::Json::object())
                                 .value("comparedTo", base::Json::object());
  for (const char* field : {"source", "sources", "destination"}) {
    if (spec.value(field, base::Json()) != compared.value(field, base::Json())) return false;
  }
  return true;
}

base::Result<std::optional<RetryStrategy>> SpecRetry(const base::Json& app) {
  const base::Json* p = nullptr;
  if (auto s = app.find("spec"); s != app.end() && s->is_object()) {
    if (auto sp = s->find("syncPolicy"); sp != s->end() && sp->is_object()) {
      if (auto r = sp->find("retry"); r != sp->end() && !r->is_null()) p = &*r;
    }
  }
  if (!p) return std::optional<RetryStrategy>();
  CAPSTAN_ASSIGN_OR_RETURN(RetryStrategy r, ParseRetry(*p, "spec.syncPolicy.retry"));
  return std::optional<RetryStrategy>(r);
}

}  // namespace capstan::app
