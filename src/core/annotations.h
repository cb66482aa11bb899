// Copyright 2026 The capstan Authors.
//
// The argocd.argoproj.io/* (and helm.sh/hook*) annotations of one object, parsed ONCE into typed
// values (spec/argo-sync-semantics.md §1). The rules reproduce gitops-engine's
// pkg/sync/{hook,syncwaves,resource} and pkg/sync/hook/helm exactly — including what Argo CD silently
// ignores — and, where Argo CD ignores a value, capstan also records a warning naming the annotation
// and value so the user can see it (plan, conditions).
//
// Thread safety: plain values and pure functions.

#ifndef CAPSTAN_CORE_ANNOTATIONS_H_
#define CAPSTAN_CORE_ANNOTATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_fwd.h"
#include "core/sync_types.h"

namespace capstan::core {

// Annotation, label and finalizer names.
namespace keys {
inline constexpr std::string_view kHook = "argocd.argoproj.io/hook";
inline constexpr std::string_view kHookDeletePolicy = "argocd.argoproj.io/hook-delete-policy";
inline constexpr std::string_view kSyncWave = "argocd.argoproj.io/sync-wave";
inline constexpr std::string_view kSyncOptions = "argocd.argoproj.io/sync-options";
inline constexpr std::string_view kCompareOptions = "argocd.argoproj.io/compare-options";
inline constexpr std::string_view kTrackingId = "argocd.argoproj.io/tracking-id";
inline constexpr std::string_view kInstallationId = "argocd.argoproj.io/installation-id";
inline constexpr std::string_view kDeletionApproved = "argocd.argoproj.io/deletion-approved";
inline constexpr std::string_view kIgnoreHealthcheck = "argocd.argoproj.io/ignore-healthcheck";
inline constexpr std::string_view kIgnoreRestartPolicy = "argocd.argoproj.io/ignore-restart-policy";
inline constexpr std::string_view kRefresh = "argocd.argoproj.io/refresh";
inline constexpr std::string_view kHookFinalizer = "argocd.argoproj.io/hook-finalizer";  // a finalizer
inline constexpr std::string_view kHelmHook = "helm.sh/hook";
inline constexpr std::string_view kHelmHookWeight = "helm.sh/hook-weight";
inline constexpr std::string_view kHelmHookDeletePolicy = "helm.sh/hook-delete-policy";
inline constexpr std::string_view kHelmResourcePolicy = "helm.sh/resource-policy";
inline constexpr std::string_view kLastAppliedConfig = "kubectl.kubernetes.io/last-applied-configuration";
// capstan-only (DESIGN §8.5, §8.7).
inline constexpr std::string_view kCapstanOperation = "capstan.dev/operation";
inline constexpr std::string_view kCapstanDependsOn = "capstan.dev/depends-on";
}  // namespace keys

// A comma-separated option list as gitops-engine parses annotations (§1.1): split on ',', items
// trimmed, empty items dropped, duplicates dropped keeping the first.
class OptionList {
 public:
  OptionList() = default;
  static OptionList Parse(std::string_view csv);

  // Exact, case-sensitive match of a whole item ("Prune=false").
  bool Has(std::string_view option) const;
  // The remainder of the first item starting with "<key>=" ("Prune" → "confirm"), or nullopt.
  std::optional<std::string> Value(std::string_view key) const;
  const std::vector<std::string>& items() const { return items_; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<std::string> items_;
};

// A value Argo CD ignores (or reads differently from what it looks like), kept so it can be shown.
struct AnnotationWarning {
  std::string annotation;  // "argocd.argoproj.io/sync-wave"
  std::string value;       // the annotation's whole value
  std::string message;     // "\"5x\" is not an integer; wave 0 is used"
};

struct SyncAnnotations {
  // Types(obj): the valid engine hook types of argocd.argoproj.io/hook (PreSync, Sync, PostSync,
  // SyncFail, Skip), deduplicated in order; when there are none, the mapped Helm hook types.
  std::vector<HookType> hook_types;
  bool is_hook = false;  // engine IsHook (§1.2 rule 3)
  bool skip = false;     // exactly [Skip] (§1.2 rule 2): never applied, not in diff
  bool ignore = false;   // a hook with no engine phase: dropped from the sync entirely (rule 4)
  // The sync phases the object takes part in, in phase order: none for Skip and ignored objects,
  // the hook's phases for a hook, [Sync] otherwise (rule 5).
  std::vector<SyncPhase> phases;
  bool pre_delete = false;   // PreDelete (argocd) or pre-delete (Helm): run on Application deletion
  bool post_delete = false;  // PostDelete / post-delete
  // Argo's list then the mapped Helm list; [BeforeHookCreation] when both are empty (§1.3).
  std::vector<HookDeletePolicy> delete_policies;
  int64_t wave = 0;          // sync-wave, else helm.sh/hook-weight, else 0 (§1.4)
  OptionList sync_options;
  OptionList compare_options;
  std::vector<AnnotationWarning> warnings;

  bool HasDeletePolicy(HookDeletePolicy p) const;
  // Controller rule (§1.2 rule 6): a PreDelete/PostDelete hook that has no sync-phase type is left
  // out of syncs.
  bool DeletionHookOnly() const { return (pre_delete || post_delete) && phases.empty(); }
};

// The value of annotation |key| of |obj|, or nullopt when absent (an empty value is present).
std::optional<std::string> AnnotationOf(const base::Json& obj, std::string_view key);

// The instance (Application) a tracking id |id| ("<instance>:<group>/<kind>:<namespace>/<name>", spec
// §1.8) gives |obj|, or "" when the id is malformed or names another object: controllers copy
// annotations to what they make (a Deployment's ReplicaSets carry its tracking id), and those copies
// are not managed (Argo CD's isSelfReferencedObj). An id with no name matches any name (an object
// created from a generateName target).
std::string SelfTrackedInstance(const base::Json& obj, std::string_view id);

// Parses the annotations of |obj| (a Kubernetes object; missing metadata is fine).
SyncAnnotations ParseSyncAnnotations(const base::Json& obj);

// Go's strconv.Atoi on 64-bit: optional '+'/'-', ASCII digits only, no spaces, fits int64.
std::optional<int64_t> ParseGoInt(std::string_view s);

}  // namespace capstan::core

#endif  // CAPSTAN_CORE_ANNOTATIONS_H_
