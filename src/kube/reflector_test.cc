// Copyright 2026 The capstan Authors.
//
// The Reflector's list-and-watch logic against a scripted Client.

#include "kube/reflector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "kube/api_error.h"

namespace capstan::kube {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

Json Obj(const std::string& name, const std::string& rv) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "ns"}, {"resourceVersion", rv}}}};
}

WatchEvent Ev(WatchEventType t, const std::string& name, const std::string& rv) { return {t, Obj(name, rv)}; }

Status Gone() {
  return StatusFromResponse(410, R"({"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"})",
                            "watch ConfigMap");
}

// One watch call's script: these events, then end with |end| (OK: the server closed the stream).
struct WatchScript {
  WatchScript() = default;
  WatchScript(std::vector<WatchEvent> e, Status s) : events(std::move(e)), end(std::move(s)) {}
  std::vector<WatchEvent> events;
  Status end;
  std::function<void()> before_end;  // runs (under the client's lock) before the watch returns
};

// A Client whose List pages through |objects| and whose Watch plays scripts; with no script left a
// watch blocks until stopped.
class ScriptedClient : public Client {
 public:
  std::mutex mu;
  std::vector<Json> objects;
  std::string list_rv = "10";
  std::deque<Status> list_failures;   // returned (in order) by the next List calls
  std::deque<WatchScript> watches;
  std::vector<std::string> watch_rvs;  // resourceVersion of each Watch call
  std::vector<int64_t> list_limits;
  int list_calls = 0;

  Result<ApiResource> Resolve(const core::Gvk&) override { return Status::Internal("unused"); }
  void InvalidateDiscovery() override {}
  Result<Json> Get(const core::Gvk&, std::string_view, std::string_view) override { return Status::Internal("unused"); }
  Result<Json> Create(const Json&, const WriteOptions&) override { return Status::Internal("unused"); }
  Result<Json> Apply(const Json&, const ApplyOptions&) override { return Status::Internal("unused"); }
  Result<Json> Update(const Json&, const WriteOptions&) override { return Status::Internal("unused"); }
  Result<Json> Patch(const core::Gvk&, std::string_view, std::string_view, PatchType, const Json&,
                     const WriteOptions&) override {
    return Status::Internal("unused");
  }
  Status Delete(const core::Gvk&, std::string_view, std::string_view, const DeleteOptions&) override {
    return Status::Internal("unused");
  }
  Result<std::string> PodLogs(std::string_view, std::string_view, const LogOptions&) override {
    return Status::Internal("unused");
  }

  Result<ListResult> List(const core::Gvk&, std::string_view, const ListOptions& opts) override {
    std::lock_guard<std::mutex> lock(mu);
    ++list_calls;
    list_limits.push_back(opts.limit);
    if (!list_failures.empty()) {
      Status s = list_failures.front();
      list_failures.pop_front();
      return s;
    }
    size_t start = opts.continue_token.empty() ? 0 : std::stoul(opts.continue_token);
    size_t end = opts.limit > 0 ? std::min(objects.size(), start + opts.limit) : objects.size();
    ListResult r;
    r.items.assign(objects.begin() + start, objects.begin() + end);
    if (end < objects.size()) {
      r.continue_token = std::to_string(end);
    } else {
      r.resource_version = list_rv;
    }
    return r;
  }

  Status Watch(const core::Gvk&, std::string_view, const WatchOptions& opts,
               const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) override {
    WatchScript script;
    bool scripted = false;
    {
      std::lock_guard<std::mutex> lock(mu);
      watch_rvs.push_back(opts.resource_version);
      EXPECT_TRUE(opts.allow_bookmarks);
      EXPECT_GE(opts.timeout_seconds, 300);
      if (!watches.empty()) {
        script = watches.front();
        watches.pop_front();
        scripted = true;
      }
    }
    if (!scripted) {
      std::mutex m;
      std::condition_variable_any cv;
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, stop, [] { return false; });
      return Status::Cancelled("stopped");
    }
    for (const WatchEvent& e : script.events) {
      if (!on_event(e)) return Status::Ok();
    }
    if (script.before_end) {
      std::lock_guard<std::mutex> lock(mu);
      script.before_end();
    }
    return script.end;
  }

  std::vector<std::string> WatchRvs() {
    std::lock_guard<std::mutex> lock(mu);
    return watch_rvs;
  }
};

