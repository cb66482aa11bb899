// Copyright 2026 The capstan Authors.

#include "app/delete_finalizers.h"

#include <algorithm>
#include <utility>

#include "core/annotations.h"

namespace capstan::app {

namespace {

constexpr int kConflictRetries = 10;

bool Contains(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Adds |f| when |want| and absent, removes it when not |want|; true when |list| changed.
bool SetPresent(std::vector<std::string>& list, std::string_view f, bool want) {
  bool has = Contains(list, f);
  if (want == has) return false;
  if (want) {
    list.emplace_back(f);
  } else {
    std::erase(list, std::string(f));
  }
  return true;
}

bool ApplyHookFinalizers(std::vector<std::string>& list, const DeletionHooks& hooks) {
  bool changed = false;
  changed |= SetPresent(list, kPreDeleteFinalizer, hooks.pre_delete);
  changed |= SetPresent(list, kPreDeleteCleanupFinalizer, hooks.pre_delete);
  changed |= SetPresent(list, kPostDeleteFinalizer, hooks.post_delete);
  changed |= SetPresent(list, kPostDeleteCleanupFinalizer, hooks.post_delete);
  return changed;
}

}  // namespace

std::vector<std::string> FinalizersOf(const base::Json& obj) {
  std::vector<std::string> out;
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return out;
  auto f = md->find("finalizers");
  if (f == md->end() || !f->is_array()) return out;
  for (const base::Json& v : *f) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool HasFinalizer(const base::Json& obj, std::string_view finalizer) { return Contains(FinalizersOf(obj), finalizer); }

bool IsCascadeFinalizer(std::string_view finalizer) {
  return finalizer == kResourcesFinalizer || finalizer == kResourcesFinalizerForeground ||
         finalizer == kResourcesFinalizerBackground;
}

bool IsDeleting(const base::Json& obj) { return !base::GetStringAt(obj, "metadata/deletionTimestamp").empty(); }

DeletionHooks FindDeletionHooks(const std::vector<base::Json>& targets) {
  DeletionHooks h;
  for (const base::Json& t : targets) {
    core::SyncAnnotations a = core::ParseSyncAnnotations(t);
    h.pre_delete |= a.pre_delete;
    h.post_delete |= a.post_delete;
  }
  return h;
}

base::Result<std::optional<base::Json>> EditFinalizers(
    kube::Client& client, const AppRef& ref,
    const std::function<bool(const base::Json& app, std::vector<std::string>& finalizers)>& edit) {
  for (int attempt = 0;; ++attempt) {
    auto app = client.Get(kApplicationGvk, ref.namespace_, ref.name);
    if (!app.ok()) {
      if (app.status().code() == base::StatusCode::kNotFound) return std::optional<base::Json>();
      return app.status().Annotate("Application " + ref.ToString());
    }
    std::vector<std::string> finalizers = FinalizersOf(*app);
    if (!edit(*app, finalizers)) return std::optional<base::Json>();
    base::Json updated = std::move(*app);
    if (finalizers.empty()) {
      updated["metadata"].erase("finalizers");
    } else {
      updated["metadata"]["finalizers"] = finalizers;
    }
    auto written = client.Update(updated, {});
    if (written.ok()) return std::optional<base::Json>(std::move(*written));
    // Gone between the read and the write: nothing left to edit.
    if (written.status().code() == base::StatusCode::kNotFound) return std::optional<base::Json>();
    if (written.status().code() != base::StatusCode::kConflict || attempt + 1 >= kConflictRetries) {
      return written.status().Annotate("updating the finalizers of Application " + ref.ToString());
    }
  }
}

base::Status RemoveFinalizer(kube::Client& client, const AppRef& ref, std::string_view finalizer) {
  auto r = EditFinalizers(client, ref, [finalizer](const base::Json&, std::vector<std::string>& list) {
    return SetPresent(list, finalizer, false);
  });
  return r.status();
}

base::Status SyncDeletionHookFinalizers(kube::Client& client, const base::Json& app,
                                        const std::vector<base::Json>& targets) {
  if (IsDeleting(app)) return base::Status::Ok();
  DeletionHooks hooks = FindDeletionHooks(targets);
  std::vector<std::string> current = FinalizersOf(app);
  if (!ApplyHookFinalizers(current, hooks)) return base::Status::Ok();
  AppRef ref{base::GetStringAt(app, "metadata/namespace"), base::GetStringAt(app, "metadata/name")};
  auto r = EditFinalizers(client, ref, [&hooks](const base::Json& live, std::vector<std::string>& list) {
    return !IsDeleting(live) && ApplyHookFinalizers(list, hooks);
  });
  return r.status();
}

}  // namespace capstan::app
