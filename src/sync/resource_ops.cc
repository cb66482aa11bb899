// Copyright 2026 The capstan Authors.

#include "sync/resource_ops.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "base/log.h"
#include "core/annotations.h"
#include "core/gvk.h"
#include "diff/apply_shape.h"
#include "kube/api_error.h"

namespace capstan::sync {
namespace {

// The message a user should read for a failed call: the API server's own words when it sent some.
std::string ErrorMessage(const base::Status& s) {
  if (const kube::ApiError* e = kube::ApiErrorOf(s); e != nullptr && !e->message.empty()) return e->message;
  return s.message();
}

bool IsImmutableFieldError(const base::Status& s) {
  return s.IsInvalidArgument() && s.message().find("field is immutable") != std::string::npos;
}

}  // namespace

void PrepareForApply(base::Json& obj) { diff::FillApplyDefaults(obj); }

std::string ResourceOps::DisplayName(const base::Json& obj) {
  core::Gvk gvk = core::Gvk::Of(obj);
  std::string res = gvk.kind;
  std::transform(res.begin(), res.end(), res.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!gvk.group.empty()) res += "." + gvk.group;
  return res + "/" + base::GetStringAt(obj, "metadata/name");
}

OpOutcome ResourceOps::Apply(const base::Json& target, const base::Json* live, const ApplyMode& mode) {
  base::Json obj = target;
  PrepareForApply(obj);
  const std::string name = DisplayName(obj);
  const std::string suffix = mode.dry_run ? " (dry run)" : "";
  const core::Gvk gvk = core::Gvk::Of(obj);
  const std::string ns = base::GetStringAt(obj, "metadata/namespace");

  auto write = [&](const base::Json& o) -> base::Result<base::Json> {
    if (mode.replace) {
      if (live == nullptr) return client_.Create(o, {.dry_run = mode.dry_run, .field_manager = mode.field_manager});
      base::Json put = o;
      // CRDs and Namespaces are updated against the live resourceVersion; others replaced outright.
      if (gvk.kind == "CustomResourceDefinition" || (gvk.group.empty() && gvk.kind == "Namespace")) {
        put["metadata"]["resourceVersion"] = base::GetStringAt(*live, "metadata/resourceVersion");
      }
      return client_.Update(put, {.dry_run = mode.dry_run, .field_manager = mode.field_manager});
    }
    return client_.Apply(o, {.dry_run = mode.dry_run, .field_manager = mode.field_manager, .force = true});
  };

  base::Result<base::Json> result = write(obj);
  // A custom resource whose CRD this sync just created (or re-created right after a deletion) can be
  // unknown for a few seconds after the CRD is Established; wait for the kind to be served.
  for (int attempt = 0; !result.ok() && result.status().IsNotFound() && attempt < 30 && CrdDefines(gvk); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    client_.InvalidateDiscovery();
    result = write(obj);
  }
  if (!result.ok() && mode.force && live != nullptr && IsImmutableFieldError(result.status()) && !mode.dry_run) {
    // Force=true: delete and re-create, as `kubectl apply --force` does.
    base::Status del = Delete(*live, "foreground");
    if (!del.ok()) return {core::ResultCode::kSyncFailed, ErrorMessage(del)};
    live = nullptr;
    result = write(obj);
  }
  if (!result.ok()) return {core::ResultCode::kSyncFailed, ErrorMessage(result.status())};
  if (gvk.group == "apiextensions.k8s.io" && gvk.kind == "CustomResourceDefinition" && !mode.dry_run) {
    EnsureCrdReady(base::GetStringAt(obj, "metadata/name"));
  }
  if (live == nullptr) return {core::ResultCode::kSynced, name + " created" + suffix};
  const bool moved = base::GetStringAt(*result, "metadata/resourceVersion") !=
                     base::GetStringAt(*live, "metadata/resourceVersion");
  return {core::ResultCode::kSynced, name + (moved && !mode.dry_run ? " configured" : " unchanged") + suffix};
}

void ResourceOps::EnsureCrdReady(const std::string& name) {
  const core::Gvk crd{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (true) {
    auto got = client_.Get(crd, "", name);
    bool established = false;
    if (got.ok()) {
      for (const base::Json& c : got->value("status", base::Json::object()).value("conditions", base::Json::array())) {
        if (base::GetString(c, "type") == "Established" && base::GetString(c, "status") == "True") established = true;
      }
    }
    if (established) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      CAPSTAN_LOG_WARN("CustomResourceDefinition {} is not Established after 3s; going on", name);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  client_.InvalidateDiscovery();
}

bool ResourceOps::CrdDefines(const core::Gvk& gvk) {
  if (gvk.group.empty() || gvk.group.find('.') == std::string::npos) return false;  // built-in groups
  const core::Gvk crd{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};
  std::string token;
  do {
    auto page = client_.List(crd, "", {.limit = 500, .continue_token = token});
    if (!page.ok()) return false;
    for (const base::Json& c : page->items) {
      if (base::GetStringAt(c, "spec/group") != gvk.group || base::GetStringAt(c, "spec/names/kind") != gvk.kind ||
          c.value("metadata", base::Json::object()).contains("deletionTimestamp")) {
        continue;
      }
      for (const base::Json& v : c.value("spec", base::Json::object()).value("versions", base::Json::array())) {
        if (base::GetString(v, "name") == gvk.version && v.value("served", false)) return true;
      }
    }
    token = page->continue_token;
  } while (!token.empty());
  return false;
}

OpOutcome ResourceOps::DryRunAsNew(const base::Json& target, const ApplyMode& mode) {
  base::Json obj = target;
  PrepareForApply(obj);
  const std::string name = DisplayName(obj);
  obj["metadata"]["generateName"] = base::GetStringAt(obj, "metadata/name") + "-";
  obj["metadata"].erase("name");
  auto result = client_.Create(obj, {.dry_run = true, .field_manager = mode.field_manager});
  if (!result.ok()) return {core::ResultCode::kSyncFailed, ErrorMessage(result.status())};
  return {core::ResultCode::kSynced, name + " created (dry run)"};
}

base::Status ResourceOps::Delete(const base::Json& live, const std::string& propagation, bool dry_run) {
  kube::DeleteOptions opts;
  opts.dry_run = dry_run;
  if (propagation == "background") opts.propagation_policy = "Background";
  else if (propagation == "orphan") opts.propagation_policy = "Orphan";
  else opts.propagation_policy = "Foreground";
  base::Status s = client_.Delete(core::Gvk::Of(live), base::GetStringAt(live, "metadata/namespace"),
                                  base::GetStringAt(live, "metadata/name"), opts);
  return s.IsNotFound() ? base::Status() : s;
}

base::Status ResourceOps::RemoveHookFinalizer(const core::ResourceKey& key, const std::string& api_version,
                                              const base::Json* live) {
  const core::Gvk gvk = core::Gvk::FromApiVersion(api_version, key.kind);
  base::Json fetched;
  const base::Json* obj = live;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (obj == nullptr) {
      // Not in hand (a cache miss, Argo CD #29464): read it from the API server.
      base::Result<base::Json> got = client_.Get(gvk, key.namespace_, key.name);
      if (!got.ok()) return got.status().IsNotFound() ? base::Status() : got.status();
      fetched = std::move(*got);
      obj = &fetched;
    }
    const base::Json* fins = nullptr;
    if (auto md = obj->find("metadata"); md != obj->end() && md->is_object()) {
      if (auto f = md->find("finalizers"); f != md->end() && f->is_array()) fins = &*f;
    }
    if (fins == nullptr) return base::Status();
    size_t index = fins->size();
    for (size_t i = 0; i < fins->size(); ++i) {
      if ((*fins)[i].is_string() && (*fins)[i].get<std::string>() == core::keys::kHookFinalizer) index = i;
    }
    if (index == fins->size()) return base::Status();
    const std::string path = "/metadata/finalizers/" + std::to_string(index);
    base::Json patch = base::Json::array({{{"op", "test"}, {"path", path}, {"value", core::keys::kHookFinalizer}},
                                          {{"op", "remove"}, {"path", path}}});
    base::Result<base::Json> patched = client_.Patch(gvk, key.namespace_, key.name, kube::PatchType::kJson, patch, {});
    if (patched.ok() || patched.status().IsNotFound()) return base::Status();
    // The list changed under us (the test op failed, 422) or a conflict: read again and retry.
    if (!patched.status().IsInvalidArgument() && !patched.status().IsConflict()) {
      return patched.status().Annotate("remove hook finalizer from " + key.Display());
    }
    obj = nullptr;
  }
  return base::Status::Conflict("remove hook finalizer from " + key.Display() + ": the object kept changing");
}

}  // namespace capstan::sync
