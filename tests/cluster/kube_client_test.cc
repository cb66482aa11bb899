// Copyright 2026 The capstan Authors.
//
// RestClient's verbs against the local control plane: get/list/create/apply/update/patch/delete,
// preconditions, dry runs, the status subresource, typed errors, discovery and the connection pool.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "base/json.h"
#include "kube/api_error.h"
#include "kube/rest_client.h"
#include "testing/cluster_fixture.h"
#include "kube_test_util.h"

namespace capstan::testing {
namespace {

using base::Json;
using base::StatusCode;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class KubeClientTest : public ClusterTest {};

std::string Name(const Json& obj) { return base::GetStringAt(obj, "metadata/name"); }

TEST_F(KubeClientTest, GetAndListPagesWithLimitAndContinue) {
  for (int i = 0; i < 7; ++i) {
    auto r = client().Create(ConfigMap(ns(), "page-" + std::to_string(i), {{"i", std::to_string(i)}}, {{"set", "paging"}}), {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  kube::ListOptions opts;
  opts.label_selector = "set=paging";
  opts.limit = 3;
  std::vector<size_t> page_sizes;
  std::set<std::string> names;
  std::string rv;
  do {
    auto page = client().List(kConfigMap, ns(), opts);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    page_sizes.push_back(page->items.size());
    for (const Json& item : page->items) {
      EXPECT_EQ(base::GetString(item, "apiVersion"), "v1");
      EXPECT_EQ(base::GetString(item, "kind"), "ConfigMap");
      names.insert(Name(item));
    }
    opts.continue_token = page->continue_token;
    rv = page->resource_version;
  } while (!opts.continue_token.empty());
  EXPECT_EQ(page_sizes, (std::vector<size_t>{3, 3, 1}));
  EXPECT_EQ(names.size(), 7u);
  EXPECT_FALSE(rv.empty());

  auto one = client().Get(kConfigMap, ns(), "page-4");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(base::GetStringAt(*one, "data/i"), "4");

  // A field selector, and a list across all namespaces that finds ours.
  kube::ListOptions by_name;
  by_name.field_selector = "metadata.name=page-2";
  auto sel = client().List(kConfigMap, ns(), by_name);
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  ASSERT_EQ(sel->items.size(), 1u);
  kube::ListOptions everywhere;
  everywhere.label_selector = "set=paging";
  auto all = client().List(kConfigMap, "", everywhere);
  ASSERT_TRUE(all.ok());
  EXPECT_GE(all->items.size(), 7u);
}

TEST_F(KubeClientTest, CreateWithGenerateNameGetsAServerName) {
  Json cm = ConfigMap(ns(), "");
  cm["metadata"]["generateName"] = "gen-";
  auto a = client().Create(cm, {});
  auto b = client().Create(cm, {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_THAT(Name(*a), ::testing::StartsWith("gen-"));
  EXPECT_GT(Name(*a).size(), 4u);
  EXPECT_NE(Name(*a), Name(*b));
  EXPECT_TRUE(client().Get(kConfigMap, ns(), Name(*a)).ok());
}

TEST_F(KubeClientTest, CreateOfAnExistingObjectIsAlreadyExists) {
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "dup"), {}).ok());
  auto again = client().Create(ConfigMap(ns(), "dup"), {});
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
  EXPECT_THAT(again.status().message(), HasSubstr("ConfigMap " + ns() + "/dup"));
}

// Which managers own data.<key> in |obj|'s managedFields.
std::set<std::string> OwnersOfDataKey(const Json& obj, const std::string& key) {
  std::set<std::string> out;
  auto mf = obj["metadata"].find("managedFields");
  if (mf == obj["metadata"].end()) return out;
  for (const Json& entry : *mf) {
    const Json& fields = entry.value("fieldsV1", Json::object());
    if (fields.contains("f:data") && fields["f:data"].contains("f:" + key)) {
      out.insert(base::GetString(entry, "manager"));
    }
  }
  return out;
}

TEST_F(KubeClientTest, ApplyCreatesThenConfiguresWithItsFieldManager) {
  kube::ApplyOptions opts;
  opts.field_manager = "capstan-test";
  auto created = client().Apply(ConfigMap(ns(), "applied", {{"k", "1"}}), opts);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(base::GetStringAt(*created, "data/k"), "1");
  EXPECT_EQ(OwnersOfDataKey(*created, "k"), std::set<std::string>{"capstan-test"});
  bool apply_op = false;
  for (const Json& e : (*created)["metadata"]["managedFields"]) {
    if (base::GetString(e, "manager") == "capstan-test") apply_op = base::GetString(e, "operation") == "Apply";
  }
  EXPECT_TRUE(apply_op);

  auto configured = client().Apply(ConfigMap(ns(), "applied", {{"k", "2"}, {"extra", "x"}}), opts);
  ASSERT_TRUE(configured.ok()) << configured.status().ToString();
  EXPECT_EQ(base::GetStringAt(*configured, "data/k"), "2");
  EXPECT_EQ(base::GetStringAt(*configured, "data/extra"), "x");
  EXPECT_NE(base::GetStringAt(*configured, "metadata/resourceVersion"),
            base::GetStringAt(*created, "metadata/resourceVersion"));
  // Applying the same again changes nothing.
  auto same = client().Apply(ConfigMap(ns(), "applied", {{"k", "2"}, {"extra", "x"}}), opts);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(base::GetStringAt(*same, "metadata/resourceVersion"),
            base::GetStringAt(*configured, "metadata/resourceVersion"));
}

TEST_F(KubeClientTest, ApplyWithForceTakesAFieldFromAnotherManager) {
  kube::ApplyOptions other;
  other.field_manager = "someone-else";
  ASSERT_TRUE(client().Apply(ConfigMap(ns(), "contested", {{"k", "theirs"}}), other).ok());

  kube::ApplyOptions polite;
  polite.field_manager = "capstan";
  polite.force = false;
  auto conflict = client().Apply(ConfigMap(ns(), "contested", {{"k", "ours"}}), polite);
  EXPECT_EQ(conflict.status().code(), StatusCode::kConflict) << conflict.status().ToString();
  EXPECT_THAT(conflict.status().message(), HasSubstr("someone-else"));

  kube::ApplyOptions force;
  force.field_manager = "capstan";
  force.force = true;
  auto taken = client().Apply(ConfigMap(ns(), "contested", {{"k", "ours"}}), force);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(base::GetStringAt(*taken, "data/k"), "ours");
  EXPECT_EQ(OwnersOfDataKey(*taken, "k"), std::set<std::string>{"capstan"});
}

TEST_F(KubeClientTest, UpdateWithAStaleResourceVersionIsConflict) {
  auto created = client().Create(ConfigMap(ns(), "upd", {{"v", "1"}}), {});
  ASSERT_TRUE(created.ok());
  Json first = *created;
  first["data"]["v"] = "2";
  auto updated = client().Update(first, {});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(base::GetStringAt(*updated, "data/v"), "2");
  // |first| still carries the old resourceVersion.
  first["data"]["v"] = "3";
  auto stale = client().Update(first, {});
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict) << stale.status().ToString();
  EXPECT_THAT(stale.status().message(), HasSubstr("ConfigMap " + ns() + "/upd"));
  const kube::ApiError* e = kube::ApiErrorOf(stale.status());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->code, 409);
  EXPECT_EQ(e->reason, "Conflict");
  // Without a resourceVersion, PUT is a blind replace.
  Json blind = ConfigMap(ns(), "upd", {{"v", "4"}});
  auto replaced = client().Update(blind, {});
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(base::GetStringAt(*replaced, "data/v"), "4");
}

TEST_F(KubeClientTest, MergeJsonAndStrategicMergePatches) {
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "p", {{"a", "1"}, {"b", "2"}}), {}).ok());
  auto merged = client().Patch(kConfigMap, ns(), "p", kube::PatchType::kMerge,
                               {{"data", {{"a", nullptr}, {"c", "3"}}}}, {});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ((*merged)["data"], (Json{{"b", "2"}, {"c", "3"}}));

  auto jsonp = client().Patch(kConfigMap, ns(), "p", kube::PatchType::kJson,
                              Json::parse(R"([{"op":"test","path":"/data/b","value":"2"},
                                              {"op":"replace","path":"/data/b","value":"20"}])"),
                              {});
  ASSERT_TRUE(jsonp.ok()) << jsonp.status().ToString();
  EXPECT_EQ(base::GetStringAt(*jsonp, "data/b"), "20");
  auto failed_test = client().Patch(kConfigMap, ns(), "p", kube::PatchType::kJson,
                                    Json::parse(R"([{"op":"test","path":"/data/b","value":"nope"}])"), {});
  EXPECT_FALSE(failed_test.ok());

  // Strategic merge merges containers by name; a merge patch would replace the list.
  ASSERT_TRUE(client().Create(Deployment(ns(), "web"), {}).ok());
  Json sm = Json::parse(R"({"spec":{"template":{"spec":{"containers":[
      {"name":"sidecar","image":"registry.k8s.io/pause:3.2"}]}}}})");
  auto smp = client().Patch(kDeployment, ns(), "web", kube::PatchType::kStrategicMerge, sm, {});
  ASSERT_TRUE(smp.ok()) << smp.status().ToString();
  std::set<std::string> containers;
  for (const Json& c : (*smp)["spec"]["template"]["spec"]["containers"]) containers.insert(base::GetString(c, "name"));
  EXPECT_EQ(containers, (std::set<std::string>{"main", "sidecar"}));
}

