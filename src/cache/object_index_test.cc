// Copyright 2026 The capstan Authors.

#include "cache/object_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace capstan::cache {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kTracking[] = "argocd.argoproj.io/tracking-id";

base::Json Obj(std::string api_version, std::string kind, std::string name, std::string uid, std::string rv = "1") {
  return {{"apiVersion", api_version},
          {"kind", kind},
          {"metadata", {{"name", name}, {"namespace", "ns"}, {"uid", uid}, {"resourceVersion", rv}}}};
}

base::Json Managed(base::Json obj, const std::string& instance) {
  core::ResourceKey k = core::ResourceKey::Of(obj);
  obj["metadata"]["annotations"][kTracking] = instance + ":" + k.group + "/" + k.kind + ":ns/" + k.name;
  return obj;
}

base::Json OwnedBy(base::Json obj, const std::string& owner_uid) {
  obj["metadata"]["ownerReferences"].push_back({{"uid", owner_uid}, {"kind", "X"}, {"name", "x"}});
  return obj;
}

core::ResourceKey Key(std::string group, std::string kind, std::string name) { return {group, kind, "ns", name}; }

TEST(ObjectIndexTest, ManagedObjectsAreKeptWholeOthersLean) {
  ObjectIndex index(kTracking);
  base::Json cm = Managed(Obj("v1", "ConfigMap", "mine", "u1"), "app");
  cm["data"] = {{"k", "v"}};
  cm["metadata"]["managedFields"] = base::Json::array({{{"manager", "capstan"}}});
  base::Json other = Obj("v1", "ConfigMap", "other", "u2");
  other["data"] = {{"big", std::string(1000, 'x')}};
  other["metadata"]["labels"] = {{"a", "b"}};
  other["metadata"]["annotations"] = {{"note", "dropped"}};
  index.Upsert(cm);
  index.Upsert(other);

  EXPECT_THAT(index.ManagedBy("app"), ElementsAre(cm));
  EXPECT_THAT(index.ManagedBy("ap"), IsEmpty());
  base::Json lean = *index.Get(Key("", "ConfigMap", "other"));
  EXPECT_FALSE(lean.contains("data"));
  EXPECT_EQ(lean["metadata"]["labels"], (base::Json{{"a", "b"}}));
  EXPECT_FALSE(lean["metadata"].contains("annotations"));
  EXPECT_EQ(lean["metadata"]["uid"], "u2");
  EXPECT_EQ(index.size(), 2);
  EXPECT_EQ(index.managed_size(), 1);
  EXPECT_EQ(index.approx_bytes(), static_cast<int64_t>(cm.dump().size() + lean.dump().size()));
  EXPECT_LT(index.approx_bytes(), 1000);  // the unmanaged ConfigMap's data is not kept

  // Losing the annotation makes it lean; the old instance still hears of it.
  base::Json unmanaged = Obj("v1", "ConfigMap", "mine", "u1", "2");
  EXPECT_THAT(index.Upsert(unmanaged), ElementsAre("app"));
  EXPECT_THAT(index.ManagedBy("app"), IsEmpty());
  EXPECT_EQ(index.managed_size(), 0);
}

TEST(ObjectIndexTest, ATrackingIdCopiedFromAnotherObjectIsNotManaged) {
  ObjectIndex index(kTracking);
  base::Json rs = Obj("apps/v1", "ReplicaSet", "web-1", "r1");
  rs["metadata"]["annotations"][kTracking] = "app:apps/Deployment:ns/web";  // the deployment controller copies it
  EXPECT_EQ(index.InstanceOf(rs), "");
  EXPECT_EQ(index.InstanceOf(Managed(Obj("apps/v1", "ReplicaSet", "web-1", "r1"), "app")), "app");
  base::Json role = {{"apiVersion", "rbac.authorization.k8s.io/v1"}, {"kind", "ClusterRole"}, {"metadata", {{"name", "r"}}}};
  role["metadata"]["annotations"][kTracking] = "app:rbac.authorization.k8s.io/ClusterRole:/r";
  EXPECT_EQ(index.InstanceOf(role), "app");
  role["metadata"]["annotations"][kTracking] = "app";
  EXPECT_EQ(index.InstanceOf(role), "");
  index.Upsert(rs);
  EXPECT_THAT(index.ManagedBy("app"), IsEmpty());
}

