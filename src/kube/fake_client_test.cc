// Copyright 2026 The capstan Authors.

#include "kube/fake_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "kube/api_error.h"

namespace capstan::kube {
namespace {

using base::StatusCode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

const core::Gvk kConfigMap{"", "v1", "ConfigMap"};
const core::Gvk kDeployment{"apps", "v1", "Deployment"};
const core::Gvk kNamespace{"", "v1", "Namespace"};
const core::Gvk kPod{"", "v1", "Pod"};

Json ConfigMap(const std::string& ns, const std::string& name, Json data = Json::object()) {
  Json md = {{"name", name}};
  if (!ns.empty()) md["namespace"] = ns;
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", md}, {"data", std::move(data)}};
}

Json Deployment(const std::string& ns, const std::string& name, int replicas) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"replicas", replicas}}}};
}

std::string Rv(const Json& obj) { return base::GetStringAt(obj, "metadata/resourceVersion"); }

TEST(FakeClientTest, ResolvesBuiltinKindsAndAddedOnes) {
  FakeClient c;
  auto res = c.Resolve(kDeployment);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->resource, "deployments");
  EXPECT_TRUE(res->namespaced);
  res = c.Resolve(kNamespace);
  ASSERT_TRUE(res.ok());
  EXPECT_FALSE(res->namespaced);
  for (const core::Gvk& g : {core::Gvk{"batch", "v1beta1", "CronJob"}, core::Gvk{"policy", "v1beta1", "PodDisruptionBudget"},
                             core::Gvk{"autoscaling", "v2beta2", "HorizontalPodAutoscaler"},
                             core::Gvk{"argoproj.io", "v1alpha1", "Application"},
                             core::Gvk{"coordination.k8s.io", "v1", "Lease"},
                             core::Gvk{"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"}}) {
    EXPECT_TRUE(c.Resolve(g).ok()) << g.ToString();
  }

  core::Gvk widget{"example.com", "v1", "Widget"};
  auto missing = c.Resolve(widget);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "the server does not serve example.com/v1, Kind=Widget");
  auto get = c.Get(widget, "ns", "w");
  EXPECT_EQ(get.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(get.status().message(), "example.com/Widget ns/w: the server does not serve example.com/v1, Kind=Widget");

  c.AddKind(ApiResource{widget, "widgets", false, {"get"}});
  res = c.Resolve(widget);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->resource, "widgets");
  EXPECT_FALSE(res->namespaced);
}

TEST(FakeClientTest, CreateSetsServerMetadata) {
  FakeClient c("team");
  auto created = c.Create(ConfigMap("", "cfg", {{"k", "v"}}), {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const Json& md = (*created)["metadata"];
  EXPECT_EQ(md["namespace"], "team");  // the default namespace
  EXPECT_EQ(md["uid"].get<std::string>().size(), 36u);
  EXPECT_EQ(md["resourceVersion"], "1");
  EXPECT_EQ(md["generation"], 1);
  EXPECT_EQ(md["creationTimestamp"].get<std::string>().size(), 20u);  // 2026-01-02T03:04:05Z
  auto got = c.Get(kConfigMap, "team", "cfg");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, *created);

  auto second = c.Create(ConfigMap("team", "other"), {});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Rv(*second), "2");
  EXPECT_NE((*second)["metadata"]["uid"], md["uid"]);
  EXPECT_EQ(c.resource_version(), 2);

  // Cluster-scoped: no namespace kept.
  auto ns = c.Create({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "prod"}, {"namespace", "x"}}}}, {});
  ASSERT_TRUE(ns.ok());
  EXPECT_FALSE((*ns)["metadata"].contains("namespace"));
  EXPECT_EQ((*ns)["status"]["phase"], "Active");
}

