// Copyright 2026 The capstan Authors.

#include "cli/app_output.h"

#include <iomanip>
#include <vector>

#include "base/yaml.h"

namespace capstan::cli {

namespace {

void Field(std::ostream& out, const std::string& label, const std::string& value) {
  out << std::left << std::setw(20) << (label + ":") << value << "\n";
}

void Table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
}

}  // namespace

app::AppRef ParseAppName(const std::string& text, const std::string& app_namespace) {
  if (size_t slash = text.find('/'); slash != std::string::npos) {
    return {text.substr(0, slash), text.substr(slash + 1)};
  }
  return {app_namespace, text};
}

void PrintApplication(std::ostream& out, const base::Json& app, const std::string& output,
                      const std::vector<std::string>& depends_on, const app::AppSyncWindows* windows,
                      int64_t now_unix) {
  if (output == "json") {
    out << app.dump(2) << "\n";
    return;
  }
  if (output == "yaml") {
    out << base::EmitYaml(app);
    return;
  }
  const base::Json& spec = app.value("spec", base::Json::object());
  Field(out, "Name", base::GetStringAt(app, "metadata/namespace") + "/" + base::GetStringAt(app, "metadata/name"));
  Field(out, "Project", base::GetString(spec, "project"));
  Field(out, "Server", base::GetStringAt(spec, "destination/server"));
  Field(out, "Namespace", base::GetStringAt(spec, "destination/namespace"));
  Field(out, "Repo", base::GetStringAt(spec, "source/repoURL"));
  std::string target = base::GetStringAt(spec, "source/targetRevision");
  Field(out, "Target", target.empty() ? "HEAD" : target);
  Field(out, "Path", base::GetStringAt(spec, "source/path"));
  if (windows) {
    Field(out, "SyncWindow", windows->Status(now_unix));
    if (std::string assigned = windows->Assigned(); !assigned.empty()) Field(out, "Assigned Windows", assigned);
  }
  std::string revision = base::GetStringAt(app, "status/sync/revision");
  std::string sync = base::GetStringAt(app, "status/sync/status");
  if (!sync.empty()) {
    Field(out, "Sync Status", sync + " to " + (target.empty() ? "HEAD" : target) +
                                  (revision.empty() ? "" : " (" + revision.substr(0, 7) + ")"));
  }
  std::string health = base::GetStringAt(app, "status/health/status");
  if (!health.empty()) Field(out, "Health Status", health);
  if (!depends_on.empty()) {
    std::string list;
    for (const std::string& d : depends_on) list += (list.empty() ? "" : ", ") + d;
    Field(out, "Depends On", list);
  }
  const base::Json conditions = app.value("status", base::Json::object()).value("conditions", base::Json::array());
  if (!conditions.empty()) {
    std::vector<std::vector<std::string>> rows = {{"CONDITION", "MESSAGE", "LAST TRANSITION"}};
    for (const base::Json& c : conditions) {
      rows.push_back({base::GetString(c, "type"), base::GetString(c, "message"), base::GetString(c, "lastTransitionTime")});
    }
    out << "\n";
    Table(out, rows);
  }
  const base::Json* os = nullptr;
  if (auto st = app.find("status"); st != app.end() && st->is_object()) {
    if (auto o = st->find("operationState"); o != st->end() && o->is_object()) os = &*o;
  }
  if (!os) return;
  out << "\n";
  Field(out, "Operation", "Sync");
  Field(out, "Sync Revision", base::GetStringAt(*os, "syncResult/revision"));
  Field(out, "Phase", base::GetString(*os, "phase"));
  Field(out, "Start", base::GetString(*os, "startedAt"));
  Field(out, "Finished", base::GetString(*os, "finishedAt"));
  Field(out, "Message", base::GetString(*os, "message"));
  std::vector<std::vector<std::string>> rows = {{"GROUP", "KIND", "NAMESPACE", "NAME", "STATUS", "HOOK", "MESSAGE"}};
  if (output == "wide") rows[0] = {"GROUP", "KIND", "NAMESPACE", "NAME", "STATUS", "HOOK", "PHASE", "SYNCPHASE", "MESSAGE"};
  const base::Json* results = nullptr;
  if (auto sr = os->find("syncResult"); sr != os->end() && sr->is_object()) {
    if (auto rs = sr->find("resources"); rs != sr->end() && rs->is_array()) results = &*rs;
  }
  if (!results || results->empty()) return;
  for (const base::Json& r : *results) {
    std::vector<std::string> row = {base::GetString(r, "group"), base::GetString(r, "kind"),
                                    base::GetString(r, "namespace"), base::GetString(r, "name"),
                                    base::GetString(r, "status"), base::GetString(r, "hookType")};
    if (output == "wide") {
      row.push_back(base::GetString(r, "hookPhase"));
      row.push_back(base::GetString(r, "syncPhase"));
    }
    row.push_back(base::GetString(r, "message"));
    rows.push_back(std::move(row));
  }
  out << "\n";
  Table(out, rows);
}

}  // namespace capstan::cli
