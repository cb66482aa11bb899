// Copyright 2026 The capstan Authors.

#include "app/sync_window.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>

#include "app/application.h"
#include "source/glob.h"

namespace capstan::app {
namespace {

const core::Gvk kWindowsProjectGvk{"argoproj.io", "v1alpha1", "AppProject"};

// Argo CD's globMatch: util/glob.Match; a pattern that does not compile matches nothing.
bool GlobMatch(const std::string& pattern, const std::string& text) {
  auto g = source::Glob::Compile(pattern);
  return g.ok() && g->Match(text);
}

bool AnyMatch(const std::vector<std::string>& patterns, const std::string& text) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return GlobMatch(p, text); });
}

std::vector<std::string> Strings(const base::Json& w, const char* field) {
  std::vector<std::string> out;
  if (auto it = w.find(field); it != w.end() && it->is_array()) {
    for (const base::Json& s : *it) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

// hasDeny's second result: every window of |kind| in |ws| allows manual syncs (false for none).
bool AllManual(const std::vector<const SyncWindow*>& ws) {
  return !ws.empty() && std::all_of(ws.begin(), ws.end(), [](const SyncWindow* w) { return w->manual_sync; });
}

}  // namespace

base::Result<int64_t> ParseGoDuration(const std::string& text) {
  const std::string orig = Quote(text);
  const auto invalid = [&] { return base::Status::InvalidArgument("time: invalid duration " + orig); };
  static const std::map<std::string, double, std::less<>> kUnits = {
      {"ns", 1e-9}, {"us", 1e-6}, {"\xC2\xB5s", 1e-6}, {"\xCE\xBCs", 1e-6},
      {"ms", 1e-3}, {"s", 1},     {"m", 60},           {"h", 3600}};
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return invalid();
  double total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid();
    size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    const bool pre = i > 0;
    size_t j = i;
    bool post = false;
    if (j < s.size() && s[j] == '.') {
      ++j;
      const size_t f = j;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      post = j > f;
    }
    if (!pre && !post) return invalid();
    const double value = std::stod("0" + std::string(s.substr(0, j)) + (post || j == i ? "" : "0"));
    s.remove_prefix(j);
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9')) ++u;
    if (u == 0) return base::Status::InvalidArgument("time: missing unit in duration " + orig);
    auto unit = kUnits.find(s.substr(0, u));
    if (unit == kUnits.end()) {
      return base::Status::InvalidArgument("time: unknown unit " + Quote(std::string(s.substr(0, u))) +
                                           " in duration " + orig);
    }
    total += value * unit->second;
    s.remove_prefix(u);
  }
  const int64_t secs = static_cast<int64_t>(std::ceil(total - 1e-9));
  return neg ? -secs : secs;
}

std::vector<SyncWindow> ParseSyncWindows(const base::Json& project) {
  std::vector<SyncWindow> out;
  const std::string name = base::GetStringAt(project, "metadata/name");
  const base::Json* list = nullptr;
  if (auto spec = project.find("spec"); spec != project.end() && spec->is_object()) {
    if (auto it = spec->find("syncWindows"); it != spec->end() && it->is_array()) list = &*it;
  }
  if (!list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const base::Json& j = (*list)[i];
    SyncWindow w;
    const std::string at = "AppProject " + name + ": spec.syncWindows[" + std::to_string(i) + "].";
    if (!j.is_object()) {
      w.error = at.substr(0, at.size() - 1) + ": not an object";
      out.push_back(std::move(w));
      continue;
    }
    w.kind = base::GetString(j, "kind");
    w.schedule = base::GetString(j, "schedule");
    w.duration = base::GetString(j, "duration");
    if (std::string tz = base::GetString(j, "timeZone"); !tz.empty()) w.time_zone = tz;
    w.applications = Strings(j, "applications");
    w.namespaces = Strings(j, "namespaces");
    w.clusters = Strings(j, "clusters");
    if (auto m = j.find("manualSync"); m != j.end() && m->is_boolean()) w.manual_sync = m->get<bool>();
    // Validate's order: kind, schedule, duration; the zone last (Argo CD only warns and uses UTC;
    // capstan refuses, so a window never runs in a zone nobody meant).
    if (w.kind != "allow" && w.kind != "deny") {
      w.error = at + "kind: kind '" + w.kind + "' mismatch: can only be allow or deny";
    } else if (auto cron = CronSchedule::Parse(w.schedule); !cron.ok()) {
      w.error = at + "schedule: cannot parse schedule '" + w.schedule + "': " + cron.status().message();
    } else if (auto d = ParseGoDuration(w.duration); !d.ok()) {
      w.error = at + "duration: cannot parse duration '" + w.duration + "': " + d.status().message();
    } else if (auto zone = TimeZone::Load(w.time_zone); !zone.ok()) {
      w.error = at + "timeZone: " + zone.status().message();
    } else {
      w.cron = *cron;
      w.duration_seconds = *d;
      w.zone = *zone;
    }
    out.push_back(std::move(w));
  }
  return out;
}

