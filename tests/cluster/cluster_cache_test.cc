// Copyright 2026 The capstan Authors.
//
// The live cache (cache/cluster_cache.h) on the local control plane: managed objects appear within
// seconds of being created, a Deployment's ReplicaSet and Pod form its tree, changes call back (a Pod
// with its Deployment's instance), deletions remove, a CRD created after Start has its custom
// resources cached, and the figures of a start over a thousand ConfigMaps.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <mutex>
#include <thread>

#include "base/json.h"
#include "cache/cluster_cache.h"
#include "kube_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan::testing {
namespace {

using base::Json;
using namespace std::chrono_literals;

constexpr char kTracking[] = "argocd.argoproj.io/tracking-id";

Json Tracked(Json obj, const std::string& instance) {
  core::ResourceKey k = core::ResourceKey::Of(obj);
  obj["metadata"]["annotations"][kTracking] = instance + ":" + k.group + "/" + k.kind + ":" + k.namespace_ + "/" + k.name;
  return obj;
}

std::vector<std::string> Displays(const std::vector<Json>& objs) {
  std::vector<std::string> out;
  for (const Json& o : objs) out.push_back(core::ResourceKey::Of(o).Display());
  return out;
}

// OnManagedChange calls as "instance key".
class Calls {
 public:
  cache::ClusterCache::ChangeHandler Handler() {
    return [this](const std::string& instance, const core::ResourceKey& key) {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(instance + " " + key.Display());
    };
  }
  int Count(const std::string& call) {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(std::count(calls_.begin(), calls_.end(), call));
  }
  bool Has(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    return std::any_of(calls_.begin(), calls_.end(), [&](const std::string& c) { return c.rfind(prefix, 0) == 0; });
  }

 private:
  std::mutex mu_;
  std::vector<std::string> calls_;
};

class ClusterCacheTest : public ClusterTest {
 protected:
  // The instance name of this test's objects (other tests' objects never carry it).
  std::string instance() const { return "cc-" + ns(); }
};

TEST_F(ClusterCacheTest, ManagedObjectsTheirTreeChangesAndDeletions) {
  Calls calls;  // outlives the cache, whose reflectors call it
  cache::ClusterCache cache(client(), cache::CacheOptions{});
  cache.OnManagedChange(calls.Handler());
  auto t0 = std::chrono::steady_clock::now();
  base::Status started = cache.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  auto start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  cache::CacheStats s = cache.Stats();
  std::cout << "cache start: " << start_ms << " ms, " << s.kinds << " kinds, " << s.objects << " objects, "
            << s.approx_bytes << " bytes\n";
  EXPECT_GT(s.kinds, 20);
  EXPECT_GT(s.objects, 10);
  EXPECT_GT(s.approx_bytes, 1000);
  EXPECT_FALSE(cache.Watches("", "Event"));
  EXPECT_FALSE(cache.Watches("coordination.k8s.io", "Lease"));

  ASSERT_TRUE(client().Create(Tracked(ConfigMap(ns(), "settings", {{"v", "1"}}), instance()), {}).ok());
  auto deploy = client().Create(Tracked(Deployment(ns(), "web", 1), instance()), {});
  ASSERT_TRUE(deploy.ok()) << deploy.status().ToString();
  ASSERT_TRUE(WaitFor([&] { return cache.ManagedBy(instance()).size() == 2; }, 5s));
  EXPECT_THAT(Displays(cache.ManagedBy(instance())),
              ::testing::ElementsAre("ConfigMap " + ns() + "/settings", "apps/Deployment " + ns() + "/web"));
  EXPECT_EQ(cache.ManagedBy(instance())[0]["data"]["v"], "1");  // managed: kept whole
  // The handler runs right after the index is updated, on the reflector's thread: wait for it.
  EXPECT_TRUE(WaitFor([&] { return calls.Has(instance() + " ConfigMap " + ns() + "/settings"); }, 5s));
  EXPECT_TRUE(WaitFor([&] { return calls.Has(instance() + " apps/Deployment " + ns() + "/web"); }, 5s));

  // The tree: the Deployment's ReplicaSet, the ReplicaSet's Pod (made by the controller-manager).
  std::vector<core::ResourceKey> replicasets;
  ASSERT_TRUE(WaitFor([&] {
    replicasets = cache.ChildrenOf(base::GetStringAt(*deploy, "metadata/uid"));
    return !replicasets.empty();
  }, 15s));
  ASSERT_EQ(replicasets[0].kind, "ReplicaSet");
  auto rs = cache.Get(replicasets[0]);
  ASSERT_TRUE(rs.has_value());
  EXPECT_FALSE(rs->contains("spec"));  // not managed itself: lean
  std::vector<core::ResourceKey> pods;
  ASSERT_TRUE(WaitFor([&] {
    pods = cache.ChildrenOf(base::GetStringAt(*rs, "metadata/uid"));
    return !pods.empty();
  }, 15s));
  EXPECT_EQ(pods[0].kind, "Pod");
  EXPECT_TRUE(WaitFor([&] { return calls.Has(instance() + " " + pods[0].Display()); }, 5s))
      << "the Pod of the managed Deployment calls back with the Deployment's instance";
  EXPECT_TRUE(WaitFor([&] { return calls.Has(instance() + " " + replicasets[0].Display()); }, 5s));

  // A change calls back and shows in the cache.
  const std::string cm_call = instance() + " ConfigMap " + ns() + "/settings";
  int before = calls.Count(cm_call);
  ASSERT_TRUE(client().Patch(kConfigMap, ns(), "settings", kube::PatchType::kMerge, {{"data", {{"v", "2"}}}}, {}).ok());
  ASSERT_TRUE(WaitFor([&] { return calls.Count(cm_call) > before; }, 5s));
  EXPECT_EQ(cache.ManagedBy(instance())[0]["data"]["v"], "2");

  // A deletion removes it.
  ASSERT_TRUE(client().Delete(kConfigMap, ns(), "settings", {}).ok());
  ASSERT_TRUE(WaitFor([&] { return cache.ManagedBy(instance()).size() == 1; }, 5s));
  EXPECT_FALSE(cache.Get({"", "ConfigMap", ns(), "settings"}).has_value());
  EXPECT_GT(cache.Stats().managed_objects, 0);
}

Json Crd(const std::string& group) {
  return Json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "gizmos.)" + group + R"("},
    "spec": {
      "group": ")" + group + R"(", "scope": "Namespaced",
      "names": {"plural": "gizmos", "kind": "Gizmo", "listKind": "GizmoList"},
      "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]
    }})");
}

