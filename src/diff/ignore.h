// Copyright 2026 The capstan Authors.
//
// ignoreDifferences (spec/argo-sync-semantics.md §7.2, Argo CD's user-guide/diffing.md): the rules
// that take fields out of a comparison, from two places —
//   - the Application's spec.ignoreDifferences[]: {group, kind, name?, namespace?, jsonPointers[],
//     jqPathExpressions[], managedFieldsManagers[]};
//   - capstan-cm (argocd-cm's keys): `resource.customizations.ignoreDifferences.<group>_<kind>`
//     (`<kind>` alone for the core group, `all` for every kind), each a YAML map with the same three
//     lists; and `resource.compareoptions` (YAML) `ignoreResourceStatusField: all | crd | none`
//     (default all; off/false = none; anything else = all), which ignores /status of every object
//     (all) or of CustomResourceDefinitions only (crd; as Argo CD: apiextensions.k8s.io/CRD).
// Group and kind are globs (`*`, `?`, `[...]`); name and namespace match exactly when set.
// A JSON pointer is removed when present (a missing path is no error); a jq expression is applied as
// `del(<expr>)` (jq_eval.h: exactly one value, 1 s limit); managedFieldsManagers are applied before
// the comparison (diff.h), not here.
//
// Thread safety: DiffConfig is an immutable value once built; functions are pure (jq runs in a child
// process).

#ifndef CAPSTAN_DIFF_IGNORE_H_
#define CAPSTAN_DIFF_IGNORE_H_

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "diff/jq_eval.h"

namespace capstan::diff {

struct IgnoreRule {
  std::string group = "*";  // glob
  std::string kind = "*";   // glob
  std::string name;         // "" = any
  std::string namespace_;   // "" = any
  std::vector<std::string> json_pointers;
  std::vector<std::string> jq_path_expressions;
  std::vector<std::string> managed_fields_managers;
  std::string origin;  // where the rule came from, for messages: "spec.ignoreDifferences[1]", a key
};

enum class StatusFieldMode { kAll, kCrd, kNone };

struct DiffConfig {
  std::vector<IgnoreRule> rules;
  StatusFieldMode ignore_status = StatusFieldMode::kAll;
  std::chrono::milliseconds jq_timeout = kJqTimeout;
};

using SettingsData = std::map<std::string, std::string, std::less<>>;

// The rules of |application| (its spec.ignoreDifferences; none when absent) and of |settings| (the
// capstan-cm data). kInvalidArgument naming the rule and the field for malformed input: a rule that
// is not a map, a list that is not a list of strings, a JSON pointer not starting with "/", a
// settings value that is not YAML.
base::Result<DiffConfig> LoadDiffConfig(const base::Json& application, const SettingsData& settings);

// Whether |rule| applies to |obj| (its apiVersion's group, kind, name, namespace).
bool RuleMatches(const IgnoreRule& rule, const base::Json& obj);

// The managers of every rule of |config| matching |obj|, each once.
std::vector<std::string> ManagedFieldsManagers(const DiffConfig& config, const base::Json& obj);

// Removes from |obj| what the rules matching |match| (the object that names the resource: the target
// when there is one) ignore: /status per ignore_status, JSON pointers, jq expressions. Errors from
// jq (jq_eval.h), annotated with the rule's origin.
base::Status ApplyIgnoreRules(const DiffConfig& config, const base::Json& match, base::Json& obj);

// Removes the field at JSON pointer |pointer| from |obj| when present ("~0"/"~1" escapes, array
// indexes). Returns whether something was removed.
bool RemovePointer(base::Json& obj, const std::string& pointer);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_IGNORE_H_
