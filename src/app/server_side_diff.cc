// Copyright 2026 The capstan Authors.

#include "app/server_side_diff.h"

#include "base/base64.h"
#include "core/resource_key.h"
#include "sync/resource_ops.h"

namespace capstan::app {

DiffContext LoadDiffContext(kube::Client& client, std::string_view control_plane_namespace,
                            const std::string& field_manager) {
  DiffContext ctx;
  auto settings = LoadSettings(client, control_plane_namespace);
  if (settings.ok()) {
    ctx.settings = std::move(*settings);
  } else {
    ctx.settings_error = settings.status();
  }
  ctx.dry_run_apply = [&client, field_manager](const base::Json& target) -> base::Result<base::Json> {
    base::Json obj = target;
    sync::PrepareForApply(obj);  // as the sync applies it
    // A Secret's stringData as the data the server stores it as: capstan then owns data's keys in
    // the dry-run's managedFields, and the revert of fields it does not own keeps the new values.
    if (base::GetString(obj, "kind") == "Secret") {
      if (auto sd = obj.find("stringData"); sd != obj.end() && sd->is_object()) {
        for (auto it = sd->begin(); it != sd->end(); ++it) {
          obj["data"][it.key()] = base::Base64Encode(it.value().is_string() ? it.value().get<std::string>() : "");
        }
        obj.erase("stringData");
      }
    }
    auto out = client.Apply(obj, {.dry_run = true, .field_manager = field_manager, .force = true});
    if (!out.ok()) return out.status().Annotate("server-side diff of " + core::ResourceKey::Of(target).ToString());
    return out;
  };
  return ctx;
}

}  // namespace capstan::app