TEST(FakeClientTest, ErrorsHaveTheServersCodesAndMessages) {
  FakeClient c;
  ASSERT_TRUE(c.Create(ConfigMap("ns", "x"), {}).ok());
  auto dup = c.Create(ConfigMap("ns", "x"), {});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), "create ConfigMap ns/x: configmaps \"x\" already exists");
  const ApiError* e = ApiErrorOf(dup.status());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->code, 409);
  EXPECT_EQ(e->reason, "AlreadyExists");

  auto missing = c.Get(kDeployment, "ns", "web");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "apps/Deployment ns/web: deployments.apps \"web\" not found");
  ASSERT_NE(ApiErrorOf(missing.status()), nullptr);
  EXPECT_EQ(ApiErrorOf(missing.status())->code, 404);

  Json stale = ConfigMap("ns", "x", {{"a", "b"}});
  stale["metadata"]["resourceVersion"] = "0";
  auto conflict = c.Update(stale, {});
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), StatusCode::kConflict);
  EXPECT_EQ(conflict.status().message(),
            "update ConfigMap ns/x: Operation cannot be fulfilled on configmaps \"x\": the object has been modified; "
            "please apply your changes to the latest version and try again");

  auto unnamed = c.Create(ConfigMap("ns", ""), {});
  ASSERT_FALSE(unnamed.ok());
  EXPECT_EQ(unnamed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unnamed.status().message(), HasSubstr("name or generateName is required"));

  Json with_rv = ConfigMap("ns", "y");
  with_rv["metadata"]["resourceVersion"] = "3";
  EXPECT_EQ(c.Create(with_rv, {}).status().code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(c.Update(ConfigMap("ns", "absent"), {}).status().code(), StatusCode::kNotFound);
}

TEST(FakeClientTest, GenerateName) {
  FakeClient c;
  Json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"generateName", "hook-"}, {"namespace", "ns"}}}};
  auto a = c.Create(pod, {});
  auto b = c.Create(pod, {});
  ASSERT_TRUE(a.ok() && b.ok());
  std::string na = (*a)["metadata"]["name"], nb = (*b)["metadata"]["name"];
  EXPECT_THAT(na, StartsWith("hook-"));
  EXPECT_EQ(na.size(), 10u);
  EXPECT_NE(na, nb);
  EXPECT_TRUE(c.Get(kPod, "ns", na).ok());
  EXPECT_EQ((*a)["status"]["phase"], "Pending");
  EXPECT_EQ(c.requests()[0], "CREATE Pod ns/hook-*");
}

TEST(FakeClientTest, UpdateBumpsVersionsOnlyOnChange) {
  FakeClient c;
  auto d = c.Create(Deployment("ns", "web", 1), {});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)["metadata"]["generation"], 1);

  // Same content: a no-op keeps the resourceVersion.
  auto same = c.Update(*d, {});
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(Rv(*same), Rv(*d));
  EXPECT_EQ(c.resource_version(), 1);

  // A label: new resourceVersion, same generation.
  Json labelled = *same;
  labelled["metadata"]["labels"] = {{"app", "web"}};
  auto l = c.Update(labelled, {});
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(Rv(*l), "2");
  EXPECT_EQ((*l)["metadata"]["generation"], 1);

  // The spec: generation + 1. A blind update (no resourceVersion) is allowed.
  Json scaled = Deployment("ns", "web", 3);
  auto s = c.Update(scaled, {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Rv(*s), "3");
  EXPECT_EQ((*s)["metadata"]["generation"], 2);
  EXPECT_EQ((*s)["metadata"]["uid"], (*d)["metadata"]["uid"]);
  EXPECT_EQ((*s)["metadata"]["creationTimestamp"], (*d)["metadata"]["creationTimestamp"]);
  EXPECT_FALSE((*s)["metadata"].contains("labels"));  // replaced whole

  // Dry run: the answer, nothing stored.
  auto dry = c.Update(Deployment("ns", "web", 7), {.dry_run = true});
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ((*dry)["spec"]["replicas"], 7);
  EXPECT_EQ((*c.Get(kDeployment, "ns", "web"))["spec"]["replicas"], 3);
  EXPECT_EQ(c.resource_version(), 3);
}

