// Copyright 2026 The capstan Authors.
//
// Watches and the Reflector against the local control plane: event order, prompt stop, server
// timeouts and bookmarks, 410 Gone after an etcd compaction (which restarts the cluster's API server:
// those tests carry "Compact" in their name), and a Reflector that rides out an API server restart on
// a cluster of its own ("OwnCluster").

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "base/json.h"
#include "kube/api_error.h"
#include "kube/kubeconfig.h"
#include "kube/reflector.h"
#include "kube/rest_client.h"
#include "kube_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan::testing {
namespace {

using base::Json;
using ::testing::ElementsAre;
using namespace std::chrono_literals;

// Collects a watch's events on another thread.
struct WatchLog {
  std::mutex mu;
  std::vector<std::string> events;  // "ADDED a", "BOOKMARK 123"
  int bookmarks = 0;
  std::vector<std::string> Events() {
    std::lock_guard<std::mutex> lock(mu);
    return events;
  }
  bool On(const kube::WatchEvent& e) {
    std::lock_guard<std::mutex> lock(mu);
    static const char* kNames[] = {"ADDED", "MODIFIED", "DELETED", "BOOKMARK"};
    if (e.type == kube::WatchEventType::kBookmark) {
      ++bookmarks;
      return true;
    }
    events.push_back(std::string(kNames[static_cast<int>(e.type)]) + " " + base::GetStringAt(e.object, "metadata/name") +
                     " " + base::GetStringAt(e.object, "data/v"));
    return true;
  }
};

class KubeWatchTest : public ClusterTest {};

TEST_F(KubeWatchTest, CreateUpdateDeleteArriveInOrderAndStopIsPrompt) {
  auto list = client().List(kConfigMap, ns(), {});
  ASSERT_TRUE(list.ok());
  WatchLog log;
  std::stop_source stop;
  base::Status watch_status;
  std::thread watcher([&] {
    kube::WatchOptions wo;
    wo.resource_version = list->resource_version;
    wo.label_selector = "watched=yes";
    watch_status = client().Watch(kConfigMap, ns(), wo, [&](const kube::WatchEvent& e) { return log.On(e); },
                                  stop.get_token());
  });
  Json labels = {{"watched", "yes"}};
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "w", {{"v", "1"}}, labels), {}).ok());
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "unwatched", {{"v", "1"}}), {}).ok());  // filtered out
  ASSERT_TRUE(client().Patch(kConfigMap, ns(), "w", kube::PatchType::kMerge, {{"data", {{"v", "2"}}}}, {}).ok());
  ASSERT_TRUE(client().Patch(kConfigMap, ns(), "w", kube::PatchType::kMerge, {{"data", {{"v", "3"}}}}, {}).ok());
  ASSERT_TRUE(client().Delete(kConfigMap, ns(), "w", {}).ok());
  EXPECT_TRUE(WaitFor([&] { return log.Events().size() >= 4; }, 20s));
  auto start = std::chrono::steady_clock::now();
  stop.request_stop();
  watcher.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  EXPECT_EQ(watch_status.code(), base::StatusCode::kCancelled) << watch_status.ToString();
  EXPECT_THAT(log.Events(), ElementsAre("ADDED w 1", "MODIFIED w 2", "MODIFIED w 3", "DELETED w 3"));
  EXPECT_GE(client().stats().streams_opened, 1);
}

TEST_F(KubeWatchTest, TheServerEndsAWatchAtItsTimeoutAfterABookmark) {
  auto list = client().List(kConfigMap, ns(), {});
  ASSERT_TRUE(list.ok());
  // 1.20's watch cache sends a bookmark about 2 s before a watch's deadline, carrying the last
  // resourceVersion it processed for the type — and only when that is newer than the last event this
  // watch got. So: one event the watch sees, then, once it has arrived, one it filters out.
  WatchLog log;
  kube::WatchOptions wo;
  wo.resource_version = list->resource_version;
  wo.label_selector = "bookmarked=yes";
  wo.timeout_seconds = 5;
  base::Status s;
  auto start = std::chrono::steady_clock::now();
  std::thread watcher([&] {
    s = client().Watch(kConfigMap, ns(), wo, [&](const kube::WatchEvent& e) { return log.On(e); }, std::stop_token());
  });
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "event", {{"v", "1"}}, {{"bookmarked", "yes"}}), {}).ok());
  EXPECT_TRUE(WaitFor([&] { return log.Events().size() == 1; }, 4s));
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "unseen", {{"v", "1"}}), {}).ok());
  watcher.join();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(s.ok()) << s.ToString();  // the server closed the stream: OK
  EXPECT_GE(took, 4s);
  EXPECT_LT(took, 15s);
  EXPECT_THAT(log.Events(), ElementsAre("ADDED event 1"));
  EXPECT_GE(log.bookmarks, 1);
}

