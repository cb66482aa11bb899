// Copyright 2026 The capstan Authors.

#include "app/app_diff.h"

#include "app/application.h"
#include "app/live_state.h"
#include "app/server_side_diff.h"
#include "diff/redact.h"
#include "diff/unified.h"

namespace capstan::app {

base::Result<AppDiff> DiffApp(kube::Client& client, const base::Json& application, const AppDiffOptions& opts) {
  CAPSTAN_RETURN_IF_ERROR(CheckDestination(application));
  CAPSTAN_ASSIGN_OR_RETURN(source::RenderedApp r, source::RenderApplication(application, opts.render));
  CAPSTAN_RETURN_IF_ERROR(NormalizeNamespaces(client, r.objects, r.destination_namespace));
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::Json> live,
                           ListLive(client, KindsToWatch(r.objects, application), r.instance_name,
                                    r.destination_namespace, r.objects));
  DiffContext ctx = LoadDiffContext(client, opts.render.control_plane_namespace);
  CAPSTAN_RETURN_IF_ERROR(ctx.settings_error);
  ctx.server_side = opts.server_side;
  ctx.keep_diffs = true;
  Comparison c = CompareApp(r.objects, live, r.revision, application, nullptr, &ctx);
  if (!c.conditions.empty()) return base::Status::InvalidArgument(base::GetString(c.conditions[0], "message"));
  AppDiff out;
  for (ResourceDiff& d : c.diffs) {
    bool prune = d.result.predicted_live.is_null();
    if (!d.result.modified && !prune) continue;
    diff::RedactSecrets(d.result.normalized_live, d.result.predicted_live);
    out.text += diff::ResourceDiff(d.key.group, d.key.kind, d.key.namespace_, d.key.name, d.result.normalized_live,
                                   d.result.predicted_live);
    ++out.differences;
  }
  return out;
}

}  // namespace capstan::app