// The ReplicaSets that |deployment| owns (by ownerReferences uid) in |ns|.
int OwnedReplicaSets(kube::Client& c, const std::string& ns, const std::string& uid, int* orphans = nullptr) {
  auto list = c.List(kReplicaSet, ns, {});
  if (!list.ok()) return -1;
  int owned = 0;
  if (orphans) *orphans = 0;
  for (const Json& rs : list->items) {
    bool mine = false;
    for (const Json& ref : rs["metadata"].value("ownerReferences", Json::array())) {
      if (base::GetString(ref, "uid") == uid) mine = true;
    }
    if (mine) {
      ++owned;
    } else if (orphans) {
      ++*orphans;
    }
  }
  return owned;
}

TEST_F(KubeClientTest, DeleteWithForegroundPropagationRemovesReplicaSetsAndOrphanKeepsThem) {
  auto fg = client().Create(Deployment(ns(), "fg"), {});
  auto orph = client().Create(Deployment(ns(), "orph"), {});
  ASSERT_TRUE(fg.ok() && orph.ok());
  std::string fg_uid = base::GetStringAt(*fg, "metadata/uid");
  std::string orph_uid = base::GetStringAt(*orph, "metadata/uid");
  ASSERT_TRUE(WaitFor([&] { return OwnedReplicaSets(client(), ns(), fg_uid) == 1 &&
                                   OwnedReplicaSets(client(), ns(), orph_uid) == 1; }, 60s))
      << "the deployment controller made no ReplicaSets";

  kube::DeleteOptions foreground;
  foreground.propagation_policy = "Foreground";
  ASSERT_TRUE(client().Delete(kDeployment, ns(), "fg", foreground).ok());
  EXPECT_TRUE(WaitFor([&] { return client().Get(kDeployment, ns(), "fg").status().IsNotFound(); }, 60s));
  EXPECT_EQ(OwnedReplicaSets(client(), ns(), fg_uid), 0);

  kube::DeleteOptions orphan;
  orphan.propagation_policy = "Orphan";
  ASSERT_TRUE(client().Delete(kDeployment, ns(), "orph", orphan).ok());
  EXPECT_TRUE(WaitFor([&] { return client().Get(kDeployment, ns(), "orph").status().IsNotFound(); }, 60s));
  // The orphaned ReplicaSet stays, its owner reference removed.
  int orphans = 0;
  EXPECT_TRUE(WaitFor([&] { return OwnedReplicaSets(client(), ns(), orph_uid, &orphans) == 0 && orphans == 1; }, 30s));
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(OwnedReplicaSets(client(), ns(), orph_uid, &orphans), 0);
  EXPECT_EQ(orphans, 1);
}