TEST_F(KubeWatchTest, HandlerReturningFalseEndsTheWatch) {
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "a"), {}).ok());
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "b"), {}).ok());
  int seen = 0;
  kube::WatchOptions wo;  // no resourceVersion: the server first sends the current objects as ADDED
  base::Status s = client().Watch(kConfigMap, ns(), wo, [&](const kube::WatchEvent&) {
    ++seen;
    return false;
  }, std::stop_token());
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen, 1);
}

// A store fed by a Reflector, as a cache would keep one.
struct Store {
  std::mutex mu;
  std::map<std::string, Json> objects;  // by name
  int replaces = 0;
  kube::Reflector::Handler Handler() {
    return [this](const kube::ReflectorEvent& e) {
      std::lock_guard<std::mutex> lock(mu);
      std::string name = base::GetStringAt(e.object, "metadata/name");
      switch (e.type) {
        case kube::ReflectorEventType::kReplace:
          ++replaces;
          objects.clear();
          for (const Json& o : e.objects) objects[base::GetStringAt(o, "metadata/name")] = o;
          break;
        case kube::ReflectorEventType::kAdded:
        case kube::ReflectorEventType::kModified:
          objects[name] = e.object;
          break;
        case kube::ReflectorEventType::kDeleted:
          objects.erase(name);
          break;
      }
    };
  }
  std::string Value(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = objects.find(name);
    return it == objects.end() ? "<absent>" : base::GetStringAt(it->second, "data/v");
  }
  std::vector<std::string> Names() {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<std::string> out;
    for (const auto& [k, v] : objects) out.push_back(k);
    return out;
  }
  int Replaces() {
    std::lock_guard<std::mutex> lock(mu);
    return replaces;
  }
};

kube::ReflectorOptions ConfigMapsIn(const std::string& ns) {
  kube::ReflectorOptions o;
  o.gvk = kConfigMap;
  o.ns = ns;
  o.label_selector = "reflected=yes";
  o.page_size = 2;
  o.initial_backoff = 100ms;
  o.max_backoff = 2s;
  return o;
}

TEST_F(KubeWatchTest, ReflectorKeepsAStoreInStepWithTheServer) {
  Json labels = {{"reflected", "yes"}};
  for (const char* n : {"r1", "r2", "r3"}) ASSERT_TRUE(client().Create(ConfigMap(ns(), n, {{"v", "0"}}, labels), {}).ok());
  Store store;
  kube::Reflector reflector(client(), ConfigMapsIn(ns()), store.Handler());
  reflector.Start();
  ASSERT_TRUE(WaitFor([&] { return reflector.synced(); }, 20s));
  EXPECT_THAT(store.Names(), ElementsAre("r1", "r2", "r3"));  // 2 pages
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "r4", {{"v", "0"}}, labels), {}).ok());
  ASSERT_TRUE(client().Patch(kConfigMap, ns(), "r1", kube::PatchType::kMerge, {{"data", {{"v", "1"}}}}, {}).ok());
  ASSERT_TRUE(client().Delete(kConfigMap, ns(), "r2", {}).ok());
  EXPECT_TRUE(WaitFor([&] { return store.Names() == std::vector<std::string>{"r1", "r3", "r4"} && store.Value("r1") == "1"; },
                      20s))
      << ::testing::PrintToString(store.Names());
  reflector.Stop();
  EXPECT_EQ(store.Replaces(), 1);
  EXPECT_EQ(reflector.stats().errors, 0) << reflector.stats().last_error;
}

// A local cluster of the test's own (no node agent), for tests that restart its API server: the
// shared test cluster must not see that. Brought down when the test ends.
struct OwnCluster {
  explicit OwnCluster(std::string prefix) : name(prefix + std::to_string(getpid() % 100000)) {
    RunLocalCluster({"--name", name, "up", "--no-node"}, 300s);
    std::string env = RunLocalCluster({"--name", name, "env"});
    while (!env.empty() && (env.back() == '\n' || env.back() == ' ')) env.pop_back();
    kube::KubeconfigOptions ko;
    ko.paths = {env.substr(env.find_last_of('\n') + 1)};
    auto config = kube::LoadKubeconfig(ko);
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    if (!config.ok()) return;
    auto made = kube::RestClient::Create(*config);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    if (made.ok()) client = std::move(*made);
  }
  ~OwnCluster() { RunLocalCluster({"--name", name, "down"}); }
  std::string name;
  std::unique_ptr<kube::RestClient> client;
};

