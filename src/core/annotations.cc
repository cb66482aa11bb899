// Copyright 2026 The capstan Authors.
//
// Parity: gitops-engine pkg/sync/resource/annotations.go (lists), pkg/sync/hook/hook.go (Types,
// Skip, IsHook), pkg/sync/ignore/ignore.go (Ignore), pkg/sync/syncwaves/waves.go (Wave),
// pkg/sync/hook/delete_policy.go and hook/helm/*.go (Helm mapping), argo-cd controller/hook.go
// (PreDelete/PostDelete).

#include "core/annotations.h"

#include <algorithm>
#include <charconv>

#include "base/json.h"

namespace capstan::core {
namespace {

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\n\r\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

template <typename T>
void AddUnique(std::vector<T>& v, T x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

std::optional<std::string> AnnotationOf(const base::Json& obj, std::string_view key) {
  if (!obj.is_object()) return std::nullopt;
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return std::nullopt;
  auto ann = md->find("annotations");
  if (ann == md->end() || !ann->is_object()) return std::nullopt;
  auto it = ann->find(key);
  if (it == ann->end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();  // a non-string annotation cannot reach the API server; keep its text
}

namespace {

bool IsEngineHookType(HookType t) { return t != HookType::kPreDelete && t != HookType::kPostDelete; }

// helm/type.go: only install/upgrade hooks map to engine phases.
std::optional<HookType> HelmEngineType(std::string_view v) {
  if (v == "pre-install" || v == "pre-upgrade") return HookType::kPreSync;
  if (v == "post-install" || v == "post-upgrade") return HookType::kPostSync;
  return std::nullopt;
}

std::optional<HookDeletePolicy> HelmDeletePolicy(std::string_view v) {
  if (v == "before-hook-creation") return HookDeletePolicy::kBeforeHookCreation;
  if (v == "hook-succeeded") return HookDeletePolicy::kHookSucceeded;
  if (v == "hook-failed") return HookDeletePolicy::kHookFailed;
  return std::nullopt;
}

// Resource-level sync options capstan and Argo CD read (§1.5); anything else is reported.
bool KnownResourceSyncOption(std::string_view o) {
  static constexpr std::string_view kKnown[] = {
      "Prune=false", "Prune=confirm", "Delete=false", "Delete=confirm", "PruneLast=true", "Replace=true",
      "Replace=false", "Force=true", "ServerSideApply=true", "ServerSideApply=false", "Validate=false",
      "Validate=true", "SkipDryRunOnMissingResource=true"};
  return std::find(std::begin(kKnown), std::end(kKnown), o) != std::end(kKnown);
}

bool AppLevelOnlySyncOption(std::string_view o) {
  static constexpr std::string_view kAppOnly[] = {
      "CreateNamespace=", "ApplyOutOfSyncOnly=", "RespectIgnoreDifferences=", "FailOnSharedResource=",
      "PrunePropagationPolicy=", "ClientSideApplyMigration="};
  for (std::string_view p : kAppOnly) {
    if (o.substr(0, p.size()) == p) return true;
  }
  return false;
}

void ParseHooks(const base::Json& obj, SyncAnnotations& out) {
  std::optional<std::string> argo = AnnotationOf(obj, keys::kHook);
  std::optional<std::string> helm = AnnotationOf(obj, keys::kHelmHook);

  if (argo) {
    OptionList items = OptionList::Parse(*argo);
    if (items.empty()) {
      out.warnings.push_back({std::string(keys::kHook), *argo,
                              "empty value: Argo CD treats the object as a hook with no phase and never applies it"});
    }
    for (const std::string& item : items.items()) {
      std::optional<HookType> t = ParseHookType(item);
      if (!t) {
        out.warnings.push_back({std::string(keys::kHook), *argo,
                                "unknown hook type \"" + item +
                                    "\" ignored (valid: PreSync, Sync, PostSync, SyncFail, Skip, PreDelete, PostDelete)"});
        continue;
      }
      if (*t == HookType::kPreDelete) out.pre_delete = true;
      if (*t == HookType::kPostDelete) out.post_delete = true;
      if (IsEngineHookType(*t)) AddUnique(out.hook_types, *t);
    }
  }
  const OptionList helm_items = helm ? OptionList::Parse(*helm) : OptionList();
  if (helm) {
    for (const std::string& item : helm_items.items()) {
      if (item == "pre-delete") out.pre_delete = true;
      if (item == "post-delete") out.post_delete = true;
    }
  }
  // Helm types are consulted only when no valid engine type came from the argocd annotation.
  bool used_helm = false;
  if (out.hook_types.empty() && helm) {
    used_helm = true;
    for (const std::string& item : helm_items.items()) {
      if (std::optional<HookType> t = HelmEngineType(item)) {
        AddUnique(out.hook_types, *t);
      } else if (item != "crd-install" && item != "pre-delete" && item != "post-delete") {
        out.warnings.push_back({std::string(keys::kHelmHook), *helm,
                                "Helm hook \"" + item + "\" is not supported; it has no sync phase"});
      }
    }
  }

  out.skip = out.hook_types.size() == 1 && out.hook_types[0] == HookType::kSkip;
  if (argo) {
    out.is_hook = !out.skip;
  } else {
    out.is_hook = helm.has_value() && *helm != "crd-install";
  }
  out.ignore = out.is_hook && out.hook_types.empty();
  if (out.ignore && !out.pre_delete && !out.post_delete && !(argo && OptionList::Parse(*argo).empty())) {
    out.warnings.push_back({std::string(used_helm ? keys::kHelmHook : keys::kHook),
                            used_helm ? *helm : *argo,
                            "no valid sync phase: the object is ignored by syncs"});
  }

  if (out.skip || out.ignore) return;
  if (!out.is_hook) {
    out.phases = {SyncPhase::kSync};
    return;
  }
  for (SyncPhase p : {SyncPhase::kPreSync, SyncPhase::kSync, SyncPhase::kPostSync, SyncPhase::kSyncFail}) {
    HookType t = *ParseHookType(ToString(p));
    if (std::find(out.hook_types.begin(), out.hook_types.end(), t) != out.hook_types.end()) {
      out.phases.push_back(p);
    }
  }
}

void ParseDeletePolicies(const base::Json& obj, SyncAnnotations& out) {
  if (std::optional<std::string> argo = AnnotationOf(obj, keys::kHookDeletePolicy)) {
    const OptionList items = OptionList::Parse(*argo);
    for (const std::string& item : items.items()) {
      if (std::optional<HookDeletePolicy> p = ParseHookDeletePolicy(item)) {
        out.delete_policies.push_back(*p);
      } else {
        out.warnings.push_back({std::string(keys::kHookDeletePolicy), *argo,
                                "unknown delete policy \"" + item +
                                    "\" ignored (valid: HookSucceeded, HookFailed, BeforeHookCreation)"});
      }
    }
  }
  if (std::optional<std::string> helm = AnnotationOf(obj, keys::kHelmHookDeletePolicy)) {
    const OptionList items = OptionList::Parse(*helm);
    for (const std::string& item : items.items()) {
      if (std::optional<HookDeletePolicy> p = HelmDeletePolicy(item)) {
        out.delete_policies.push_back(*p);
      } else {
        out.warnings.push_back({std::string(keys::kHelmHookDeletePolicy), *helm,
                                "unknown Helm delete policy \"" + item + "\" ignored"});
      }
    }
  }
  if (out.delete_policies.empty()) out.delete_policies = {HookDeletePolicy::kBeforeHookCreation};
}

void ParseWave(const base::Json& obj, SyncAnnotations& out) {
  std::optional<std::string> wave = AnnotationOf(obj, keys::kSyncWave);
  if (wave) {
    if (std::optional<int64_t> w = ParseGoInt(*wave)) {
      out.wave = *w;
      return;
    }
  }
  std::optional<std::string> weight = AnnotationOf(obj, keys::kHelmHookWeight);
  std::optional<int64_t> from_weight = weight ? ParseGoInt(*weight) : std::nullopt;
  if (wave) {
    out.warnings.push_back({std::string(keys::kSyncWave), *wave,
                            "\"" + *wave + "\" is not an integer; wave " +
                                std::to_string(from_weight.value_or(0)) +
                                (from_weight ? " from helm.sh/hook-weight" : "") + " is used"});
  }
  if (weight && !from_weight) {
    out.warnings.push_back({std::string(keys::kHelmHookWeight), *weight,
                            "\"" + *weight + "\" is not an integer; wave 0 is used"});
  }
  out.wave = from_weight.value_or(0);
}

void ParseOptions(const base::Json& obj, SyncAnnotations& out) {
  if (std::optional<std::string> v = AnnotationOf(obj, keys::kSyncOptions)) {
    out.sync_options = OptionList::Parse(*v);
    for (const std::string& item : out.sync_options.items()) {
      if (KnownResourceSyncOption(item)) continue;
      out.warnings.push_back(
          {std::string(keys::kSyncOptions), *v,
           AppLevelOnlySyncOption(item)
               ? "\"" + item + "\" has effect only in the Application's syncPolicy.syncOptions; ignored here"
               : "unknown sync option \"" + item + "\" ignored"});
    }
  }
  if (std::optional<std::string> v = AnnotationOf(obj, keys::kCompareOptions)) {
    out.compare_options = OptionList::Parse(*v);
    for (const std::string& item : out.compare_options.items()) {
      if (item == "IgnoreExtraneous" || item == "ServerSideDiff=true" || item == "ServerSideDiff=false" ||
          item == "IncludeMutationWebhook=true") {
        continue;
      }
      out.warnings.push_back({std::string(keys::kCompareOptions), *v, "unknown compare option \"" + item + "\" ignored"});
    }
  }
}

}  // namespace

OptionList OptionList::Parse(std::string_view csv) {
  OptionList out;
  size_t start = 0;
  while (start <= csv.size()) {
    size_t comma = csv.find(',', start);
    std::string_view item = Trim(csv.substr(start, comma == std::string_view::npos ? csv.npos : comma - start));
    if (!item.empty()) AddUnique(out.items_, std::string(item));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool OptionList::Has(std::string_view option) const {
  return std::find(items_.begin(), items_.end(), option) != items_.end();
}

std::optional<std::string> OptionList::Value(std::string_view key) const {
  for (const std::string& item : items_) {
    if (item.size() > key.size() && item.compare(0, key.size(), key) == 0 && item[key.size()] == '=') {
      return item.substr(key.size() + 1);
    }
  }
  return std::nullopt;
}

bool SyncAnnotations::HasDeletePolicy(HookDeletePolicy p) const {
  return std::find(delete_policies.begin(), delete_policies.end(), p) != delete_policies.end();
}

std::optional<int64_t> ParseGoInt(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  // Parse as unsigned magnitude so INT64_MIN fits.
  uint64_t mag = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), mag);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  if (negative) {
    if (mag > kMax + 1) return std::nullopt;
    return mag == kMax + 1 ? INT64_MIN : -static_cast<int64_t>(mag);
  }
  if (mag > kMax) return std::nullopt;
  return static_cast<int64_t>(mag);
}

SyncAnnotations ParseSyncAnnotations(const base::Json& obj) {
  SyncAnnotations out;
  ParseHooks(obj, out);
  ParseDeletePolicies(obj, out);
  ParseWave(obj, out);
  ParseOptions(obj, out);
  return out;
}

std::string SelfTrackedInstance(const base::Json& obj, std::string_view id) {
  size_t c1 = id.find(':');
  size_t c2 = c1 == std::string_view::npos ? c1 : id.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return "";
  std::string_view gk = id.substr(c1 + 1, c2 - c1 - 1);
  std::string_view nn = id.substr(c2 + 1);
  size_t s1 = gk.find('/'), s2 = nn.find('/');
  if (s1 == std::string_view::npos || s2 == std::string_view::npos) return "";
  const std::string_view ns = nn.substr(0, s2);
  const std::string api_version = base::GetString(obj, "apiVersion");
  const size_t slash = api_version.find('/');
  const std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  const std::string obj_ns = base::GetStringAt(obj, "metadata/namespace");
  // An empty name: the object was made from a generateName target (a hook the engine named).
  const std::string_view name = nn.substr(s2 + 1);
  if (gk.substr(0, s1) != group || gk.substr(s1 + 1) != base::GetString(obj, "kind") ||
      (!name.empty() && name != base::GetStringAt(obj, "metadata/name")) || (!obj_ns.empty() && ns != obj_ns)) {
    return "";
  }
  return std::string(id.substr(0, c1));
}

}  // namespace capstan::core