TEST_F(ClusterCacheTest, ACrdCreatedAfterStartHasItsCustomResourcesCached) {
  const std::string group = ns() + ".capstan.dev";  // CRDs are cluster-scoped: a group of this test's own
  struct Cleanup {
    kube::Client& c;
    std::string name;
    ~Cleanup() { (void)c.Delete(kCrd, "", name, {}); }
  } cleanup{client(), "gizmos." + group};

  Calls calls;  // outlives the cache, whose reflectors call it
  cache::ClusterCache cache(client(), cache::CacheOptions{});
  cache.OnManagedChange(calls.Handler());
  ASSERT_TRUE(cache.Start().ok());
  EXPECT_FALSE(cache.Watches(group, "Gizmo"));

  ASSERT_TRUE(client().Create(Crd(group), {}).ok());
  ASSERT_TRUE(WaitFor([&] { return cache.Watches(group, "Gizmo"); }, 20s));
  Json gizmo = {{"apiVersion", group + "/v1"}, {"kind", "Gizmo"}, {"metadata", {{"name", "g1"}, {"namespace", ns()}}},
                {"spec", {{"size", 3}}}};
  ASSERT_TRUE(client().Create(Tracked(gizmo, instance()), {}).ok());
  ASSERT_TRUE(WaitFor([&] { return cache.ManagedBy(instance()).size() == 1; }, 5s));
  EXPECT_EQ(cache.ManagedBy(instance())[0]["spec"]["size"], 3);
  EXPECT_TRUE(WaitFor([&] { return calls.Has(instance() + " " + group + "/Gizmo " + ns() + "/g1"); }, 5s));

  ASSERT_TRUE(client().Delete(kCrd, "", "gizmos." + group, {}).ok());
  EXPECT_TRUE(WaitFor([&] { return !cache.Watches(group, "Gizmo") && cache.ManagedBy(instance()).empty(); }, 20s));
}

// Not a timed test: prints the figures of a start over ~1,000 ConfigMaps (the issue's closing note).
TEST_F(ClusterCacheTest, StartFiguresWithAThousandConfigMaps) {
  constexpr int kCount = 1000;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kCount; i += 4) {
        Json cm = ConfigMap(ns(), "cm-" + std::to_string(i), {{"config.yaml", "replicas: 3\nimage: web:1.2." + std::to_string(i) + "\n"}});
        if (i % 10 == 0) cm = Tracked(cm, instance());
        if (!client().Create(cm, {}).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);

  cache::ClusterCache cache(client(), cache::CacheOptions{});
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(cache.Start().ok());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  cache::CacheStats s = cache.Stats();
  std::cout << "cache start with " << kCount << " ConfigMaps: " << ms << " ms; " << s.kinds << " kinds, " << s.objects
            << " objects (" << s.managed_objects << " managed), approx_bytes " << s.approx_bytes << "\n";
  RecordProperty("start_ms", std::to_string(ms));
  RecordProperty("approx_bytes", std::to_string(s.approx_bytes));
  EXPECT_GE(s.objects, kCount);
  EXPECT_EQ(cache.ManagedBy(instance()).size(), static_cast<size_t>(kCount / 10));
}

}  // namespace
}  // namespace capstan::testing