TEST_F(KubeClientTest, DeleteWithAMismatchedUidPreconditionIsConflict) {
  auto cm = client().Create(ConfigMap(ns(), "pre"), {});
  ASSERT_TRUE(cm.ok());
  kube::DeleteOptions wrong;
  wrong.precondition_uid = "00000000-0000-0000-0000-000000000000";
  auto s = client().Delete(kConfigMap, ns(), "pre", wrong);
  EXPECT_EQ(s.code(), StatusCode::kConflict) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("ConfigMap " + ns() + "/pre"));
  EXPECT_TRUE(client().Get(kConfigMap, ns(), "pre").ok());
  kube::DeleteOptions stale_rv;
  stale_rv.precondition_resource_version = "1";
  EXPECT_EQ(client().Delete(kConfigMap, ns(), "pre", stale_rv).code(), StatusCode::kConflict);
  kube::DeleteOptions right;
  right.precondition_uid = base::GetStringAt(*cm, "metadata/uid");
  right.grace_period_seconds = 0;
  EXPECT_TRUE(client().Delete(kConfigMap, ns(), "pre", right).ok());
  EXPECT_TRUE(client().Get(kConfigMap, ns(), "pre").status().IsNotFound());
  EXPECT_TRUE(client().Delete(kConfigMap, ns(), "pre", {}).IsNotFound());
}