TEST(FakeClientTest, StatusSubresource) {
  FakeClient c;
  Json d = Deployment("ns", "web", 1);
  d["status"] = {{"readyReplicas", 5}};
  auto created = c.Create(d, {});
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(created->contains("status"));  // the server ignores status on create

  Json st = *created;
  st["status"] = {{"readyReplicas", 1}};
  st["spec"]["replicas"] = 9;  // ignored by a status write
  auto after = c.Update(st, {.subresource = "status"});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ((*after)["status"]["readyReplicas"], 1);
  EXPECT_EQ((*after)["spec"]["replicas"], 1);
  EXPECT_EQ((*after)["metadata"]["generation"], 1);
  EXPECT_EQ(c.requests().back(), "UPDATE apps/Deployment ns/web subresource=status");

  // A main-resource write keeps the live status.
  Json main = *after;
  main["status"] = {{"readyReplicas", 100}};
  main["spec"]["replicas"] = 2;
  auto m = c.Update(main, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)["status"]["readyReplicas"], 1);
  EXPECT_EQ((*m)["metadata"]["generation"], 2);

  auto p = c.Patch(kDeployment, "ns", "web", PatchType::kMerge, {{"status", {{"readyReplicas", 2}}}},
                   {.subresource = "status"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)["status"]["readyReplicas"], 2);

  // ConfigMaps have no status subresource.
  ASSERT_TRUE(c.Create(ConfigMap("ns", "cm"), {}).ok());
  auto none = c.Update(ConfigMap("ns", "cm"), {.subresource = "status"});
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
}