// Collects what the reflector delivers.
struct Recorder {
  std::mutex mu;
  std::vector<std::string> log;  // "replace:a,b" / "added:a@11"
  Reflector::Handler handler() {
    return [this](const ReflectorEvent& e) {
      std::string line;
      switch (e.type) {
        case ReflectorEventType::kReplace: {
          line = "replace:";
          for (size_t i = 0; i < e.objects.size(); ++i) {
            line += (i ? "," : "") + base::GetStringAt(e.objects[i], "metadata/name");
          }
          line += "@" + e.resource_version;
          break;
        }
        case ReflectorEventType::kAdded: line = "added:"; break;
        case ReflectorEventType::kModified: line = "modified:"; break;
        case ReflectorEventType::kDeleted: line = "deleted:"; break;
      }
      if (e.type != ReflectorEventType::kReplace) {
        line += base::GetStringAt(e.object, "metadata/name") + "@" + e.resource_version;
      }
      std::lock_guard<std::mutex> lock(mu);
      log.push_back(line);
    };
  }
  std::vector<std::string> Log() {
    std::lock_guard<std::mutex> lock(mu);
    return log;
  }
  bool WaitForSize(size_t n, std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Log().size() >= n) return true;
      std::this_thread::sleep_for(2ms);
    }
    return false;
  }
};

bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

ReflectorOptions Opts() {
  ReflectorOptions o;
  o.gvk = {"", "v1", "ConfigMap"};
  o.ns = "ns";
  o.page_size = 2;
  o.initial_backoff = 10ms;
  o.max_backoff = 40ms;
  return o;
}

TEST(ReflectorTest, ListsAllPagesThenForwardsWatchEventsInOrder) {
  ScriptedClient c;
  for (const char* n : {"a", "b", "c", "d", "e"}) c.objects.push_back(Obj(n, "5"));
  c.watches.push_back({{Ev(WatchEventType::kAdded, "f", "11"), Ev(WatchEventType::kModified, "a", "12"),
                        Ev(WatchEventType::kDeleted, "b", "13")},
                       Status::Ok()});
  Recorder rec;
  Reflector r(c, Opts(), rec.handler());
  r.Start();
  ASSERT_TRUE(rec.WaitForSize(4));
  ASSERT_TRUE(WaitUntil([&] { return c.WatchRvs().size() == 2; }));
  r.Stop();
  EXPECT_THAT(rec.Log(), ElementsAre("replace:a,b,c,d,e@10", "added:f@11", "modified:a@12", "deleted:b@13"));
  EXPECT_EQ(c.list_calls, 3);  // pages of 2
  EXPECT_THAT(c.list_limits, ElementsAre(2, 2, 2));
  // The first watch starts at the list's version; after the stream ends, the next resumes from the
  // last event's.
  EXPECT_THAT(c.WatchRvs(), ElementsAre("10", "13"));
  EXPECT_TRUE(r.synced());
  EXPECT_EQ(r.resource_version(), "13");
  EXPECT_EQ(r.stats().lists, 1);
}

TEST(ReflectorTest, BookmarksAdvanceTheResourceVersionWithoutAnEvent) {
  ScriptedClient c;
  c.objects.push_back(Obj("a", "5"));
  c.watches.push_back({{Ev(WatchEventType::kAdded, "b", "11"), Ev(WatchEventType::kBookmark, "", "42")}, Status::Ok()});
  Recorder rec;
  Reflector r(c, Opts(), rec.handler());
  r.Start();
  ASSERT_TRUE(WaitUntil([&] { return c.WatchRvs().size() == 2; }));
  r.Stop();
  EXPECT_THAT(rec.Log(), ElementsAre("replace:a@10", "added:b@11"));
  EXPECT_THAT(c.WatchRvs(), ElementsAre("10", "42"));
}