TEST_F(KubeClientTest, DryRunWritesPersistNothing) {
  kube::WriteOptions dry;
  dry.dry_run = true;
  auto created = client().Create(ConfigMap(ns(), "dry", {{"k", "v"}}), dry);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(base::GetStringAt(*created, "data/k"), "v");  // the object as it would be
  EXPECT_TRUE(client().Get(kConfigMap, ns(), "dry").status().IsNotFound());

  kube::ApplyOptions dry_apply;
  dry_apply.dry_run = true;
  ASSERT_TRUE(client().Apply(ConfigMap(ns(), "dry", {{"k", "v"}}), dry_apply).ok());
  EXPECT_TRUE(client().Get(kConfigMap, ns(), "dry").status().IsNotFound());

  auto real = client().Create(ConfigMap(ns(), "real", {{"k", "v"}}), {});
  ASSERT_TRUE(real.ok());
  std::string rv = base::GetStringAt(*real, "metadata/resourceVersion");
  auto patched = client().Patch(kConfigMap, ns(), "real", kube::PatchType::kMerge, {{"data", {{"k", "changed"}}}}, dry);
  ASSERT_TRUE(patched.ok()) << patched.status().ToString();
  EXPECT_EQ(base::GetStringAt(*patched, "data/k"), "changed");
  auto applied = client().Apply(ConfigMap(ns(), "real", {{"k", "applied"}}), dry_apply);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  Json upd = *real;
  upd["data"]["k"] = "updated";
  ASSERT_TRUE(client().Update(upd, dry).ok());
  kube::DeleteOptions dry_delete;
  dry_delete.dry_run = true;
  ASSERT_TRUE(client().Delete(kConfigMap, ns(), "real", dry_delete).ok());

  auto after = client().Get(kConfigMap, ns(), "real");
  ASSERT_TRUE(after.ok()) << "a dry-run delete deleted: " << after.status().ToString();
  EXPECT_EQ(base::GetStringAt(*after, "data/k"), "v");
  EXPECT_EQ(base::GetStringAt(*after, "metadata/resourceVersion"), rv);
}

