// Copyright 2026 The capstan Authors.

#include "diff/diff.h"

#include <string_view>

#include "diff/apply_shape.h"
#include "diff/managed_fields.h"
#include "diff/normalize.h"

namespace capstan::diff {

namespace {

// The merge key of the items of list field |field| whose first item is |sample|; "" = atomic list.
std::string MergeKey(const std::string& field, const base::Json& sample) {
  static constexpr std::string_view kByName[] = {"containers", "initContainers", "ephemeralContainers",
                                                 "volumes",    "env",            "imagePullSecrets"};
  for (std::string_view f : kByName) {
    if (field == f) return "name";
  }
  if (field == "ports") return sample.contains("containerPort") ? "containerPort" : "port";
  if (field == "volumeMounts") return "mountPath";
  if (field == "volumeDevices") return "devicePath";
  if (field == "hostAliases") return "ip";
  return "";
}

void MergeInto(base::Json& live, const base::Json& target);

void MergeList(base::Json& live, const base::Json& target, const std::string& key) {
  for (const base::Json& item : target) {
    base::Json* match = nullptr;
    if (item.is_object() && item.contains(key)) {
      for (base::Json& l : live) {
        if (l.is_object() && l.contains(key) && l[key] == item[key]) {
          match = &l;
          break;
        }
      }
    }
    if (match) {
      MergeInto(*match, item);
    } else {
      live.push_back(item);
    }
  }
}

void MergeInto(base::Json& live, const base::Json& target) {
  if (!live.is_object() || !target.is_object()) {
    live = target;
    return;
  }
  for (auto it = target.begin(); it != target.end(); ++it) {
    const base::Json& t = it.value();
    if (t.is_null()) continue;
    auto l = live.find(it.key());
    if (l == live.end() || l->is_null()) {
      live[it.key()] = t;
    } else if (t.is_object() && l->is_object()) {
      MergeInto(*l, t);
    } else if (t.is_array() && l->is_array() && !t.empty() && !MergeKey(it.key(), t[0]).empty()) {
      MergeList(*l, t, MergeKey(it.key(), t[0]));
    } else {
      *l = t;
    }
  }
}

// Normalisation and ignore rules for one side; |match| names the resource for the rules.
base::Status Prepare(base::Json& obj, const base::Json& match, const DiffOptions& opts) {
  Normalize(obj);
  static const DiffConfig kDefault;
  return ApplyIgnoreRules(opts.config ? *opts.config : kDefault, match, obj);
}

}  // namespace

base::Json PredictApply(const base::Json& target, const base::Json& live, const std::string& field_manager) {
  base::Json predicted = live;
  MergeInto(predicted, target);
  base::Json ours = OwnedFields(live, [&](std::string_view m) { return m == field_manager; });
  base::Json others = OwnedFields(live, [&](std::string_view m) { return m != field_manager; });
  DropUnsetOwnedFields(ours, others, target, predicted);
  return predicted;
}

base::Result<DiffResult> Diff(const base::Json* target, const base::Json* live, const DiffOptions& opts) {
  DiffResult out;
  if (!target && !live) return base::Status::InvalidArgument("diff: neither a target nor a live object");
  if (!live) {
    out.predicted_live = *target;
    FillApplyDefaults(out.predicted_live);
    CAPSTAN_RETURN_IF_ERROR(Prepare(out.predicted_live, *target, opts));
    out.modified = true;
    return out;
  }
  if (!target) {
    out.normalized_live = *live;
    CAPSTAN_RETURN_IF_ERROR(Prepare(out.normalized_live, *live, opts));
    return out;
  }
  base::Json t = *target;
  FillApplyDefaults(t);  // what the sync sends, so capstan's own fields match
  base::Json l = *live;
  NormalizeTracking(t, l);
  if (opts.config) {
    std::vector<std::string> managers = ManagedFieldsManagers(*opts.config, t);
    if (!managers.empty()) {
      base::Json owned = OwnedFields(*live, [&](std::string_view m) {
        for (const std::string& x : managers) {
          if (x == m) return true;
        }
        return false;
      });
      RemoveConflictingFields(owned, t, l);
    }
  }
  out.predicted_live = PredictApply(t, l, opts.field_manager);
  out.normalized_live = std::move(l);
  CAPSTAN_RETURN_IF_ERROR(Prepare(out.predicted_live, t, opts));
  CAPSTAN_RETURN_IF_ERROR(Prepare(out.normalized_live, t, opts));
  out.modified = out.predicted_live != out.normalized_live;
  return out;
}

base::Result<DiffResult> DiffPredicted(const base::Json& target, const base::Json& predicted, const base::Json& live,
                                       const DiffOptions& opts) {
  DiffResult out;
  out.predicted_live = predicted;
  out.normalized_live = live;
  NormalizeTracking(target, out.normalized_live);
  CAPSTAN_RETURN_IF_ERROR(Prepare(out.predicted_live, target, opts));
  CAPSTAN_RETURN_IF_ERROR(Prepare(out.normalized_live, target, opts));
  out.modified = out.predicted_live != out.normalized_live;
  return out;
}

}  // namespace capstan::diff