TEST(FakeClientTest, ApplyCreatesThenMerges) {
  FakeClient c;
  Json d = Deployment("ns", "web", 1);
  d["metadata"]["labels"] = {{"a", "1"}};
  d["spec"]["template"] = {{"metadata", {{"labels", {{"app", "web"}}}}}};
  auto dry = c.Apply(d, {.dry_run = true});
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(Rv(*dry), "");
  EXPECT_EQ(c.Get(kDeployment, "ns", "web").status().code(), StatusCode::kNotFound);

  auto created = c.Apply(d, {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(Rv(*created), "1");

  // Re-applying the same manifest changes nothing.
  auto again = c.Apply(d, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Rv(*again), "1");

  Json change = Deployment("ns", "web", 4);
  change["metadata"]["labels"] = {{"b", "2"}};
  auto merged = c.Apply(change, {});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ((*merged)["spec"]["replicas"], 4);
  EXPECT_EQ((*merged)["metadata"]["labels"], Json({{"a", "1"}, {"b", "2"}}));  // no field ownership
  EXPECT_EQ((*merged)["spec"]["template"]["metadata"]["labels"]["app"], "web");
  EXPECT_EQ((*merged)["metadata"]["generation"], 2);

  Json stale = change;
  stale["metadata"]["resourceVersion"] = "1";
  EXPECT_EQ(c.Apply(stale, {}).status().code(), StatusCode::kConflict);

  Json unnamed = Deployment("ns", "", 1);
  EXPECT_EQ(c.Apply(unnamed, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(FakeClientTest, PatchTypes) {
  FakeClient c;
  ASSERT_TRUE(c.Create(ConfigMap("ns", "cm", {{"a", "1"}, {"b", "2"}}), {}).ok());

  auto merged = c.Patch(kConfigMap, "ns", "cm", PatchType::kMerge, {{"data", {{"a", nullptr}, {"c", "3"}}}}, {});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ((*merged)["data"], Json({{"b", "2"}, {"c", "3"}}));

  auto strategic = c.Patch(kConfigMap, "ns", "cm", PatchType::kStrategicMerge, {{"data", {{"d", "4"}}}}, {});
  ASSERT_TRUE(strategic.ok());
  EXPECT_EQ((*strategic)["data"]["d"], "4");

  Json ops = Json::array({{{"op", "replace"}, {"path", "/data/b"}, {"value", "20"}}, {{"op", "remove"}, {"path", "/data/c"}}});
  auto json = c.Patch(kConfigMap, "ns", "cm", PatchType::kJson, ops, {});
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ((*json)["data"], Json({{"b", "20"}, {"d", "4"}}));

  Json failing = Json::array({{{"op", "test"}, {"path", "/data/b"}, {"value", "nope"}}});
  auto bad = c.Patch(kConfigMap, "ns", "cm", PatchType::kJson, failing, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApiErrorOf(bad.status())->code, 422);

  auto dry = c.Patch(kConfigMap, "ns", "cm", PatchType::kMerge, {{"data", {{"z", "9"}}}}, {.dry_run = true});
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ((*dry)["data"]["z"], "9");
  EXPECT_FALSE((*c.Get(kConfigMap, "ns", "cm"))["data"].contains("z"));

  auto stale = c.Patch(kConfigMap, "ns", "cm", PatchType::kMerge, {{"metadata", {{"resourceVersion", "1"}}}}, {});
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict);

  auto missing = c.Patch(kConfigMap, "ns", "gone", PatchType::kMerge, {{"data", {{"a", "b"}}}}, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "patch ConfigMap ns/gone: configmaps \"gone\" not found");
}

TEST(FakeClientTest, DeleteWithFinalizersWaitsForThem) {
  FakeClient c;
  Json cm = ConfigMap("ns", "held");
  cm["metadata"]["finalizers"] = {"example.com/cleanup"};
  ASSERT_TRUE(c.Create(cm, {}).ok());

  ASSERT_TRUE(c.Delete(kConfigMap, "ns", "held", {}).ok());
  auto terminating = c.Get(kConfigMap, "ns", "held");
  ASSERT_TRUE(terminating.ok());
  EXPECT_TRUE((*terminating)["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(Rv(*terminating), "2");
  ASSERT_TRUE(c.Delete(kConfigMap, "ns", "held", {}).ok());  // again: accepted, nothing new
  EXPECT_EQ(c.resource_version(), 2);

  // Emptying the finalizers completes the deletion.
  auto p = c.Patch(kConfigMap, "ns", "held", PatchType::kMerge, {{"metadata", {{"finalizers", nullptr}}}}, {});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(c.Get(kConfigMap, "ns", "held").status().code(), StatusCode::kNotFound);

  auto again = c.Delete(kConfigMap, "ns", "held", {});
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_EQ(again.message(), "delete ConfigMap ns/held: configmaps \"held\" not found");
}

TEST(FakeClientTest, DeletePreconditionsAndDryRun) {
  FakeClient c;
  auto cm = c.Create(ConfigMap("ns", "x"), {});
  ASSERT_TRUE(cm.ok());
  DeleteOptions wrong_uid;
  wrong_uid.precondition_uid = "not-the-uid";
  Status s = c.Delete(kConfigMap, "ns", "x", wrong_uid);
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_THAT(s.message(), HasSubstr("Precondition failed: UID in precondition: not-the-uid"));
  DeleteOptions wrong_rv;
  wrong_rv.precondition_resource_version = "99";
  EXPECT_EQ(c.Delete(kConfigMap, "ns", "x", wrong_rv).code(), StatusCode::kConflict);

  DeleteOptions dry;
  dry.dry_run = true;
  ASSERT_TRUE(c.Delete(kConfigMap, "ns", "x", dry).ok());
  EXPECT_TRUE(c.Get(kConfigMap, "ns", "x").ok());

  DeleteOptions right;
  right.precondition_uid = (*cm)["metadata"]["uid"].get<std::string>();
  right.precondition_resource_version = Rv(*cm);
  ASSERT_TRUE(c.Delete(kConfigMap, "ns", "x", right).ok());
  EXPECT_EQ(c.Get(kConfigMap, "ns", "x").status().code(), StatusCode::kNotFound);
}

TEST(FakeClientTest, GarbageCollectionAndNamespaceDeletion) {
  FakeClient c;
  auto owner = c.Create(Deployment("ns", "web", 1), {});
  ASSERT_TRUE(owner.ok());
  Json ref = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}, {"uid", (*owner)["metadata"]["uid"]}};
  Json rs = {{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"metadata", {{"name", "web-1"}, {"namespace", "ns"}, {"ownerReferences", {ref}}}}};
  ASSERT_TRUE(c.Create(rs, {}).ok());
  ASSERT_TRUE(c.Delete(kDeployment, "ns", "web", {}).ok());
  EXPECT_EQ(c.Get({"apps", "v1", "ReplicaSet"}, "ns", "web-1").status().code(), StatusCode::kNotFound);

  // Orphan: the dependent stays, without the owner reference.
  owner = c.Create(Deployment("ns", "web", 1), {});
  ref["uid"] = (*owner)["metadata"]["uid"];
  rs["metadata"]["ownerReferences"] = {ref};
  ASSERT_TRUE(c.Create(rs, {}).ok());
  DeleteOptions orphan;
  orphan.propagation_policy = "Orphan";
  ASSERT_TRUE(c.Delete(kDeployment, "ns", "web", orphan).ok());
  auto kept = c.Get({"apps", "v1", "ReplicaSet"}, "ns", "web-1");
  ASSERT_TRUE(kept.ok());
  EXPECT_FALSE((*kept)["metadata"].contains("ownerReferences"));
  EXPECT_EQ(c.requests().back(), "GET apps/ReplicaSet ns/web-1");
  EXPECT_EQ(c.requests()[c.requests().size() - 2], "DELETE apps/Deployment ns/web propagation=Orphan");

  // Removing a namespace removes what is in it.
  ASSERT_TRUE(c.Create({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "ns"}}}}, {}).ok());
  ASSERT_TRUE(c.Create(ConfigMap("other", "stays"), {}).ok());
  ASSERT_TRUE(c.Delete(kNamespace, "", "ns", {}).ok());
  EXPECT_EQ(c.Get({"apps", "v1", "ReplicaSet"}, "ns", "web-1").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(c.Get(kConfigMap, "other", "stays").ok());
}

TEST(FakeClientTest, CrdRegistersItsKind) {
  FakeClient c;
  core::Gvk widget{"example.com", "v1", "Widget"};
  EXPECT_EQ(c.Resolve(widget).status().code(), StatusCode::kNotFound);
  Json crd = {{"apiVersion", "apiextensions.k8s.io/v1"},
              {"kind", "CustomResourceDefinition"},
              {"metadata", {{"name", "widgets.example.com"}}},
              {"spec",
               {{"group", "example.com"},
                {"scope", "Namespaced"},
                {"names", {{"kind", "Widget"}, {"plural", "widgets"}, {"singular", "widget"}}},
                {"versions",
                 {{{"name", "v1"}, {"served", true}, {"storage", true}, {"subresources", {{"status", Json::object()}}}},
                  {{"name", "v0"}, {"served", false}, {"storage", false}}}}}}};
  auto created = c.Create(crd, {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  bool established = false;
  for (const Json& cond : (*created)["status"]["conditions"]) {
    established = established || (cond["type"] == "Established" && cond["status"] == "True");
  }
  EXPECT_TRUE(established);
  auto res = c.Resolve(widget);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->resource, "widgets");
  EXPECT_TRUE(res->namespaced);
  EXPECT_FALSE(c.Resolve({"example.com", "v0", "Widget"}).ok());  // not served

  Json w = {{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "w"}, {"namespace", "ns"}}}};
  ASSERT_TRUE(c.Create(w, {}).ok());
  auto missing = c.Get(widget, "ns", "nope");
  EXPECT_EQ(missing.status().message(), "example.com/Widget ns/nope: widgets.example.com \"nope\" not found");

  ASSERT_TRUE(c.Delete({"apiextensions.k8s.io", "v1", "CustomResourceDefinition"}, "", "widgets.example.com", {}).ok());
  EXPECT_EQ(c.Resolve(widget).status().code(), StatusCode::kNotFound);
  c.AddKind(*res, true);
  EXPECT_EQ(c.Get(widget, "ns", "w").status().code(), StatusCode::kNotFound);  // its objects went with it
}

TEST(FakeClientTest, ListFiltersAndPages) {
  FakeClient c;
  for (const char* ns : {"a", "b"}) {
    for (int i = 0; i < 3; ++i) {
      Json cm = ConfigMap(ns, "cm" + std::to_string(i));
      cm["metadata"]["labels"] = {{"tier", i == 0 ? "web" : "db"}};
      ASSERT_TRUE(c.Create(cm, {}).ok());
    }
  }
  ASSERT_TRUE(c.Create(Deployment("a", "d", 1), {}).ok());

  auto all = c.List(kConfigMap, "", {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->items.size(), 6u);
  EXPECT_EQ(all->resource_version, "7");
  EXPECT_EQ(all->items[0]["apiVersion"], "v1");
  EXPECT_EQ(all->items[0]["kind"], "ConfigMap");

  auto in_a = c.List(kConfigMap, "a", {});
  ASSERT_TRUE(in_a.ok());
  EXPECT_EQ(in_a->items.size(), 3u);

  auto web = c.List(kConfigMap, "", {.label_selector = "tier=web"});
  ASSERT_TRUE(web.ok());
  EXPECT_EQ(web->items.size(), 2u);
  auto by_name = c.List(kConfigMap, "", {.field_selector = "metadata.name=cm2,metadata.namespace=b"});
  ASSERT_TRUE(by_name.ok());
  ASSERT_EQ(by_name->items.size(), 1u);
  EXPECT_EQ(by_name->items[0]["metadata"]["namespace"], "b");

  std::vector<std::string> names;
  ListOptions page{.limit = 4};
  int pages = 0;
  while (true) {
    auto r = c.List(kConfigMap, "", page);
    ASSERT_TRUE(r.ok());
    ++pages;
    for (const Json& item : r->items) names.push_back(base::GetStringAt(item, "metadata/namespace") + "/" + base::GetStringAt(item, "metadata/name"));
    if (r->continue_token.empty()) break;
    page.continue_token = r->continue_token;
  }
  EXPECT_EQ(pages, 2);
  EXPECT_THAT(names, ElementsAre("a/cm0", "a/cm1", "a/cm2", "b/cm0", "b/cm1", "b/cm2"));

  auto bad = c.List(kConfigMap, "", {.label_selector = "tier in (web"});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(c.requests().back(), "LIST ConfigMap");
}

TEST(FakeClientTest, ObjectsComeBackInTheVersionAsked) {
  FakeClient c;
  Json cj = {{"apiVersion", "batch/v1beta1"}, {"kind", "CronJob"}, {"metadata", {{"name", "nightly"}, {"namespace", "ns"}}},
             {"spec", {{"schedule", "0 0 * * *"}}}};
  ASSERT_TRUE(c.Create(cj, {}).ok());
  auto v1 = c.Get({"batch", "v1", "CronJob"}, "ns", "nightly");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ((*v1)["apiVersion"], "batch/v1");
  EXPECT_EQ((*v1)["spec"]["schedule"], "0 0 * * *");
}

TEST(FakeClientTest, WatchReplaysThenFollows) {
  FakeClient c;
  ASSERT_TRUE(c.Create(ConfigMap("ns", "one"), {}).ok());           // rv 1
  ASSERT_TRUE(c.Create(ConfigMap("ns", "two"), {}).ok());           // rv 2
  ASSERT_TRUE(c.Create(ConfigMap("elsewhere", "three"), {}).ok());  // rv 3
  ASSERT_TRUE(c.Delete(kConfigMap, "ns", "one", {}).ok());          // rv 4

  std::vector<std::string> seen;
  auto record = [&](const WatchEvent& ev) {
    static const char* kNames[] = {"ADDED", "MODIFIED", "DELETED", "BOOKMARK"};
    seen.push_back(std::string(kNames[static_cast<int>(ev.type)]) + " " + base::GetStringAt(ev.object, "metadata/name") +
                   "@" + Rv(ev.object));
    return seen.size() < 2;
  };
  Status s = c.Watch(kConfigMap, "ns", {.resource_version = "1"}, record, {});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_THAT(seen, ElementsAre("ADDED two@2", "DELETED one@4"));

  // From "": what exists now, as ADDED.
  seen.clear();
  s = c.Watch(kConfigMap, "", {.resource_version = ""}, record, {});
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(seen, ElementsAre("ADDED three@3", "ADDED two@2"));

  // Blocks for new events.
  seen.clear();
  std::thread writer([&] {
    while (c.active_watches() == 0) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(c.Create(ConfigMap("other-ns", "ignored"), {}).ok());
    ASSERT_TRUE(c.Patch(kConfigMap, "ns", "two", PatchType::kMerge, {{"data", {{"k", "v"}}}}, {}).ok());
    ASSERT_TRUE(c.Create(ConfigMap("ns", "four"), {}).ok());
  });
  s = c.Watch(kConfigMap, "ns", {.resource_version = "4"}, record, {});
  writer.join();
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(seen, ElementsAre("MODIFIED two@6", "ADDED four@7"));
  EXPECT_EQ(c.active_watches(), 0);
}

TEST(FakeClientTest, WatchStopsOnStopTimeoutAndClose) {
  FakeClient c;
  auto never = [](const WatchEvent&) { return true; };
  std::stop_source src;
  std::thread stopper([&] {
    while (c.active_watches() == 0) std::this_thread::sleep_for(1ms);
    src.request_stop();
  });
  Status s = c.Watch(kConfigMap, "ns", {}, never, src.get_token());
  stopper.join();
  EXPECT_EQ(s.code(), StatusCode::kCancelled);

  auto start = std::chrono::steady_clock::now();
  s = c.Watch(kConfigMap, "ns", {.timeout_seconds = 1}, never, {});
  EXPECT_TRUE(s.ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);

  std::thread closer([&] {
    while (c.active_watches() == 0) std::this_thread::sleep_for(1ms);
    c.CloseWatchesForTesting();
  });
  s = c.Watch(kConfigMap, "ns", {}, never, {});
  closer.join();
  EXPECT_TRUE(s.ok());
}

TEST(FakeClientTest, WatchFromACompactedVersionIsGone) {
  FakeClient c;
  ASSERT_TRUE(c.Create(ConfigMap("ns", "a"), {}).ok());
  ASSERT_TRUE(c.Create(ConfigMap("ns", "b"), {}).ok());
  c.CompactForTesting();
  Status s = c.Watch(kConfigMap, "ns", {.resource_version = "1"}, [](const WatchEvent&) { return false; }, {});
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(IsGone(s));
  EXPECT_EQ(s.message(), "watch ConfigMap in namespace ns: too old resource version: 1 (2)");

  // From the current version it works, and sees what comes next.
  ASSERT_TRUE(c.Create(ConfigMap("ns", "c"), {}).ok());
  std::string name;
  s = c.Watch(kConfigMap, "ns", {.resource_version = "2"},
              [&](const WatchEvent& ev) {
                name = base::GetStringAt(ev.object, "metadata/name");
                return false;
              },
              {});
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(name, "c");
}

TEST(FakeClientTest, WatchFiltersByLabel) {
  FakeClient c;
  Json a = ConfigMap("ns", "a");
  a["metadata"]["labels"] = {{"app", "x"}};
  ASSERT_TRUE(c.Create(ConfigMap("ns", "plain"), {}).ok());
  ASSERT_TRUE(c.Create(a, {}).ok());
  std::vector<std::string> names;
  Status s = c.Watch(kConfigMap, "", {.resource_version = "0", .label_selector = "app=x"},
                     [&](const WatchEvent& ev) {
                       names.push_back(base::GetStringAt(ev.object, "metadata/name"));
                       return false;
                     },
                     {});
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(names, ElementsAre("a"));
}

TEST(FakeClientTest, PodLogs) {
  FakeClient c;
  c.SetPodLogsForTesting("ns", "hook", "one\ntwo\nthree\n");
  auto all = c.PodLogs("ns", "hook", {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, "one\ntwo\nthree\n");
  auto tail = c.PodLogs("ns", "hook", {.tail_lines = 2});
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(*tail, "two\nthree\n");
  auto more = c.PodLogs("ns", "hook", {.tail_lines = 10});
  EXPECT_EQ(*more, "one\ntwo\nthree\n");
  auto limited = c.PodLogs("ns", "hook", {.limit_bytes = 5});
  EXPECT_EQ(*limited, "one\nt");
  auto missing = c.PodLogs("ns", "nope", {});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(c.requests().back(), "LOGS Pod ns/nope");
}

TEST(FakeClientTest, InjectedErrors) {
  FakeClient c;
  Status boom = StatusFromResponse(500, R"({"kind":"Status","message":"etcd is sad","reason":"InternalError","code":500})",
                                   "apply apps/Deployment ns/web");
  c.InjectError("APPLY", "apps/Deployment ns/web", boom, 1);
  auto first = c.Apply(Deployment("ns", "web", 1), {});
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(first.status().message(), "apply apps/Deployment ns/web: etcd is sad");
  EXPECT_EQ(c.Get(kDeployment, "ns", "web").status().code(), StatusCode::kNotFound);  // nothing happened
  EXPECT_TRUE(c.Apply(Deployment("ns", "web", 1), {}).ok());                          // only once

  // By kind, twice; other kinds and verbs unaffected.
  c.InjectError("CREATE", "ConfigMap", Status::PermissionDenied("forbidden"), 2);
  EXPECT_EQ(c.Create(ConfigMap("ns", "a"), {}).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(c.Apply(ConfigMap("ns", "b"), {}).ok());
  EXPECT_EQ(c.Create(ConfigMap("ns", "c"), {}).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(c.Create(ConfigMap("ns", "d"), {}).ok());

  // Every verb, forever.
  c.InjectError("*", "*", Status::Unavailable("connection refused"), -1);
  EXPECT_EQ(c.Get(kConfigMap, "ns", "d").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(c.List(kConfigMap, "ns", {}).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(c.Watch(kConfigMap, "ns", {}, [](const WatchEvent&) { return true; }, {}).code(), StatusCode::kUnavailable);
  EXPECT_EQ(c.Get(kConfigMap, "ns", "d").status().code(), StatusCode::kUnavailable);
}

TEST(FakeClientTest, RequestLog) {
  FakeClient c;
  ASSERT_TRUE(c.Apply(Deployment("ns", "web", 1), {.dry_run = true}).ok());
  ASSERT_TRUE(c.Apply(Deployment("ns", "web", 1), {}).ok());
  ASSERT_TRUE(c.Get(kDeployment, "ns", "web").ok());
  ASSERT_TRUE(c.Patch(kDeployment, "ns", "web", PatchType::kJson, Json::array(), {.dry_run = true}).ok());
  DeleteOptions fg;
  fg.propagation_policy = "Foreground";
  ASSERT_TRUE(c.Delete(kDeployment, "ns", "web", fg).ok());
  ASSERT_TRUE(c.List(kNamespace, "", {}).ok());
  ASSERT_TRUE(c.Create({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "prod"}}}}, {}).ok());
  EXPECT_THAT(c.requests(),
              ElementsAre("APPLY apps/Deployment ns/web dryRun", "APPLY apps/Deployment ns/web",
                          "GET apps/Deployment ns/web", "PATCH apps/Deployment ns/web json dryRun",
                          "DELETE apps/Deployment ns/web propagation=Foreground", "LIST Namespace",
                          "CREATE Namespace prod"));
  c.ClearRequests();
  EXPECT_TRUE(c.requests().empty());
}

TEST(FakeClientTest, ConcurrentWritersAndAWatcher) {
  FakeClient c;
  std::atomic<int> events{0};
  std::stop_source src;
  std::thread watcher([&] {
    Status s = c.Watch(kConfigMap, "", {.resource_version = "0"},
                       [&](const WatchEvent&) { return ++events < 400; }, src.get_token());
    EXPECT_TRUE(s.ok()) << s.ToString();
  });
  while (c.active_watches() == 0) std::this_thread::sleep_for(1ms);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&c, w] {
      for (int i = 0; i < 50; ++i) {
        std::string name = "cm-" + std::to_string(w) + "-" + std::to_string(i);
        EXPECT_TRUE(c.Create(ConfigMap("ns", name), {}).ok());
        EXPECT_TRUE(c.Patch(kConfigMap, "ns", name, PatchType::kMerge, {{"data", {{"i", std::to_string(i)}}}}, {}).ok());
      }
    });
  }
  for (auto& t : writers) t.join();
  watcher.join();
  EXPECT_EQ(events.load(), 400);
  EXPECT_EQ(c.resource_version(), 400);
  EXPECT_EQ(c.List(kConfigMap, "ns", {})->items.size(), 200u);
}

}  // namespace
}  // namespace capstan::kube