TEST_F(KubeClientTest, StatusIsWrittenThroughTheStatusSubresourceOnly) {
  // The service controller is off in the local cluster, so nothing else writes a Service's status.
  Json svc = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"lb","namespace":")" + ns() +
                         R"("},"spec":{"type":"LoadBalancer","ports":[{"port":80,"protocol":"TCP"}]}})");
  ASSERT_TRUE(client().Create(svc, {}).ok());
  Json status_patch = Json::parse(R"({"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.7"}]}}})");
  // Through the main resource, status changes are ignored.
  auto main = client().Patch(kService, ns(), "lb", kube::PatchType::kMerge, status_patch, {});
  ASSERT_TRUE(main.ok()) << main.status().ToString();
  EXPECT_EQ(base::GetStringAt(*main, "status/loadBalancer/ingress"), "");
  EXPECT_FALSE((*main)["status"]["loadBalancer"].contains("ingress"));
  // Through status, they stick.
  kube::WriteOptions status;
  status.subresource = "status";
  auto sub = client().Patch(kService, ns(), "lb", kube::PatchType::kMerge, status_patch, status);
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  auto got = client().Get(kService, ns(), "lb");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["status"]["loadBalancer"]["ingress"][0]["ip"], "192.0.2.7");
  // Update (PUT) and apply on the subresource as well.
  Json full = *got;
  full["status"]["loadBalancer"]["ingress"][0]["ip"] = "192.0.2.8";
  auto put = client().Update(full, status);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ((*put)["status"]["loadBalancer"]["ingress"][0]["ip"], "192.0.2.8");
  kube::ApplyOptions apply_status;
  apply_status.subresource = "status";
  apply_status.field_manager = "lb-controller";
  Json applied = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"lb","namespace":")" + ns() +
                             R"("},"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.9"}]}}})");
  auto ap = client().Apply(applied, apply_status);
  ASSERT_TRUE(ap.ok()) << ap.status().ToString();
  EXPECT_EQ((*ap)["status"]["loadBalancer"]["ingress"][0]["ip"], "192.0.2.9");
}

TEST_F(KubeClientTest, InvalidObjectIsInvalidArgumentWithFieldCauses) {
  Json bad = ConfigMap(ns(), "Not_A_Valid_Name");
  auto r = client().Create(bad, {});
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  EXPECT_THAT(r.status().message(), HasSubstr("ConfigMap " + ns() + "/Not_A_Valid_Name"));
  EXPECT_THAT(r.status().message(), HasSubstr("metadata.name"));
  const kube::ApiError* e = kube::ApiErrorOf(r.status());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->code, 422);
  EXPECT_EQ(e->reason, "Invalid");
  ASSERT_FALSE(e->causes.empty());
  EXPECT_EQ(e->causes[0].field, "metadata.name");

  // A Deployment whose selector does not match its template: a cause on spec.template.
  Json dep = Deployment(ns(), "mismatch");
  dep["spec"]["template"]["metadata"]["labels"]["app"] = "other";
  auto d = client().Create(dep, {});
  ASSERT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(d.status().message(), HasSubstr("apps/Deployment " + ns() + "/mismatch"));
  EXPECT_THAT(d.status().message(), HasSubstr("spec.template.metadata.labels"));
}

TEST_F(KubeClientTest, MissingObjectIsNotFoundWithTheServersMessage) {
  auto r = client().Get(kConfigMap, ns(), "nope");
  ASSERT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("ConfigMap " + ns() + "/nope"));
  EXPECT_THAT(r.status().message(), HasSubstr("configmaps \"nope\" not found"));
  EXPECT_EQ(kube::ApiErrorOf(r.status())->reason, "NotFound");
  auto p = client().Patch(kDeployment, ns(), "ghost", kube::PatchType::kMerge, {{"metadata", {{"labels", {{"a", "b"}}}}}}, {});
  EXPECT_EQ(p.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(p.status().message(), HasSubstr("apps/Deployment " + ns() + "/ghost"));
}

TEST_F(KubeClientTest, UnknownKindsAreNotFound) {
  auto kind = client().Resolve({"apps", "v1", "NoSuchKind"});
  EXPECT_EQ(kind.status().code(), StatusCode::kNotFound) << kind.status().ToString();
  auto group = client().Get({"nope.capstan.dev", "v1", "Thing"}, ns(), "x");
  EXPECT_EQ(group.status().code(), StatusCode::kNotFound) << group.status().ToString();
  EXPECT_THAT(group.status().message(), HasSubstr("nope.capstan.dev/v1"));
  auto ok = client().Resolve(kDeployment);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->resource, "deployments");
  EXPECT_TRUE(ok->namespaced);
  auto ns_res = client().Resolve(kNamespace);
  ASSERT_TRUE(ns_res.ok());
  EXPECT_FALSE(ns_res->namespaced);
}

// A namespaced CRD |plural|.|group| of |kind|, served at v1.
Json Crd(const std::string& group, const std::string& plural, const std::string& kind) {
  return Json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": ")" + plural + "." + group + R"("},
    "spec": {
      "group": ")" + group + R"(", "scope": "Namespaced",
      "names": {"plural": ")" + plural + R"(", "kind": ")" + kind + R"(", "listKind": ")" + kind + R"(List"},
      "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]
    }})");
}

