// Copyright 2026 The capstan Authors.

#include "app/cached_live_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/fake_client.h"

namespace capstan::app {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

base::Json Obj(std::string api_version, std::string kind, std::string ns, std::string name, std::string instance = "") {
  base::Json o = {{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  if (!instance.empty()) {
    core::ResourceKey k = core::ResourceKey::Of(o);
    o["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"] =
        instance + ":" + k.group + "/" + k.kind + ":" + ns + "/" + name;
  }
  return o;
}

std::vector<std::string> Keys(const std::vector<base::Json>& objs) {
  std::vector<std::string> out;
  for (const base::Json& o : objs) out.push_back(core::ResourceKey::Of(o).Display());
  return out;
}

class CachedLiveSourceTest : public ::testing::Test {
 protected:
  void Create(const base::Json& obj) {
    auto r = client_.Create(obj, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void StartCache() { ASSERT_TRUE(cache_.Start().ok()); }
  // The requests the live source made: reads. The cache's reflectors may (re)start a WATCH at any
  // moment; those are not the live source's.
  std::vector<std::string> Reads() {
    std::vector<std::string> out;
    for (const std::string& r : client_.requests()) {
      if (r.rfind("WATCH ", 0) != 0) out.push_back(r);
    }
    return out;
  }

  kube::FakeClient client_;
  cache::ClusterCache cache_{client_, cache::CacheOptions{}};
};

TEST_F(CachedLiveSourceTest, TrackedObjectsOfEveryKindAndNamespaceWithoutAList) {
  Create(Obj("v1", "ConfigMap", "dest", "cm", "guestbook"));
  Create(Obj("rbac.authorization.k8s.io/v1", "ClusterRole", "", "reader", "guestbook"));
  Create(Obj("v1", "Secret", "elsewhere", "made-by-hand", "guestbook"));  // a kind the app never had
  Create(Obj("v1", "ConfigMap", "dest", "other-app", "guestbook2"));
  StartCache();
  client_.ClearRequests();

  CachedLiveSource source(client_, cache_);
  auto live = source.ListLive({{"", "v1", "ConfigMap"}}, "guestbook", "dest", {Obj("v1", "ConfigMap", "dest", "cm")});
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  EXPECT_THAT(Keys(*live), ElementsAre("ConfigMap dest/cm", "Secret elsewhere/made-by-hand",
                                       "rbac.authorization.k8s.io/ClusterRole reader"));
  EXPECT_THAT(Reads(), ElementsAre());
}

TEST_F(CachedLiveSourceTest, TargetsNamingUntrackedObjectsAreReadInFullAndAbsentOnesCostNothing) {
  base::Json existing = Obj("v1", "ConfigMap", "dest", "adopt-me");
  existing["data"] = {{"k", "v"}};
  Create(existing);
  Create(Obj("v1", "Endpoints", "dest", "ep"));  // a kind the cache does not watch by default
  StartCache();
  client_.ClearRequests();

  CachedLiveSource source(client_, cache_);
  auto live = source.ListLive({}, "guestbook", "dest",
                              {Obj("v1", "ConfigMap", "dest", "adopt-me"), Obj("v1", "ConfigMap", "dest", "not-there"),
                               Obj("v1", "Endpoints", "dest", "ep"), Obj("v1", "Endpoints", "dest", "no-ep")});
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  EXPECT_THAT(Keys(*live), ElementsAre("ConfigMap dest/adopt-me", "Endpoints dest/ep"));
  EXPECT_EQ((*live)[0]["data"]["k"], "v");  // the full object, not the cache's lean form
  EXPECT_THAT(Reads(), ElementsAre("GET ConfigMap dest/adopt-me", "GET Endpoints dest/ep",
                                              "GET Endpoints dest/no-ep"));
}

TEST_F(CachedLiveSourceTest, ATrackedObjectIsReadAtItsTargetsVersion) {
  Create(Obj("autoscaling/v1", "HorizontalPodAutoscaler", "dest", "hpa", "guestbook"));
  StartCache();
  ASSERT_EQ(cache_.ManagedBy("guestbook")[0]["apiVersion"], "autoscaling/v2");  // the preferred version
  client_.ClearRequests();

  CachedLiveSource source(client_, cache_);
  auto live = source.ListLive({}, "guestbook", "dest", {Obj("autoscaling/v1", "HorizontalPodAutoscaler", "dest", "hpa")});
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0]["apiVersion"], "autoscaling/v1");
  EXPECT_THAT(Reads(), ElementsAre("GET autoscaling/HorizontalPodAutoscaler dest/hpa"));
}

TEST_F(CachedLiveSourceTest, ReadErrorsNameTheObject) {
  Create(Obj("v1", "Endpoints", "dest", "ep"));
  StartCache();
  client_.InjectError("GET", "*", base::Status::PermissionDenied("endpoints is forbidden"));
  CachedLiveSource source(client_, cache_);
  auto live = source.ListLive({}, "guestbook", "dest", {Obj("v1", "Endpoints", "dest", "ep")});
  EXPECT_EQ(live.status().code(), base::StatusCode::kPermissionDenied);
  EXPECT_THAT(live.status().message(), HasSubstr("Endpoints dest/ep"));
  EXPECT_THAT(live.status().message(), HasSubstr("endpoints is forbidden"));
  EXPECT_THAT(live.status().message(), Not(HasSubstr("LIST")));
}

}  // namespace
}  // namespace capstan::app