TEST(ReflectorTest, GoneRelistsAndDeliversANewReplaceWithoutVanishedObjects) {
  ScriptedClient c;
  c.objects = {Obj("a", "5"), Obj("b", "6")};
  WatchScript first{{Ev(WatchEventType::kModified, "a", "11")}, Gone()};
  first.before_end = [&c] {
    // While the reflector's version aged out, b was deleted and c created (events it never saw).
    c.objects = {Obj("a", "11"), Obj("c", "30")};
    c.list_rv = "31";
  };
  c.watches.push_back(first);
  Recorder rec;
  Reflector r(c, Opts(), rec.handler());
  r.Start();
  ASSERT_TRUE(WaitUntil([&] { return c.WatchRvs().size() == 2; }));
  r.Stop();
  EXPECT_THAT(rec.Log(), ElementsAre("replace:a,b@10", "modified:a@11", "replace:a,c@31"));
  EXPECT_THAT(c.WatchRvs(), ElementsAre("10", "31"));
  EXPECT_EQ(r.stats().gone, 1);
  EXPECT_EQ(r.stats().lists, 2);
  EXPECT_EQ(r.stats().errors, 0);  // a relist is routine, not a failure
}

TEST(ReflectorTest, ConnectionErrorsBackOffAndResumeFromTheSameVersion) {
  ScriptedClient c;
  c.objects = {Obj("a", "5")};
  c.watches.push_back({{Ev(WatchEventType::kAdded, "b", "11")}, Status::Unavailable("connection reset")});
  c.watches.push_back({{}, Status::Unavailable("connection refused")});
  c.watches.push_back({{Ev(WatchEventType::kDeleted, "a", "12")}, Status::Ok()});
  Recorder rec;
  Reflector r(c, Opts(), rec.handler());
  r.Start();
  ASSERT_TRUE(WaitUntil([&] { return c.WatchRvs().size() == 4; }));
  r.Stop();
  EXPECT_THAT(rec.Log(), ElementsAre("replace:a@10", "added:b@11", "deleted:a@12"));
  EXPECT_THAT(c.WatchRvs(), ElementsAre("10", "11", "11", "12"));
  EXPECT_EQ(c.list_calls, 1);  // no relist for connection trouble
  EXPECT_EQ(r.stats().errors, 2);
  EXPECT_THAT(r.stats().last_error, ::testing::HasSubstr("connection refused"));
}

TEST(ReflectorTest, OtherWatchErrorsStartOverWithAList) {
  ScriptedClient c;
  c.objects = {Obj("a", "5")};
  c.watches.push_back({{}, Status::PermissionDenied("forbidden")});
  Recorder rec;
  Reflector r(c, Opts(), rec.handler());
  r.Start();
  ASSERT_TRUE(WaitUntil([&] { return r.stats().lists == 2; }));
  r.Stop();
  EXPECT_EQ(r.stats().errors, 1);
}

TEST(ReflectorTest, ListFailuresAreRetried) {
  ScriptedClient c;
  c.objects = {Obj("a", "5")};
  c.list_failures = {Status::Unavailable("apiserver starting"), Status::Timeout("slow")};
  Recorder rec;
  Reflector r(c, Opts(), rec.handler());
  r.Start();
  ASSERT_TRUE(rec.WaitForSize(1));
  r.Stop();
  EXPECT_THAT(rec.Log(), ElementsAre("replace:a@10"));
  EXPECT_EQ(r.stats().errors, 2);
}

TEST(ReflectorTest, StopIsPromptDuringAWatchAndDuringBackoff) {
  {
    ScriptedClient c;  // no script: the watch blocks
    Recorder rec;
    Reflector r(c, Opts(), rec.handler());
    r.Start();
    ASSERT_TRUE(WaitUntil([&] { return c.WatchRvs().size() == 1; }));
    auto start = std::chrono::steady_clock::now();
    r.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  }
  {
    ScriptedClient c;
    c.list_failures = {Status::Unavailable("down")};
    ReflectorOptions o = Opts();
    o.initial_backoff = 60s;
    Recorder rec;
    Reflector r(c, o, rec.handler());
    r.Start();
    ASSERT_TRUE(WaitUntil([&] { return r.stats().errors == 1; }));
    auto start = std::chrono::steady_clock::now();
    r.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  }
}

TEST(ReflectorTest, AStreamThatEndsAtOnceIsNotHammered) {
  ScriptedClient c;
  for (int i = 0; i < 100; ++i) c.watches.push_back({{}, Status::Ok()});
  ReflectorOptions o = Opts();
  o.initial_backoff = 50ms;
  o.max_backoff = 50ms;
  Recorder rec;
  Reflector r(c, o, rec.handler());
  r.Start();
  std::this_thread::sleep_for(300ms);
  r.Stop();
  EXPECT_LE(c.WatchRvs().size(), 8u);  // ~one per back-off, not a hundred
}

}  // namespace
}  // namespace capstan::kube