// Compacts etcd and restarts the API server (scripts/local-cluster compact), on a cluster of its own.
TEST(KubeWatchOwnClusterTest, WatchFromACompactedVersionIsGoneAndTheReflectorRelists) {
  OwnCluster own("compact");
  ASSERT_NE(own.client, nullptr);
  kube::RestClient& cl = *own.client;
  const std::string ns_name = "compact";
  auto ns = [&] { return ns_name; };
  auto client = [&]() -> kube::RestClient& { return cl; };
  auto WaitFor = [](const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    return WaitUntil(pred, timeout);
  };
  ASSERT_TRUE(cl.Create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns_name}}}}, {}).ok());
  Json labels = {{"reflected", "yes"}};
  auto before = client().Create(ConfigMap(ns(), "before", {{"v", "0"}}, labels), {});
  ASSERT_TRUE(before.ok());
  std::string old_rv = base::GetStringAt(*before, "metadata/resourceVersion");

  Store store;
  kube::Reflector reflector(client(), ConfigMapsIn(ns()), store.Handler());
  reflector.Start();
  ASSERT_TRUE(WaitFor([&] { return reflector.synced(); }, 20s));
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "seen", {{"v", "0"}}, labels), {}).ok());
  ASSERT_TRUE(WaitFor([&] { return store.Value("seen") == "0"; }, 20s));
  // Writes elsewhere move etcd's revision past the reflector's resourceVersion.
  Json secret = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "bump"}, {"namespace", ns()}}}};
  ASSERT_TRUE(client().Create(secret, {}).ok());

  RunLocalCluster({"--name", own.name, "compact"});

  // A watch from before the compaction: 410 Gone, whether as an HTTP status or an ERROR event.
  kube::WatchOptions wo;
  wo.resource_version = old_rv;
  int events = 0;
  base::Status s;
  for (int attempt = 0; attempt < 20; ++attempt) {  // the restarted server may still be warming up
    s = client().Watch(kConfigMap, ns(), wo, [&](const kube::WatchEvent&) {
      ++events;
      return true;
    }, std::stop_token());
    if (kube::IsGone(s)) break;
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_TRUE(kube::IsGone(s)) << s.ToString();
  EXPECT_EQ(s.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(events, 0);

  // The reflector lost its stream, came back with a version the server no longer has, relisted and
  // carries on.
  EXPECT_TRUE(WaitFor([&] { return reflector.stats().gone >= 1 && store.Replaces() >= 2; }, 60s))
      << "gone=" << reflector.stats().gone << " replaces=" << store.Replaces()
      << " last error: " << reflector.stats().last_error;
  ASSERT_TRUE(client().Create(ConfigMap(ns(), "after", {{"v", "0"}}, labels), {}).ok());
  EXPECT_TRUE(WaitFor([&] { return store.Names() == std::vector<std::string>{"after", "before", "seen"}; }, 30s))
      << ::testing::PrintToString(store.Names());
  reflector.Stop();
}

// Starts a cluster of its own, restarts its API server under a running Reflector, then stops it.
TEST(KubeReflectorOwnClusterTest, ReflectorSurvivesAnApiServerRestart) {
  OwnCluster own("restown");
  ASSERT_NE(own.client, nullptr);
  const std::string& name = own.name;
  kube::RestClient& client = *own.client;
  const std::string ns = "reflect";
  ASSERT_TRUE(client.Create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}}, {}).ok());

  Store store;
  kube::Reflector reflector(client, ConfigMapsIn(ns), store.Handler());
  reflector.Start();
  ASSERT_TRUE(WaitUntil([&] { return reflector.synced(); }, 30s));
  Json labels = {{"reflected", "yes"}};
  ASSERT_TRUE(client.Create(ConfigMap(ns, "one", {{"v", "1"}}, labels), {}).ok());
  ASSERT_TRUE(WaitUntil([&] { return store.Value("one") == "1"; }, 20s));
  int64_t watches_before = reflector.stats().watches;

  RunLocalCluster({"--name", name, "restart-apiserver"}, 180s);

  // Writes go through once the server is back; the reflector delivers them.
  bool created = WaitUntil([&] { return client.Create(ConfigMap(ns, "two", {{"v", "2"}}, labels), {}).ok(); }, 60s);
  ASSERT_TRUE(created);
  ASSERT_TRUE(client.Patch(kConfigMap, ns, "one", kube::PatchType::kMerge, {{"data", {{"v", "11"}}}}, {}).ok());
  EXPECT_TRUE(WaitUntil([&] { return store.Value("two") == "2" && store.Value("one") == "11"; }, 60s))
      << "store: " << ::testing::PrintToString(store.Names()) << "; last error: " << reflector.stats().last_error;
  EXPECT_GT(reflector.stats().watches, watches_before);  // it reconnected
  reflector.Stop();
}

}  // namespace
}  // namespace capstan::testing