bool SyncWindow::Matches(const base::Json& app) const {
  const std::string dest_name = base::GetStringAt(app, "spec/destination/name");
  const std::string dest_server = base::GetStringAt(app, "spec/destination/server");
  if (AnyMatch(applications, base::GetStringAt(app, "metadata/name"))) return true;
  for (const std::string& c : clusters) {
    if ((!dest_name.empty() && GlobMatch(c, dest_name)) || (!dest_server.empty() && GlobMatch(c, dest_server)))
      return true;
  }
  return AnyMatch(namespaces, base::GetStringAt(app, "spec/destination/namespace"));
}

bool SyncWindow::Active(int64_t now) const {
  if (!error.empty() || !cron || duration_seconds <= 0) return false;
  std::optional<int64_t> tick = cron->Next(now - duration_seconds, *zone);
  return tick && *tick <= now;
}

std::optional<int64_t> SyncWindow::NextFlip(int64_t now) const {
  if (!error.empty() || !cron || duration_seconds <= 0) return std::nullopt;
  if (!Active(now)) return cron->Next(now, *zone);
  // The end of the active run: ticks closer than |duration| keep it open (`* * * * *` for 1m never
  // closes: after two weeks' worth of minute ticks the search gives up and says never).
  int64_t last = *cron->Next(now - duration_seconds, *zone);
  for (int i = 0; i < 20160; ++i) {
    std::optional<int64_t> n = cron->Next(last, *zone);
    if (!n || *n > last + duration_seconds) return last + duration_seconds;
    last = *n;
  }
  return std::nullopt;
}

AppSyncWindows MatchSyncWindows(const std::string& project, const std::vector<SyncWindow>& windows,
                                const base::Json& app) {
  AppSyncWindows out;
  out.project = project;
  for (const SyncWindow& w : windows) {
    if (!w.Matches(app)) continue;
    if (!w.error.empty() && out.error.empty()) out.error = w.error;
    out.matching.push_back(w);
  }
  return out;
}

bool AppSyncWindows::CanSync(int64_t now, bool manual) const {
  if (!error.empty()) return false;
  if (matching.empty()) return true;
  std::vector<const SyncWindow*> active_deny, inactive_allow;
  bool active_allow = false;
  for (const SyncWindow& w : matching) {
    const bool active = w.Active(now);
    if (w.kind == "deny" && active) active_deny.push_back(&w);
    if (w.kind == "allow") {
      if (active) {
        active_allow = true;
      } else {
        inactive_allow.push_back(&w);
      }
    }
  }
  if (!active_deny.empty()) return manual && AllManual(active_deny);
  if (active_allow) return true;
  if (!inactive_allow.empty()) return manual && AllManual(inactive_allow);
  return true;
}

std::optional<int64_t> AppSyncWindows::NextChange(int64_t now, bool manual) const {
  if (!error.empty() || matching.empty()) return std::nullopt;
  const bool verdict = CanSync(now, manual);
  int64_t t = now;
  for (int i = 0; i < 256; ++i) {
    std::optional<int64_t> next;
    for (const SyncWindow& w : matching) {
      std::optional<int64_t> f = w.NextFlip(t);
      if (f && (!next || *f < *next)) next = f;
    }
    if (!next) return std::nullopt;
    if (CanSync(*next, manual) != verdict) return next;
    t = *next;
  }
  return t;  // many flips without a change (overlapping windows): look again then
}

std::string AppSyncWindows::Status(int64_t now) const {
  if (matching.empty() && error.empty()) return "Sync Allowed";
  bool deny = false, allow = false, inactive_allows = false;
  for (const SyncWindow& w : matching) {
    const bool active = w.Active(now);
    if (active) (w.kind == "deny" ? deny : allow) = true;
    if (w.kind == "allow" && !active && w.error.empty()) inactive_allows = true;
  }
  if (!error.empty() || deny || (!allow && inactive_allows))
    return CanSync(now, true) ? "Manual Allowed" : "Sync Denied";
  return "Sync Allowed";
}

std::string AppSyncWindows::Assigned() const {
  std::string out;
  for (const SyncWindow& w : matching) out += (out.empty() ? "" : ",") + w.kind + ":" + w.schedule + ":" + w.duration;
  return out;
}

AppSyncWindows LoadAppSyncWindows(kube::Client& client, const base::Json& app, const std::string& project_namespace) {
  std::string project = base::GetStringAt(app, "spec/project");
  if (project.empty()) project = "default";
  auto got = client.Get(kWindowsProjectGvk, project_namespace, project);
  if (!got.ok()) {
    AppSyncWindows none;
    none.project = project;
    if (!got.status().IsNotFound()) none.error = "AppProject " + project + ": " + got.status().message();
    return none;
  }
  return MatchSyncWindows(project, ParseSyncWindows(*got), app);
}

base::Status CheckManualSync(kube::Client& client, const base::Json& app, const std::string& project_namespace,
                             int64_t now_unix) {
  AppSyncWindows windows = LoadAppSyncWindows(client, app, project_namespace);
  if (!windows.error.empty())
    return base::Status::PermissionDenied("cannot sync: invalid sync window: " + windows.error);
  if (!windows.CanSync(now_unix, /*manual=*/true)) return base::Status::PermissionDenied(kSyncWindowBlockedSync);
  return base::Status::Ok();
}

base::Status CheckManualSync(kube::Client& client, const base::Json& app, const std::string& project_namespace) {
  return CheckManualSync(client, app, project_namespace, static_cast<int64_t>(std::time(nullptr)));
}

}  // namespace capstan::app
