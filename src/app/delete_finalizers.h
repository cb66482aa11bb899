// Copyright 2026 The capstan Authors.
//
// The Application finalizers of the deletion flow (spec/argo-sync-semantics.md §1.9, §4.1) and their
// bookkeeping. On every reconciliation of an Application that is not being deleted — a refresh, the
// render step of an operation — the app's rendered targets decide two pairs of finalizers:
// PreDelete hooks among them → `pre-delete-finalizer.argocd.argoproj.io` and its `/cleanup` twin,
// PostDelete hooks → `post-delete-finalizer.argocd.argoproj.io[/cleanup]`; without such hooks the pair
// is removed. What was there at the last reconcile before the deletion is what the deletion runs
// (deletion.h). The cascade finalizers (`resources-finalizer.argocd.argoproj.io`, `/foreground`,
// `/background`) are the user's: `capstan app delete` adds or removes them, nothing here touches them.
//
// Finalizers are changed by GET + UPDATE with the resourceVersion, retried on conflict (spec §8.5),
// and only when something changes.
//
// Thread safety: pure functions and functions that only call the (thread-safe) client.

#ifndef CAPSTAN_APP_DELETE_FINALIZERS_H_
#define CAPSTAN_APP_DELETE_FINALIZERS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/application.h"
#include "base/json.h"
#include "base/result.h"
#include "kube/client.h"

namespace capstan::app {

inline constexpr std::string_view kPreDeleteFinalizer = "pre-delete-finalizer.argocd.argoproj.io";
inline constexpr std::string_view kPreDeleteCleanupFinalizer = "pre-delete-finalizer.argocd.argoproj.io/cleanup";
inline constexpr std::string_view kPostDeleteFinalizer = "post-delete-finalizer.argocd.argoproj.io";
inline constexpr std::string_view kPostDeleteCleanupFinalizer = "post-delete-finalizer.argocd.argoproj.io/cleanup";
// Cascade finalizers: the plain one means foreground propagation.
inline constexpr std::string_view kResourcesFinalizer = "resources-finalizer.argocd.argoproj.io";
inline constexpr std::string_view kResourcesFinalizerForeground = "resources-finalizer.argocd.argoproj.io/foreground";
inline constexpr std::string_view kResourcesFinalizerBackground = "resources-finalizer.argocd.argoproj.io/background";

// metadata.finalizers of |obj| (empty when absent).
std::vector<std::string> FinalizersOf(const base::Json& obj);
bool HasFinalizer(const base::Json& obj, std::string_view finalizer);
// True for the three cascade finalizers.
bool IsCascadeFinalizer(std::string_view finalizer);
// True when |obj| has a metadata.deletionTimestamp.
bool IsDeleting(const base::Json& obj);

// Which deletion hooks |targets| (rendered objects) hold (core/annotations.h pre_delete/post_delete:
// argocd.argoproj.io/hook PreDelete/PostDelete, or helm.sh/hook pre-delete/post-delete).
struct DeletionHooks {
  bool pre_delete = false;
  bool post_delete = false;
};
DeletionHooks FindDeletionHooks(const std::vector<base::Json>& targets);

// Edits the finalizers of Application |ref|: GET, |edit| on the list (returns false when it changed
// nothing: no write), UPDATE with the resourceVersion; retried on kConflict. |edit| also sees the
// Application as read. Returns the Application after the write, or nullopt when nothing was
// written (|edit| said no change, or the Application is gone). Other errors as the client returns
// them, annotated with the Application.
base::Result<std::optional<base::Json>> EditFinalizers(
    kube::Client& client, const AppRef& ref,
    const std::function<bool(const base::Json& app, std::vector<std::string>& finalizers)>& edit);

// Removes |finalizer| from Application |ref| (EditFinalizers). OK when absent or the app is gone.
base::Status RemoveFinalizer(kube::Client& client, const AppRef& ref, std::string_view finalizer);

// Spec §4.1: brings the Pre/PostDelete finalizer pairs of |app| (as last read) in line with
// |targets|. Does nothing when |app| already matches, or when it has a deletionTimestamp (read again
// before the write: an app being deleted keeps what it had). Errors as EditFinalizers.
base::Status SyncDeletionHookFinalizers(kube::Client& client, const base::Json& app,
                                        const std::vector<base::Json>& targets);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_DELETE_FINALIZERS_H_
