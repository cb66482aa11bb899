// Copyright 2026 The capstan Authors.

#include "app/app_status.h"

#include <map>

#include "app/app_health.h"
#include "core/annotations.h"
#include "core/gvk.h"
#include "core/resource_key.h"
#include "core/sync_types.h"
#include "diff/managed_fields.h"

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

bool HasCompareOption(const base::Json& obj, std::string_view option) {
  auto value = core::AnnotationOf(obj, core::keys::kCompareOptions);
  return value && core::OptionList::Parse(*value).Has(option);
}

// The server-side diff of one object present on both sides (spec §7.4).
base::Result<diff::DiffResult> ServerSideDiff(const base::Json& target, const base::Json& live,
                                              const DiffContext& ctx, bool include_mutation_webhook,
                                              const diff::DiffOptions& opts) {
  CAPSTAN_ASSIGN_OR_RETURN(base::Json predicted, ctx.dry_run_apply(target));
  if (!include_mutation_webhook) {
    base::Json ours = diff::OwnedFields(predicted, [&](std::string_view m) { return m == opts.field_manager; });
    diff::RevertUnownedFields(ours, live, predicted);
  }
  return diff::DiffPredicted(target, predicted, live, opts);
}

}  // namespace

bool WantsServerSideDiff(const base::Json& application) {
  return HasCompareOption(application, "ServerSideDiff=true");
}

bool IncludesMutationWebhook(const base::Json& application) {
  return HasCompareOption(application, "IncludeMutationWebhook=true");
}

Comparison CompareApp(const std::vector<base::Json>& targets, const std::vector<base::Json>& live,
                      const std::string& revision, const base::Json& application,
                      health::HealthOverride* health_override, const DiffContext* diff_context) {
  static const DiffContext kDefaultContext;
  const DiffContext& ctx = diff_context ? *diff_context : kDefaultContext;
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
  // The diff settings; an error makes every compared resource Unknown.
  base::Status config_error = ctx.settings_error;
  diff::DiffConfig config;
  if (config_error.ok()) {
    auto loaded = diff::LoadDiffConfig(application, ctx.settings.data);
    if (loaded.ok()) {
      config = std::move(*loaded);
    } else {
      config_error = loaded.status();
    }
  }
  diff::DiffOptions diff_opts{.config = &config};
  bool server_side = ctx.dry_run_apply && (ctx.server_side || WantsServerSideDiff(application));
  bool include_webhook = IncludesMutationWebhook(application);
  std::vector<std::string> errors;
  bool unknown = false;
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
    base::Result<diff::DiffResult> d = config_error;
    if (config_error.ok()) {
      d = server_side && e.target && e.live ? ServerSideDiff(*e.target, *e.live, ctx, include_webhook, diff_opts)
                                            : diff::Diff(e.target, e.live, diff_opts);
    }
    bool requires_pruning = e.live && !e.target;
    if (!d.ok()) {
      r["status"] = "Unknown";
      unknown = true;
      if (config_error.ok()) errors.push_back(key.ToString() + ": " + d.status().message());
    } else {
      bool synced = e.target && e.live && !d->modified;
      r["status"] = synced ? "Synced" : "OutOfSync";
      if (!synced && !(requires_pruning && HasCompareOption(*e.live, "IgnoreExtraneous"))) out_of_sync = true;
      if (ctx.keep_diffs) out.diffs.push_back({key, std::move(*d)});
    }
    if (requires_pruning) r["requiresPruning"] = true;
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
  if (!config_error.ok()) errors.insert(errors.begin(), config_error.message());
  for (const std::string& message : errors) {
    out.conditions.push_back({{"type", "ComparisonError"}, {"message", message}});
  }
  out.sync = {{"status", unknown || !config_error.ok() ? "Unknown" : out_of_sync ? "OutOfSync" : "Synced"},
              {"revision", revision}};
  if (application.is_object() && application.contains("spec")) {
    const base::Json& spec = application["spec"];
    out.sync["comparedTo"] = {{"destination", spec.value("destination", base::Json::object())},
                              {"source", spec.value("source", base::Json::object())}};
    if (spec.contains("sources")) {  // Argo CD's multi-source layout
      out.sync["comparedTo"]["sources"] = spec["sources"];
      out.sync["revisions"] = core::MultiSourceRevisions(revision);
    }
  }
  out.health = app_health.ToJson();
  return out;
}

}  // namespace capstan::app
