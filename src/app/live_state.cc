// Copyright 2026 The capstan Authors.

#include "app/live_state.h"

#include <set>
#include <unordered_set>

#include "core/annotations.h"
#include "core/resource_key.h"

namespace capstan::app {

namespace {

constexpr std::string_view kTrackingId = "argocd.argoproj.io/tracking-id";

// The scope a CRD in |targets| declares for group/kind: 1 namespaced, 0 cluster, -1 none found.
int CrdScope(const std::vector<base::Json>& targets, const core::Gvk& gvk) {
  for (const base::Json& t : targets) {
    if (base::GetString(t, "kind") != "CustomResourceDefinition") continue;
    if (base::GetStringAt(t, "spec/group") == gvk.group && base::GetStringAt(t, "spec/names/kind") == gvk.kind) {
      return base::GetStringAt(t, "spec/scope") == "Cluster" ? 0 : 1;
    }
  }
  return -1;
}

bool SameGvk(const core::Gvk& a, const core::Gvk& b) { return a.group == b.group && a.kind == b.kind; }

void AddKind(std::vector<core::Gvk>& out, core::Gvk gvk) {
  if (gvk.kind.empty()) return;
  for (const core::Gvk& g : out) {
    if (SameGvk(g, gvk)) return;
  }
  out.push_back(std::move(gvk));
}

}  // namespace

base::Status NormalizeNamespaces(kube::Client& client, std::vector<base::Json>& targets,
                                 const std::string& destination_namespace) {
  for (base::Json& t : targets) {
    core::Gvk gvk = core::Gvk::Of(t);
    bool namespaced = true;
    auto resolved = client.Resolve(gvk);
    if (resolved.ok()) {
      namespaced = resolved->namespaced;
    } else if (resolved.status().code() == base::StatusCode::kNotFound) {
      namespaced = CrdScope(targets, gvk) != 0;
    } else {
      return resolved.status().Annotate(core::ResourceKey::Of(t).Display());
    }
    base::Json& md = t["metadata"];
    if (!namespaced) {
      md.erase("namespace");
      continue;
    }
    if (base::GetString(md, "namespace").empty()) {
      if (destination_namespace.empty()) {
        return base::Status::InvalidArgument(core::ResourceKey::Of(t).Display() +
                                             ": metadata.namespace is missing and the Application has no "
                                             "spec.destination.namespace");
      }
      md["namespace"] = destination_namespace;
    }
  }
  return base::Status::Ok();
}

std::vector<core::Gvk> KindsToWatch(const std::vector<base::Json>& targets, const base::Json& app) {
  std::vector<core::Gvk> out;
  for (const base::Json& t : targets) AddKind(out, core::Gvk::Of(t));
  auto add_list = [&](const base::Json* list) {
    if (!list || !list->is_array()) return;
    for (const base::Json& r : *list) {
      AddKind(out, {base::GetString(r, "group"), base::GetString(r, "version"), base::GetString(r, "kind")});
    }
  };
  if (auto st = app.find("status"); st != app.end() && st->is_object()) {
    if (auto rs = st->find("resources"); rs != st->end()) add_list(&*rs);
    if (auto os = st->find("operationState"); os != st->end() && os->is_object()) {
      if (auto sr = os->find("syncResult"); sr != os->end() && sr->is_object()) {
        if (auto rs = sr->find("resources"); rs != sr->end()) add_list(&*rs);
      }
    }
  }
  return out;
}

base::Result<std::vector<base::Json>> ListLive(kube::Client& client, const std::vector<core::Gvk>& kinds,
                                               const std::string& instance_name,
                                               const std::string& destination_namespace,
                                               const std::vector<base::Json>& targets) {
  std::set<std::string> namespaces;
  if (!destination_namespace.empty()) namespaces.insert(destination_namespace);
  std::unordered_set<core::ResourceKey> target_keys;
  for (const base::Json& t : targets) {
    core::ResourceKey key = core::ResourceKey::Of(t);
    if (!key.namespace_.empty()) namespaces.insert(key.namespace_);
    target_keys.insert(std::move(key));
  }
  std::vector<base::Json> out;
  for (core::Gvk gvk : kinds) {
    auto resolved = client.Resolve(gvk);
    if (!resolved.ok()) {
      if (resolved.status().code() == base::StatusCode::kNotFound) continue;
      return resolved.status().Annotate("listing " + gvk.kind);
    }
    gvk.version = resolved->gvk.version;
    std::vector<std::string> scopes;
    if (resolved->namespaced) {
      scopes.assign(namespaces.begin(), namespaces.end());
    } else {
      scopes.push_back("");
    }
    for (const std::string& ns : scopes) {
      kube::ListOptions opts{.limit = 500};
      do {
        auto page = client.List(gvk, ns, opts);
        if (!page.ok()) return page.status().Annotate("listing " + gvk.kind + (ns.empty() ? "" : " in " + ns));
        for (base::Json& item : page->items) {
          std::optional<std::string> id = core::AnnotationOf(item, kTrackingId);
          bool ours = id && core::SelfTrackedInstance(item, *id) == instance_name;
          if (ours || target_keys.count(core::ResourceKey::Of(item))) out.push_back(std::move(item));
        }
        opts.continue_token = page->continue_token;
      } while (!opts.continue_token.empty());
    }
  }
  return out;
}

}  // namespace capstan::app
