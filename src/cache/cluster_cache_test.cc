// Copyright 2026 The capstan Authors.
//
// ClusterCache on kube::FakeClient: first lists, watch events, relists after 410, the tree, change
// callbacks, CRDs created and deleted after Start, the filter, the Start timeout.

#include "cache/cluster_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "kube/fake_client.h"

namespace capstan::cache {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kTracking[] = "argocd.argoproj.io/tracking-id";

// Polls |pred| until it holds or 5 s pass.
bool WaitFor(const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

base::Json Obj(std::string api_version, std::string kind, std::string name, std::string instance = "") {
  base::Json o = {{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", name}, {"namespace", "ns"}}}};
  if (!instance.empty()) {
    core::ResourceKey k = core::ResourceKey::Of(o);
    o["metadata"]["annotations"][kTracking] = instance + ":" + k.group + "/" + k.kind + ":ns/" + name;
  }
  return o;
}

base::Json OwnedBy(base::Json obj, const base::Json& owner) {
  obj["metadata"]["ownerReferences"] = {{{"apiVersion", owner["apiVersion"]},
                                         {"kind", owner["kind"]},
                                         {"name", owner["metadata"]["name"]},
                                         {"uid", owner["metadata"]["uid"]}}};
  return obj;
}

base::Json WidgetCrd() {
  return {{"apiVersion", "apiextensions.k8s.io/v1"},
          {"kind", "CustomResourceDefinition"},
          {"metadata", {{"name", "widgets.example.com"}}},
          {"spec",
           {{"group", "example.com"},
            {"scope", "Namespaced"},
            {"names", {{"kind", "Widget"}, {"plural", "widgets"}, {"singular", "widget"}}},
            {"versions", {{{"name", "v1"}, {"served", true}, {"storage", true}}}}}}};
}

// Records OnManagedChange calls as "instance key".
class Recorder {
 public:
  ClusterCache::ChangeHandler Handler() {
    return [this](const std::string& instance, const core::ResourceKey& key) {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(instance + " " + key.Display());
    };
  }
  std::vector<std::string> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  bool Saw(const std::string& call) const {
    return WaitFor([&] {
      auto c = calls();
      return std::find(c.begin(), c.end(), call) != c.end();
    });
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> calls_;
};

base::Json MustCreate(kube::FakeClient& client, const base::Json& obj) {
  auto created = client.Create(obj, {});
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  return created.ok() ? *created : base::Json();
}

// A cache with default options over a FakeClient, recording change calls.
class ClusterCacheTest : public ::testing::Test {
 protected:
  void StartCache() {
    cache_.OnManagedChange(rec_.Handler());
    base::Status s = cache_.Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  kube::FakeClient client_;
  Recorder rec_;  // outlives the cache, whose reflectors call it
  ClusterCache cache_{client_, CacheOptions{}};
};

TEST_F(ClusterCacheTest, FirstListKeepsManagedObjectsWholeAndOthersLean) {
  base::Json mine = Obj("v1", "ConfigMap", "mine", "app");
  mine["data"] = {{"k", "v"}};
  MustCreate(client_, mine);
  base::Json other = Obj("v1", "ConfigMap", "other");
  other["data"] = {{"k", "v"}};
  MustCreate(client_, other);
  MustCreate(client_, Obj("v1", "Event", "noise"));
  MustCreate(client_, Obj("apps/v1", "Deployment", "web", "app"));
  MustCreate(client_, Obj("apps/v1", "Deployment", "else", "app2"));

  StartCache();

  auto managed = cache_.ManagedBy("app");
  ASSERT_EQ(managed.size(), 2u);
  EXPECT_EQ(core::ResourceKey::Of(managed[0]).Display(), "ConfigMap ns/mine");
  EXPECT_EQ(managed[0]["data"]["k"], "v");
  EXPECT_EQ(core::ResourceKey::Of(managed[1]).Display(), "apps/Deployment ns/web");
  auto lean = cache_.Get({"", "ConfigMap", "ns", "other"});
  ASSERT_TRUE(lean.has_value());
  EXPECT_FALSE(lean->contains("data"));
  EXPECT_FALSE(cache_.Get({"", "Event", "ns", "noise"}).has_value());
  EXPECT_FALSE(cache_.Watches("", "Event"));
  EXPECT_TRUE(cache_.Watches("", "ConfigMap"));
  EXPECT_TRUE(cache_.Watches("apps", "Deployment"));

  CacheStats s = cache_.Stats();
  EXPECT_GT(s.kinds, 10);
  EXPECT_EQ(s.objects, 4);
  EXPECT_EQ(s.managed_objects, 3);
  EXPECT_GT(s.approx_bytes, 200);
  EXPECT_EQ(s.relists, 0);
  EXPECT_THAT(rec_.calls(), IsEmpty());  // first lists are not changes

  // No LIST after Start: reads are served from memory.
  client_.ClearRequests();
  cache_.ManagedBy("app");
  cache_.Get({"", "ConfigMap", "ns", "other"});
  for (const std::string& r : client_.requests()) EXPECT_THAT(r, ::testing::Not(HasSubstr("LIST"))) << r;
}

TEST_F(ClusterCacheTest, WatchEventsUpdateTheCacheAndCallBack) {
  StartCache();

  MustCreate(client_, Obj("v1", "ConfigMap", "cm", "app"));
  EXPECT_TRUE(rec_.Saw("app ConfigMap ns/cm"));
  EXPECT_EQ(cache_.ManagedBy("app").size(), 1u);

  auto patched = client_.Patch({"", "v1", "ConfigMap"}, "ns", "cm", kube::PatchType::kMerge,
                              {{"data", {{"x", "1"}}}}, {});
  ASSERT_TRUE(patched.ok());
  ASSERT_TRUE(WaitFor([&] {
    auto m = cache_.ManagedBy("app");
    return m.size() == 1 && m[0].contains("data");
  }));
  EXPECT_EQ(rec_.calls().size(), 2u);

  MustCreate(client_, Obj("v1", "ConfigMap", "unmanaged"));
  ASSERT_TRUE(WaitFor([&] { return cache_.Get({"", "ConfigMap", "ns", "unmanaged"}).has_value(); }));

  ASSERT_TRUE(client_.Delete({"", "v1", "ConfigMap"}, "ns", "cm", {}).ok());
  ASSERT_TRUE(WaitFor([&] { return cache_.ManagedBy("app").empty(); }));
  EXPECT_FALSE(cache_.Get({"", "ConfigMap", "ns", "cm"}).has_value());
  EXPECT_THAT(rec_.calls(), ElementsAre("app ConfigMap ns/cm", "app ConfigMap ns/cm", "app ConfigMap ns/cm"));
}

TEST_F(ClusterCacheTest, TreeByOwnerReferencesAndOwnedObjectsCallBackWithTheirAppsInstance) {
  StartCache();

  base::Json deploy = MustCreate(client_, Obj("apps/v1", "Deployment", "web", "app"));
  ASSERT_TRUE(rec_.Saw("app apps/Deployment ns/web"));
  base::Json rs = MustCreate(client_, OwnedBy(Obj("apps/v1", "ReplicaSet", "web-5d4"), deploy));
  ASSERT_TRUE(rec_.Saw("app apps/ReplicaSet ns/web-5d4"));
  MustCreate(client_, OwnedBy(Obj("v1", "Pod", "web-5d4-x"), rs));
  EXPECT_TRUE(rec_.Saw("app Pod ns/web-5d4-x"));

  EXPECT_THAT(cache_.ChildrenOf(base::GetStringAt(deploy, "metadata/uid")),
              ElementsAre(core::ResourceKey{"apps", "ReplicaSet", "ns", "web-5d4"}));
  EXPECT_THAT(cache_.ChildrenOf(base::GetStringAt(rs, "metadata/uid")),
              ElementsAre(core::ResourceKey{"", "Pod", "ns", "web-5d4-x"}));
  // The Pod is kept lean: enough for the tree.
  auto pod = cache_.Get({"", "Pod", "ns", "web-5d4-x"});
  ASSERT_TRUE(pod.has_value());
  EXPECT_EQ((*pod)["metadata"]["ownerReferences"][0]["uid"], rs["metadata"]["uid"]);
  EXPECT_FALSE(pod->contains("spec"));

  // A Pod of nobody's ReplicaSet wakes nobody.
  base::Json stray = MustCreate(client_, Obj("apps/v1", "ReplicaSet", "stray"));
  MustCreate(client_, OwnedBy(Obj("v1", "Pod", "stray-x"), stray));
  ASSERT_TRUE(WaitFor([&] { return cache_.Get({"", "Pod", "ns", "stray-x"}).has_value(); }));
  for (const std::string& c : rec_.calls()) EXPECT_THAT(c, ::testing::Not(HasSubstr("stray")));
}

TEST_F(ClusterCacheTest, GoneRelistDropsObjectsThatVanishedAndReportsThem) {
  MustCreate(client_, Obj("v1", "ConfigMap", "stays", "app"));
  MustCreate(client_, Obj("v1", "ConfigMap", "vanishes", "app"));
  StartCache();
  ASSERT_EQ(cache_.ManagedBy("app").size(), 2u);

  // Keep the ConfigMap watch away (three failed reconnects, 1.4 s of back-off) while the object is
  // deleted and the event log compacted: the next watch is 410 Gone and only a relist can tell.
  client_.InjectError("WATCH", "ConfigMap", base::Status::Unavailable("injected"), 3);
  client_.CloseWatchesForTesting();
  ASSERT_TRUE(client_.Delete({"", "v1", "ConfigMap"}, "ns", "vanishes", {}).ok());
  client_.CompactForTesting();

  ASSERT_TRUE(WaitFor([&] { return cache_.ManagedBy("app").size() == 1; }));
  EXPECT_FALSE(cache_.Get({"", "ConfigMap", "ns", "vanishes"}).has_value());
  EXPECT_TRUE(cache_.Get({"", "ConfigMap", "ns", "stays"}).has_value());
  EXPECT_GE(cache_.Stats().relists, 1);
  EXPECT_GE(cache_.Stats().errors, 1);
  EXPECT_TRUE(rec_.Saw("app ConfigMap ns/vanishes"));
  for (const std::string& c : rec_.calls()) EXPECT_THAT(c, ::testing::Not(HasSubstr("stays")));
}

TEST_F(ClusterCacheTest, ACrdCreatedAfterStartAddsItsKindAndDeletingItDropsIt) {
  StartCache();
  EXPECT_FALSE(cache_.Watches("example.com", "Widget"));
  const int kinds_before = cache_.Stats().kinds;

  MustCreate(client_, WidgetCrd());
  ASSERT_TRUE(WaitFor([&] { return cache_.Watches("example.com", "Widget"); }));
  EXPECT_EQ(cache_.Stats().kinds, kinds_before + 1);
  base::Json w = Obj("example.com/v1", "Widget", "w1", "app");
  w["spec"] = {{"size", 3}};
  MustCreate(client_, w);
  EXPECT_TRUE(rec_.Saw("app example.com/Widget ns/w1"));
  ASSERT_EQ(cache_.ManagedBy("app").size(), 1u);
  EXPECT_EQ(cache_.ManagedBy("app")[0]["spec"]["size"], 3);

  ASSERT_TRUE(client_.Delete({"apiextensions.k8s.io", "v1", "CustomResourceDefinition"}, "", "widgets.example.com", {}).ok());
  ASSERT_TRUE(WaitFor([&] { return !cache_.Watches("example.com", "Widget"); }));
  ASSERT_TRUE(WaitFor([&] { return cache_.ManagedBy("app").empty(); }));
  EXPECT_EQ(cache_.Stats().kinds, kinds_before);
}

TEST_F(ClusterCacheTest, CustomResourcesCreatedWithTheirCrdAreReported) {
  StartCache();
  // Created before the cache can have started watching the kind: its first list reports it.
  MustCreate(client_, WidgetCrd());
  MustCreate(client_, Obj("example.com/v1", "Widget", "early", "app"));
  EXPECT_TRUE(rec_.Saw("app example.com/Widget ns/early"));
}

TEST(ClusterCacheOptionsTest, TheFilterDecidesWhichKindsAreWatched) {
  kube::FakeClient client;
  MustCreate(client, Obj("v1", "ConfigMap", "cm", "app"));
  CacheOptions opts;
  auto filter = ResourceFilter::FromSettings(std::nullopt, "- kinds: [ConfigMap, CustomResourceDefinition]\n");
  ASSERT_TRUE(filter.ok());
  opts.filter = *filter;
  ClusterCache cache(client, opts);
  ASSERT_TRUE(cache.Start().ok());
  EXPECT_FALSE(cache.Watches("", "ConfigMap"));
  EXPECT_TRUE(cache.ManagedBy("app").empty());
  EXPECT_TRUE(cache.Watches("", "Secret"));
  EXPECT_TRUE(cache.Watches("", "Endpoints"));  // the user's list replaced the default one
  // CRDs are not stored, yet followed: a new CRD's kind is watched.
  EXPECT_FALSE(cache.Watches("apiextensions.k8s.io", "CustomResourceDefinition"));
  MustCreate(client, WidgetCrd());
  EXPECT_FALSE(cache.Get({"apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets.example.com"}).has_value());
  EXPECT_TRUE(WaitFor([&] { return cache.Watches("example.com", "Widget"); }));
}

TEST(ClusterCacheOptionsTest, StartTimesOutNamingTheKindsNotListed) {
  kube::FakeClient client;
  client.InjectError("LIST", "Secret", base::Status::PermissionDenied("secrets is forbidden"), -1);
  CacheOptions opts;
  opts.initial_sync_timeout = 1s;
  ClusterCache cache(client, opts);
  base::Status s = cache.Start();
  EXPECT_EQ(s.code(), base::StatusCode::kTimeout);
  EXPECT_THAT(s.message(), HasSubstr("no first list within 1s for Secret (last error: "));
  EXPECT_THAT(s.message(), HasSubstr("secrets is forbidden"));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("ConfigMap")));
  EXPECT_TRUE(cache.Watches("", "ConfigMap"));
  EXPECT_FALSE(cache.Watches("", "Secret"));
  cache.Stop();
}

}  // namespace
}  // namespace capstan::cache
