// Copyright 2026 The capstan Authors.
//
// The comparison part of an Application's status, in Argo CD's layout (spec §5.4, §6.2, §8.3):
//   status.resources[]  {group, version, kind, namespace, name, status, health, hook, requiresPruning}
//   status.sync         {status, revision, comparedTo}
//   status.health       {status, message}
// from the targets and the live objects. A resource is OutOfSync when it is missing, extraneous
// (live, tracked, no target; requiresPruning) or differs from its target (diff::Diff with the app's
// ignoreDifferences and capstan-cm's settings; server-side when the Application's
// argocd.argoproj.io/compare-options says ServerSideDiff=true and a dry-run is available); hooks
// and Skip objects have no sync status and never count in the app's sync or health; a live hook is
// listed with hook: true. An extraneous object annotated compare-options IgnoreExtraneous is
// OutOfSync itself but leaves the app Synced. When the diff settings are invalid or a diff fails
// (a jq expression), the resource's and the app's status is Unknown and `conditions` holds a
// ComparisonError.
// App health is the worst resource health, where a Missing resource counts only when every resource
// is missing, and objects annotated argocd.argoproj.io/ignore-healthcheck: "true" are skipped.
//
// Thread safety: pure function.

#ifndef CAPSTAN_APP_APP_STATUS_H_
#define CAPSTAN_APP_APP_STATUS_H_

#include <string>
#include <vector>

#include <functional>

#include "app/settings.h"
#include "base/json.h"
#include "base/result.h"
#include "core/resource_key.h"
#include "diff/diff.h"
#include "health/health.h"

namespace capstan::app {

// What a resource's diff was, for printing it (`capstan app diff`).
struct ResourceDiff {
  core::ResourceKey key;
  diff::DiffResult result;  // normalised live and predicted live, not yet redacted
};

struct Comparison {
  base::Json resources = base::Json::array();
  base::Json sync = base::Json::object();
  base::Json health = base::Json::object();
  base::Json conditions = base::Json::array();  // ComparisonError when a diff failed
  std::vector<ResourceDiff> diffs;               // with DiffContext::keep_diffs: every compared resource
};

// How CompareApp diffs (spec §7).
struct DiffContext {
  Settings settings;                      // capstan-cm: ignoreDifferences, compareoptions
  base::Status settings_error;            // capstan-cm could not be read: status Unknown
  // The object a server-side apply dry-run of |target| returns (server_side_diff.h); unset = no
  // server-side diff.
  std::function<base::Result<base::Json>(const base::Json& target)> dry_run_apply;
  bool server_side = false;               // server-side diff even without the app's annotation
  bool keep_diffs = false;                // fill Comparison::diffs
};

// Does |application| ask for the server-side diff (compare-options ServerSideDiff=true), and for
// keeping webhook mutations (IncludeMutationWebhook=true)?
bool WantsServerSideDiff(const base::Json& application);
bool IncludesMutationWebhook(const base::Json& application);

// |targets| have normalised namespaces; |live| are the app's live objects (live_state.h);
// |application|'s spec.source and spec.destination are written as status.sync.comparedTo (none when
// it has no spec). |diff_context| nullptr = default diff settings, client-side.
Comparison CompareApp(const std::vector<base::Json>& targets, const std::vector<base::Json>& live,
                      const std::string& revision, const base::Json& application,
                      health::HealthOverride* health_override = nullptr,
                      const DiffContext* diff_context = nullptr);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_APP_STATUS_H_
