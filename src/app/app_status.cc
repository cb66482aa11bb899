// Copyright 2026 The capstan Authors.

#include "app/app_status.h"

#include <map>

#include "app/app_health.h"
#include "core/annotations.h"
#include "core/gvk.h"
#include "core/resource_key.h"
#include "diff/compare.h"

namespace capstan::app {

namespace {

struct Entry {
  const base::Json* target = nullptr;
  const base::Json* live = nullptr;
};

bool IsHookOrSkip(const base::Json& obj) {
  core::SyncAnnotations a = core::ParseSyncAnnotations(obj);
  return a.is_hook || a.skip || a.pre_delete || a.post_delete;
}

}  // namespace

Comparison CompareApp(const std::vector<base::Json>& targets, const std::vector<base::Json>& live,
                      const std::string& revision, const base::Json& application,
                      health::HealthOverride* health_override) {
  std::map<core::ResourceKey, Entry> entries;  // sorted like Argo CD's resource list
  std::map<core::ResourceKey, bool> skipped;   // Skip targets: never compared
  for (const base::Json& t : targets) {
    core::SyncAnnotations a = core::ParseSyncAnnotations(t);
    if (a.is_hook || a.pre_delete || a.post_delete) continue;
    core::ResourceKey key = core::ResourceKey::Of(t);
    if (a.skip) {
      skipped[key] = true;
      continue;
    }
    entries[key].target = &t;
  }
  std::vector<const base::Json*> live_hooks;
  for (const base::Json& l : live) {
    core::ResourceKey key = core::ResourceKey::Of(l);
    if (skipped.count(key)) continue;
    if (!entries.count(key) && IsHookOrSkip(l)) {
      live_hooks.push_back(&l);
      continue;
    }
    entries[key].live = &l;
  }

  Comparison out;
  bool out_of_sync = false;
  AppHealth app_health(application);
  auto entry_json = [](const base::Json& obj) {
    core::Gvk gvk = core::Gvk::Of(obj);
    base::Json e = {{"group", gvk.group}, {"version", gvk.version}, {"kind", gvk.kind},
                    {"name", base::GetStringAt(obj, "metadata/name")}};
    std::string ns = base::GetStringAt(obj, "metadata/namespace");
    if (!ns.empty()) e["namespace"] = ns;
    return e;
  };
  for (const auto& [key, e] : entries) {
    base::Json r = entry_json(e.target ? *e.target : *e.live);
    bool synced = e.target && e.live && !diff::Compare(*e.target, *e.live).modified;
    r["status"] = synced ? "Synced" : "OutOfSync";
    if (!synced) out_of_sync = true;
    if (e.live && !e.target) r["requiresPruning"] = true;
    if (std::optional<health::HealthStatus> h = app_health.Add(e.target, e.live, health_override)) {
      r["health"] = HealthJson(*h);
    }
    out.resources.push_back(std::move(r));
  }
  for (const base::Json* l : live_hooks) {
    base::Json r = entry_json(*l);
    r["hook"] = true;
    if (auto h = health::Assess(*l, health_override)) r["health"] = HealthJson(*h);
    out.resources.push_back(std::move(r));
  }
  out.sync = {{"status", out_of_sync ? "OutOfSync" : "Synced"}, {"revision", revision}};
  if (application.is_object() && application.contains("spec")) {
    const base::Json& spec = application["spec"];
    out.sync["comparedTo"] = {{"destination", spec.value("destination", base::Json::object())},
                              {"source", spec.value("source", base::Json::object())}};
  }
  out.health = app_health.ToJson();
  return out;
}

}  // namespace capstan::app
