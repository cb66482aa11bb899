// Copyright 2026 The capstan Authors.

#include "app/depends_on.h"

#include <algorithm>
#include <set>

#include "core/annotations.h"
#include "sync/operation_state.h"

namespace capstan::app {
namespace {

// A DNS-1123 subdomain (names of Applications and namespaces).
bool ValidName(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return s.front() != '-' && s.front() != '.' && s.back() != '-' && s.back() != '.';
}

std::string KeyOf(const AppRef& ref) { return ref.namespace_ + "/" + ref.name; }

int64_t ReconciledAt(const base::Json& app) {
  auto t = sync::ParseTime(base::GetStringAt(app, "status/reconciledAt"), "reconciledAt");
  return t.ok() ? *t : 0;
}

std::string Short(const std::string& revision) { return revision.substr(0, 7); }

}  // namespace

base::Result<std::vector<AppRef>> DependenciesOf(const base::Json& app) {
  std::vector<AppRef> out;
  std::optional<std::string> value = core::AnnotationOf(app, core::keys::kCapstanDependsOn);
  if (!value) return out;
  const std::string self_ns = base::GetStringAt(app, "metadata/namespace");
  const std::string self_name = base::GetStringAt(app, "metadata/name");
  const std::string where = "Application " + self_ns + "/" + self_name + ": annotation " +
                            std::string(core::keys::kCapstanDependsOn);
  std::string entry;
  auto flush = [&]() -> base::Status {
    if (entry.empty()) return base::Status::Ok();
    AppRef ref{self_ns, entry};
    if (size_t slash = entry.find('/'); slash != std::string::npos) ref = {entry.substr(0, slash), entry.substr(slash + 1)};
    if (!ValidName(ref.namespace_) || !ValidName(ref.name)) {
      return base::Status::InvalidArgument(where + ": '" + entry + "' is not an Application name or namespace/name");
    }
    if (ref.namespace_ == self_ns && ref.name == self_name) {
      return base::Status::InvalidArgument(where + ": an Application cannot depend on itself");
    }
    if (std::none_of(out.begin(), out.end(), [&](const AppRef& r) { return KeyOf(r) == KeyOf(ref); })) out.push_back(ref);
    entry.clear();
    return base::Status::Ok();
  };
  for (char c : *value) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n') {
      CAPSTAN_RETURN_IF_ERROR(flush());
    } else {
      entry += c;
    }
  }
  CAPSTAN_RETURN_IF_ERROR(flush());
  return out;
}

std::optional<std::string> NotReadyReason(const base::Json& dependent, const base::Json* dependency) {
  if (dependency == nullptr) return "does not exist";
  const base::Json& dep = *dependency;
  if (!base::GetStringAt(dep, "metadata/deletionTimestamp").empty()) return "being deleted";
  if (OperationRequested(dep) || OperationInProgress(dep)) return "its sync is running";
  if (!ComparedWithSpec(dep)) return "not compared since its spec changed";
  // Fresh: at the dependent's commit when both follow the same repository and revision (a later
  // comparison at that commit says nothing new about Git: the cache refreshes an app when its live
  // objects change); else, with nothing to compare commits by, compared no earlier than the dependent.
  const std::string dep_revision = base::GetStringAt(dep, "status/sync/revision");
  const std::string own_revision = base::GetStringAt(dependent, "status/sync/revision");
  const base::Json dep_source = dep.value("spec", base::Json::object()).value("source", base::Json::object());
  const base::Json own_source = dependent.value("spec", base::Json::object()).value("source", base::Json::object());
  const bool same_source = !dep_revision.empty() && !own_revision.empty() &&
                           base::GetString(dep_source, "repoURL") == base::GetString(own_source, "repoURL") &&
                           base::GetString(dep_source, "targetRevision") == base::GetString(own_source, "targetRevision");
  if (same_source && dep_revision != own_revision) return "compared at " + Short(dep_revision) + ", not " + Short(own_revision);
  if (!same_source && ReconciledAt(dep) < ReconciledAt(dependent)) {
    return "compared before " + base::GetStringAt(dependent, "metadata/name") + " saw the change";
  }
  const std::string sync = base::GetStringAt(dep, "status/sync/status");
  if (sync != "Synced") return sync.empty() ? "not compared yet" : sync;
  const std::string health = base::GetStringAt(dep, "status/health/status");
  if (health != "Healthy") return health.empty() ? "no health yet" : health;
  return std::nullopt;
}

std::vector<std::string> CycleThrough(const std::map<std::string, std::vector<std::string>>& graph,
                                      const std::string& start) {
  // Depth-first from |start|; |path| is the current chain, |done| the keys fully explored.
  std::vector<std::string> path = {start};
  std::set<std::string> done;
  std::function<bool(const std::string&)> visit = [&](const std::string& key) {
    auto it = graph.find(key);
    if (it == graph.end()) return false;
    for (const std::string& next : it->second) {
      if (next == start) {
        path.push_back(start);
        return true;
      }
      if (done.count(next) || std::find(path.begin(), path.end(), next) != path.end()) continue;
      path.push_back(next);
      if (visit(next)) return true;
      path.pop_back();
      done.insert(next);
    }
    return false;
  };
  return visit(start) ? path : std::vector<std::string>{};
}

std::string DependencyVerdict::Message() const {
  if (!error.empty()) return error;
  std::string out = "waiting for ";
  for (size_t i = 0; i < waiting.size(); ++i) out += (i ? ", " : "") + waiting[i];
  return out;
}

DependencyVerdict CheckDependencies(const base::Json& app,
                                    const std::function<std::optional<base::Json>(const AppRef&)>& get,
                                    const std::map<std::string, std::vector<std::string>>& graph) {
  DependencyVerdict v;
  auto deps = DependenciesOf(app);
  if (!deps.ok()) {
    v.error = std::string(deps.status().message());
    return v;
  }
  if (deps->empty()) return v;
  const std::string self_ns = base::GetStringAt(app, "metadata/namespace");
  const std::string key = self_ns + "/" + base::GetStringAt(app, "metadata/name");
  std::vector<std::string> cycle = CycleThrough(graph, key);
  if (!cycle.empty()) {
    v.error = "dependency cycle: ";
    for (size_t i = 0; i < cycle.size(); ++i) v.error += (i ? " -> " : "") + cycle[i];
    return v;
  }
  for (const AppRef& ref : *deps) {
    std::optional<base::Json> dep = get(ref);
    std::optional<std::string> reason = NotReadyReason(app, dep ? &*dep : nullptr);
    if (!reason) continue;
    v.waiting.push_back((ref.namespace_ == self_ns ? ref.name : KeyOf(ref)) + " (" + *reason + ")");
    if (dep && (reason->rfind("compared before ", 0) == 0 || reason->rfind("compared at ", 0) == 0)) {
      v.to_refresh.push_back(ref);
    }
  }
  return v;
}

}  // namespace capstan::app
