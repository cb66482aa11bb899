// Copyright 2026 The capstan Authors.

#include "app/plan_view.h"

#include <ctime>

#include "app/application.h"
#include "app/live_state.h"
#include "core/annotations.h"
#include "core/gvk.h"
#include "diff/compare.h"
#include "sync/noop_apply.h"
#include "sync/plan.h"
#include "sync/sync_options.h"

namespace capstan::app {

namespace {

std::string Action(const sync::Task& t, bool prune) {
  if (t.is_hook) {
    std::string policies;
    for (core::HookDeletePolicy p : t.annotations.delete_policies) {
      policies += (policies.empty() ? "" : ",") + std::string(core::ToString(p));
    }
    return "hook (" + policies + ")";
  }
  if (t.is_prune()) return prune ? "prune" : "prune (needs --prune)";
  if (!t.live) return "create";
  if (sync::ApplyIsNoOp(*t.target, *t.live, "capstan") || !diff::Compare(*t.target, *t.live).modified) {
    return "unchanged";
  }
  return "update";
}

}  // namespace

base::Result<std::vector<PlanRow>> PlanApp(kube::Client& client, const base::Json& application,
                                           const PlanViewOptions& opts) {
  CAPSTAN_RETURN_IF_ERROR(CheckDestination(application));
  CAPSTAN_ASSIGN_OR_RETURN(source::RenderedApp r, source::RenderApplication(application, opts.render));
  CAPSTAN_RETURN_IF_ERROR(NormalizeNamespaces(client, r.objects, r.destination_namespace));
  std::vector<core::Gvk> kinds = KindsToWatch(r.objects, application);
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::Json> live,
                           ListLive(client, kinds, r.instance_name, r.destination_namespace, r.objects));
  auto options = sync::SyncOptions::FromList(
      EffectiveSyncOptions(application, Operation{}));
  sync::PlanOptions plan_opts{.revision = r.revision,
                              .started_at_unix = static_cast<int64_t>(std::time(nullptr)),
                              .destination_namespace = r.destination_namespace,
                              .prune_last = options.ok() && options->prune_last};
  CAPSTAN_ASSIGN_OR_RETURN(sync::Plan plan, sync::BuildPlan(r.objects, live, plan_opts));
  std::vector<PlanRow> rows;
  for (const sync::Task& t : plan.tasks) {
    rows.push_back({.phase = std::string(core::ToString(t.phase)), .wave = t.wave, .group = t.key.group,
                    .kind = t.key.kind, .namespace_ = t.key.namespace_, .name = t.key.name,
                    .action = Action(t, opts.prune)});
  }
  // Skip objects take no part in the sync; they are listed last so the reader sees them.
  for (const base::Json& obj : r.objects) {
    if (!core::ParseSyncAnnotations(obj).skip) continue;
    core::ResourceKey key = core::ResourceKey::Of(obj);
    rows.push_back({.phase = "-", .wave = 0, .group = key.group, .kind = key.kind, .namespace_ = key.namespace_,
                    .name = key.name, .action = "skip"});
  }
  return rows;
}

}  // namespace capstan::app