TEST_F(KubeClientTest, ACrdBecomesUsableOnceEstablished) {
  // A group of this test's own (CRDs are cluster-scoped and outlive the namespace).
  std::string group = ns() + ".capstan.dev";
  core::Gvk widget{group, "v1", "Widget"};
  core::Gvk gadget{group, "v1", "Gadget"};
  struct Cleanup {
    kube::Client& c;
    std::vector<std::string> names;
    ~Cleanup() {
      for (const auto& n : names) (void)c.Delete(kCrd, "", n, {});
    }
  } cleanup{client(), {"widgets." + group, "gadgets." + group}};
  auto established = [&](const std::string& name) {
    auto got = client().Get(kCrd, "", name);
    if (!got.ok()) return false;
    for (const Json& c : (*got)["status"].value("conditions", Json::array())) {
      if (base::GetString(c, "type") == "Established" && base::GetString(c, "status") == "True") return true;
    }
    return false;
  };

  EXPECT_TRUE(client().Resolve(widget).status().IsNotFound());  // the group is not served yet
  ASSERT_TRUE(client().Create(Crd(group, "widgets", "Widget"), {}).ok());
  ASSERT_TRUE(WaitFor([&] { return established("widgets." + group); }, 30s));
  // Discovery of the new group-version can trail Established by a moment.
  ASSERT_TRUE(WaitFor([&] { return client().Resolve(widget).ok(); }, 10s));
  EXPECT_EQ(client().Resolve(widget)->resource, "widgets");

  // Now the group-version's list is cached without Gadget. A second CRD in the same group: the miss
  // on the cached list makes Resolve fetch it again.
  EXPECT_TRUE(client().Resolve(gadget).status().IsNotFound());
  ASSERT_TRUE(client().Create(Crd(group, "gadgets", "Gadget"), {}).ok());
  ASSERT_TRUE(WaitFor([&] { return established("gadgets." + group); }, 30s));
  ASSERT_TRUE(WaitFor([&] { return client().Resolve(gadget).ok(); }, 10s));
  EXPECT_EQ(client().Resolve(gadget)->resource, "gadgets");

  Json w = {{"apiVersion", group + "/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "w1"}, {"namespace", ns()}}},
            {"spec", {{"size", 3}}}};
  auto created = client().Create(w, {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto listed = client().List(widget, ns(), {});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(base::GetString(listed->items[0], "kind"), "Widget");
  EXPECT_EQ(base::GetString(listed->items[0], "apiVersion"), group + "/v1");
  EXPECT_EQ(base::GetStringAt(listed->items[0], "metadata/name"), "w1");

  // InvalidateDiscovery forgets; the next Resolve asks again and still finds it.
  client().InvalidateDiscovery();
  EXPECT_TRUE(client().Resolve(widget).ok());
}

TEST_F(KubeClientTest, ConcurrentGetsShareABoundedPoolOfConnections) {
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "hot", {{"k", "v"}}), {}).ok());
  kube::RestConfig config = TestRestConfig();
  config.max_connections = 8;
  config.qps = 0;  // measure the pool, not the limiter
  auto made = kube::RestClient::Create(config);
  ASSERT_TRUE(made.ok());
  kube::RestClient& c = **made;
  std::atomic<int> ok{0};
  std::vector<std::string> errors(50);
  std::vector<std::thread> threads;
  for (int t = 0; t < 50; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 4; ++i) {
        auto r = c.Get(kConfigMap, ns(), "hot");
        if (r.ok() && base::GetStringAt(*r, "data/k") == "v") {
          ++ok;
        } else {
          errors[t] = r.status().ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 200);
  for (const auto& e : errors) EXPECT_EQ(e, "");
  kube::TransportStats stats = c.stats();
  EXPECT_GE(stats.requests, 200);
  EXPECT_GE(stats.connections_opened, 1);
  EXPECT_LE(stats.connections_opened, 8) << "connections were not reused";
  EXPECT_EQ(stats.retries, 0);
}

}  // namespace
}  // namespace capstan::testing