TEST(ObjectIndexTest, TreeAndOwnerChainInstances) {
  ObjectIndex index(kTracking);
  index.Upsert(Managed(Obj("apps/v1", "Deployment", "web", "d1"), "app"));
  EXPECT_THAT(index.Upsert(OwnedBy(Obj("apps/v1", "ReplicaSet", "web-1", "r1"), "d1")), ElementsAre("app"));
  EXPECT_THAT(index.Upsert(OwnedBy(Obj("v1", "Pod", "web-1-a", "p1"), "r1")), ElementsAre("app"));
  EXPECT_THAT(index.Upsert(OwnedBy(Obj("v1", "Pod", "web-1-b", "p2"), "r1")), ElementsAre("app"));
  EXPECT_THAT(index.Upsert(OwnedBy(Obj("v1", "Pod", "stray", "p3"), "nobody")), IsEmpty());

  EXPECT_THAT(index.ChildrenOf("d1"), ElementsAre(Key("apps", "ReplicaSet", "web-1")));
  EXPECT_THAT(index.ChildrenOf("r1"), ElementsAre(Key("", "Pod", "web-1-a"), Key("", "Pod", "web-1-b")));
  EXPECT_THAT(index.ChildrenOf("p1"), IsEmpty());

  EXPECT_THAT(index.Remove(Key("", "Pod", "web-1-a")), ElementsAre("app"));
  EXPECT_THAT(index.ChildrenOf("r1"), ElementsAre(Key("", "Pod", "web-1-b")));
  EXPECT_THAT(index.Remove(Key("", "Pod", "web-1-a")), IsEmpty());  // already gone

  // An ownership cycle ends.
  index.Upsert(OwnedBy(Obj("v1", "ConfigMap", "a", "ca"), "cb"));
  EXPECT_THAT(index.Upsert(OwnedBy(Obj("v1", "ConfigMap", "b", "cb"), "ca")), IsEmpty());
}

TEST(ObjectIndexTest, ReplaceKindReportsWhatChangedAndDropsWhatVanished) {
  ObjectIndex index(kTracking);
  index.Upsert(Managed(Obj("v1", "ConfigMap", "same", "u1", "5"), "app"));
  index.Upsert(Managed(Obj("v1", "ConfigMap", "vanished", "u2", "6"), "app"));
  index.Upsert(Obj("v1", "ConfigMap", "changed", "u3", "7"));
  index.Upsert(Obj("v1", "Secret", "other-kind", "u4", "8"));

  auto changes = index.ReplaceKind("", "ConfigMap",
                                   {Managed(Obj("v1", "ConfigMap", "same", "u1", "5"), "app"),
                                    Managed(Obj("v1", "ConfigMap", "changed", "u3", "9"), "other"),
                                    Obj("v1", "ConfigMap", "new", "u5", "10")});
  std::vector<std::string> seen;
  for (const IndexChange& c : changes) {
    std::string line = c.key.name + ":";
    for (const std::string& i : c.instances) line += i;
    seen.push_back(line);
  }
  EXPECT_THAT(seen, UnorderedElementsAre("vanished:app", "changed:other", "new:"));
  EXPECT_FALSE(index.Get(Key("", "ConfigMap", "vanished")).has_value());
  EXPECT_TRUE(index.Get(Key("", "Secret", "other-kind")).has_value());
  EXPECT_EQ(index.size(), 4);

  index.RemoveKind("", "ConfigMap");
  EXPECT_EQ(index.size(), 1);
  EXPECT_THAT(index.ManagedBy("app"), IsEmpty());
  EXPECT_THAT(index.ManagedBy("other"), IsEmpty());
}

TEST(ObjectIndexTest, OnlyTheShardsInstancesAreKeptInFullAndAReshardMovesThem) {
  std::set<std::string> shard = {"a"};
  ObjectIndex index(kTracking, [&shard](const std::string& instance) { return shard.count(instance) > 0; });
  base::Json a = Managed(Obj("v1", "ConfigMap", "a", "u1"), "a");
  base::Json b = Managed(Obj("v1", "ConfigMap", "b", "u2"), "b");
  a["data"] = b["data"] = {{"k", "v"}};
  index.Upsert(a);
  index.Upsert(b);
  EXPECT_EQ(index.managed_size(), 2);
  EXPECT_EQ(index.full_size(), 1);
  EXPECT_TRUE(index.Get(Key("", "ConfigMap", "a"))->contains("data"));
  EXPECT_FALSE(index.Get(Key("", "ConfigMap", "b"))->contains("data"));  // another replica's app: lean
  ASSERT_EQ(index.ManagedBy("b").size(), 1u);                              // still found by instance

  shard = {"b"};  // the replica gave "a" up and gained "b"
  EXPECT_THAT(index.Reshard(), ElementsAre(Key("", "ConfigMap", "b")));
  EXPECT_FALSE(index.Get(Key("", "ConfigMap", "a"))->contains("data"));  // made lean at once
  EXPECT_EQ(index.full_size(), 0);
  base::Json other = Managed(Obj("v1", "ConfigMap", "b", "u9"), "b");  // recreated meanwhile: not promoted
  EXPECT_FALSE(index.Promote(other));
  EXPECT_TRUE(index.Promote(b));
  EXPECT_FALSE(index.Promote(b));  // already full
  EXPECT_TRUE(index.Get(Key("", "ConfigMap", "b"))->contains("data"));
  EXPECT_EQ(index.full_size(), 1);
  EXPECT_THAT(index.Reshard(), IsEmpty());
}

}  // namespace
}  // namespace capstan::cache
