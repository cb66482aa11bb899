// Copyright 2026 The capstan Authors.

#include "app/install.h"

#include <thread>

#include "core/gvk.h"

namespace capstan::app {
namespace {

const core::Gvk kCrd{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};

base::Json Crd(const std::string& kind, const std::string& plural, const std::vector<std::string>& short_names,
               const base::Json& columns) {
  base::Json open = {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  base::Json version = {
      {"name", "v1alpha1"},
      {"served", true},
      {"storage", true},
      {"schema",
       {{"openAPIV3Schema",
         {{"type", "object"},
          {"required", {"metadata", "spec"}},
          {"properties",
           {{"apiVersion", {{"type", "string"}}},
            {"kind", {{"type", "string"}}},
            {"metadata", {{"type", "object"}}},
            {"spec", open},
            {"status", open},
            {"operation", open}}}}}}}};
  if (!columns.empty()) version["additionalPrinterColumns"] = columns;
  std::string lower = kind;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return {{"apiVersion", "apiextensions.k8s.io/v1"},
          {"kind", "CustomResourceDefinition"},
          {"metadata",
           {{"name", plural + ".argoproj.io"},
            {"labels", {{"app.kubernetes.io/name", plural + ".argoproj.io"}, {"app.kubernetes.io/part-of", "capstan"}}}}},
          {"spec",
           {{"group", "argoproj.io"},
            {"scope", "Namespaced"},
            {"names",
             {{"kind", kind}, {"listKind", kind + "List"}, {"plural", plural}, {"singular", lower},
              {"shortNames", short_names}}},
            {"versions", {version}}}}};
}

bool Established(const base::Json& crd) {
  const base::Json* conds = nullptr;
  if (auto st = crd.find("status"); st != crd.end() && st->is_object()) {
    if (auto c = st->find("conditions"); c != st->end() && c->is_array()) conds = &*c;
  }
  if (conds == nullptr) return false;
  for (const auto& c : *conds) {
    if (base::GetString(c, "type") == "Established" && base::GetString(c, "status") == "True") return true;
  }
  return false;
}

}  // namespace

base::Json DefaultProjectSpec() {
  return {{"sourceRepos", {"*"}},
          {"destinations", {{{"server", "*"}, {"namespace", "*"}}}},
          {"clusterResourceWhitelist", {{{"group", "*"}, {"kind", "*"}}}},
          {"sourceNamespaces", {"*"}}};
}

std::vector<base::Json> InstallManifests(const InstallOptions& opts) {
  base::Json app_columns = base::Json::array(
      {{{"name", "Sync Status"}, {"type", "string"}, {"jsonPath", ".status.sync.status"}},
       {{"name", "Health Status"}, {"type", "string"}, {"jsonPath", ".status.health.status"}},
       {{"name", "Revision"}, {"type", "string"}, {"jsonPath", ".status.sync.revision"}, {"priority", 10}}});
  return {Crd("Application", "applications", {"app", "apps"}, app_columns),
          Crd("AppProject", "appprojects", {"appproj", "appprojs"}, base::Json::array()),
          {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", opts.namespace_}}}},
          {{"apiVersion", "argoproj.io/v1alpha1"},
           {"kind", "AppProject"},
           {"metadata", {{"name", "default"}, {"namespace", opts.namespace_}}},
           {"spec", DefaultProjectSpec()}}};
}

base::Result<std::vector<std::string>> Install(kube::Client& client, const InstallOptions& opts) {
  std::vector<std::string> lines;
  const std::string suffix = opts.dry_run ? " (dry run)" : "";
  for (const base::Json& obj : InstallManifests(opts)) {
    const core::Gvk gvk = core::Gvk::Of(obj);
    const std::string name = base::GetStringAt(obj, "metadata/name");
    const std::string ns = base::GetStringAt(obj, "metadata/namespace");
    std::string display = gvk.kind;
    for (char& c : display) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!gvk.group.empty()) display += "." + gvk.group;
    display += "/" + name;

    base::Result<base::Json> live = client.Get(gvk, ns, name);
    if (!live.ok() && !live.status().IsNotFound()) return live.status().Annotate("install " + display);
    if (gvk == kCrd && live.ok()) {
      const base::Json& labels = (*live)["metadata"].value("labels", base::Json::object());
      if (labels.value("app.kubernetes.io/part-of", "") != "capstan") {
        lines.push_back(display + " unchanged (Argo CD's)");
        continue;
      }
    }
    if (gvk.group == "argoproj.io" && live.ok()) {
      // Never overwrite a project someone configured; the default of an earlier capstan install
      // (no sourceNamespaces) gains "*" so Applications outside the control-plane namespace keep working.
      base::Json old_default = DefaultProjectSpec();
      old_default.erase("sourceNamespaces");
      if (name == "default" && (*live).value("spec", base::Json()) == old_default) {
        base::Json patch = {{"spec", {{"sourceNamespaces", {"*"}}}}};
        auto patched = client.Patch(gvk, ns, name, kube::PatchType::kMerge, patch, {.dry_run = opts.dry_run});
        if (!patched.ok()) return patched.status().Annotate("install " + display);
        lines.push_back(display + " configured" + suffix);
        continue;
      }
      lines.push_back(display + " unchanged");
      continue;
    }
    base::Result<base::Json> applied =
        client.Apply(obj, {.dry_run = opts.dry_run, .field_manager = opts.field_manager, .force = true});
    if (!applied.ok()) return applied.status().Annotate("install " + display);
    const bool moved = !live.ok() || base::GetStringAt(*applied, "metadata/resourceVersion") !=
                                         base::GetStringAt(*live, "metadata/resourceVersion");
    lines.push_back(display + (!live.ok() ? " created" : moved ? " configured" : " unchanged") + suffix);
    if (gvk == kCrd && !opts.dry_run) {
      // The AppProject below needs the CRD served: wait until Established, then refresh discovery.
      auto deadline = std::chrono::steady_clock::now() + opts.establish_timeout;
      while (true) {
        base::Result<base::Json> crd = client.Get(kCrd, "", name);
        if (crd.ok() && Established(*crd)) break;
        if (std::chrono::steady_clock::now() > deadline) {
          return base::Status::Timeout("install " + display + ": not Established after " +
                                       std::to_string(opts.establish_timeout.count()) + " s");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      client.InvalidateDiscovery();
    }
  }
  return lines;
}

}  // namespace capstan::app
