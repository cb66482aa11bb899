// Copyright 2026 The capstan Authors.

#include "sync/noop_apply.h"

#include "diff/diff.h"

namespace capstan::sync {

namespace {

// True when every field |owned| (a fieldsV1 map) names is present in |obj|, and |owned| uses only
// "f:" keys; "." marks the map itself and needs nothing more.
bool OwnedFieldsPresent(const base::Json& owned, const base::Json& obj) {
  if (!owned.is_object()) return false;
  for (auto it = owned.begin(); it != owned.end(); ++it) {
    const std::string& key = it.key();
    if (key == ".") continue;
    if (key.rfind("f:", 0) != 0) return false;  // list keys, set values, indexes: not proven here
    if (!obj.is_object()) return false;
    auto field = obj.find(key.substr(2));
    if (field == obj.end()) return false;
    if (!it.value().empty() && !OwnedFieldsPresent(it.value(), *field)) return false;
  }
  return true;
}

}  // namespace

bool ApplyIsNoOp(const base::Json& target, const base::Json& live, std::string_view field_manager) {
  const base::Json* entries = nullptr;
  if (auto md = live.find("metadata"); md != live.end() && md->is_object()) {
    if (auto mf = md->find("managedFields"); mf != md->end() && mf->is_array()) entries = &*mf;
  }
  if (!entries) return false;
  const std::string api_version = base::GetString(target, "apiVersion");
  const base::Json* ours = nullptr;
  for (const base::Json& e : *entries) {
    if (base::GetString(e, "manager") == field_manager && base::GetString(e, "operation") == "Apply" &&
        base::GetString(e, "apiVersion") == api_version && !e.contains("subresource")) {
      ours = &e;
    }
  }
  if (!ours || base::GetString(*ours, "fieldsType") != "FieldsV1") return false;
  auto fields = ours->find("fieldsV1");
  if (fields == ours->end() || !OwnedFieldsPresent(*fields, target)) return false;
  // No ignoreDifferences here (an ignored field is still written by the apply); status is left out,
  // as an apply never writes it.
  auto d = diff::Diff(&target, &live, {.config = nullptr, .field_manager = std::string(field_manager)});
  return d.ok() && !d->modified;
}

}  // namespace capstan::sync
