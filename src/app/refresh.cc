// Copyright 2026 The capstan Authors.

#include "app/refresh.h"

#include <ctime>
#include <thread>

#include "app/app_status.h"
#include "app/conditions.h"
#include "app/delete_finalizers.h"
#include "app/live_state.h"
#include "app/project.h"
#include "app/server_side_diff.h"
#include "core/annotations.h"
#include "sync/operation_state.h"

namespace capstan::app {

base::Result<base::Json> Refresh(kube::Client& client, const AppRef& ref, const RefreshOptions& opts) {
  CAPSTAN_ASSIGN_OR_RETURN(base::Json app, client.Get(kApplicationGvk, ref.namespace_, ref.name));
  std::string now = sync::FormatTime(static_cast<int64_t>(std::time(nullptr)));
  // Refresh owns ComparisonError and the project's InvalidSpecError / UnknownError; other
  // conditions (the runner's SyncError) stay.
  base::Json status = app.value("status", base::Json::object());
  // The AppProject first (Argo CD's refreshAppConditions): a refused app is not compared at all.
  const std::string& control_plane = opts.render.control_plane_namespace;
  base::Result<Project> project = LoadProject(client, control_plane, ProjectNameOf(app));
  std::vector<ProjectProblem> problems = CheckApplication(app, project, control_plane);
  SetProjectConditions(status, problems, now);
  if (!problems.empty()) {
    base::Json patch = {{"status",
                         {{"sync", {{"status", "Unknown"}}},
                          {"health", {{"status", "Unknown"}}},
                          {"conditions", status["conditions"]},
                          {"reconciledAt", now}}}};
    return client.Patch(kApplicationGvk, ref.namespace_, ref.name, kube::PatchType::kMerge, patch, {});
  }
  auto rendered = source::RenderApplication(app, opts.render);
  base::Status normalized = rendered.ok() ? NormalizeNamespaces(client, rendered->objects, rendered->destination_namespace)
                                          : rendered.status();
  if (!normalized.ok()) {
    SetCondition(status, kComparisonError, normalized.message(), now);
    base::Json patch = {{"status",
                         {{"sync", {{"status", "Unknown"}}},
                          {"conditions", status["conditions"]},
                          {"reconciledAt", now}}}};
    auto written = client.Patch(kApplicationGvk, ref.namespace_, ref.name, kube::PatchType::kMerge, patch, {});
    if (!written.ok()) return written.status();
    return normalized;
  }
  // Pre/PostDelete hooks in Git decide the app's deletion finalizers (spec §4.1).
  CAPSTAN_RETURN_IF_ERROR(SyncDeletionHookFinalizers(client, app, rendered->objects));
  std::vector<core::Gvk> kinds = KindsToWatch(rendered->objects, app);
  CAPSTAN_ASSIGN_OR_RETURN(
      std::vector<base::Json> live,
      opts.live != nullptr
          ? opts.live->ListLive(kinds, rendered->instance_name, rendered->destination_namespace, rendered->objects)
          : ListLive(client, kinds, rendered->instance_name, rendered->destination_namespace, rendered->objects));
  DiffContext diff_context = LoadDiffContext(client, opts.render.control_plane_namespace);
  Comparison c = CompareApp(rendered->objects, live, rendered->revision, app, opts.health_override, &diff_context);
  base::Json patch = {{"status",
                       {{"sync", c.sync}, {"health", c.health}, {"resources", c.resources}, {"reconciledAt", now},
                        {"conditions", nullptr}}}};
  ClearCondition(status, kComparisonError);
  if (status.contains("conditions")) patch["status"]["conditions"] = status["conditions"];
  return client.Patch(kApplicationGvk, ref.namespace_, ref.name, kube::PatchType::kMerge, patch, {});
}

base::Result<base::Json> RequestControllerRefresh(kube::Client& client, const AppRef& ref,
                                                  std::chrono::milliseconds timeout) {
  const std::string key(core::keys::kRefresh);
  base::Json patch = {{"metadata", {{"annotations", {{key, "normal"}}}}}};
  CAPSTAN_RETURN_IF_ERROR(
      client.Patch(kApplicationGvk, ref.namespace_, ref.name, kube::PatchType::kMerge, patch, {}).status());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    CAPSTAN_ASSIGN_OR_RETURN(base::Json app, client.Get(kApplicationGvk, ref.namespace_, ref.name));
    if (!core::AnnotationOf(app, key)) return app;
    if (std::chrono::steady_clock::now() >= deadline) {
      return base::Status::Timeout("Application " + ref.ToString() + ": the controller did not refresh it within " +
                                            std::to_string(timeout.count() / 1000) + "s (annotation " + key +
                                            " still set)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace capstan::app
