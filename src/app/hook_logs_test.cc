// Copyright 2026 The capstan Authors.
//
// Hook logs on the FakeClient: the engine hands each finished hook to the recorder before its delete
// policy runs; the caps keep tails and drop the oldest operations; the ConfigMap is owned by the
// Application; unreadable logs become notes.

#include "app/hook_logs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/fake_client.h"
#include "sync/engine.h"

namespace capstan::app {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int64_t kStart = 1700000000;
const core::Gvk kPod{"", "v1", "Pod"};
const core::Gvk kJob{"batch", "v1", "Job"};
const core::Gvk kConfigMap{"", "v1", "ConfigMap"};

class HookLogsTest : public ::testing::Test {
 protected:
  HookLogsTest() {
    base::Json app = {{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "Application"},
                      {"metadata", {{"name", "app"}, {"namespace", "ns"}}},
                      {"spec", base::Json::object()}};
    app_ = *fake_.Create(app, {});
  }

  // A live Pod hook with the given containers.
  base::Json Pod(const std::string& name, std::vector<std::string> containers, std::vector<std::string> init = {},
                 const std::string& owner_uid = "", const std::string& job = "") {
    base::Json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", name}, {"namespace", "ns"}}}};
    for (const std::string& c : containers) pod["spec"]["containers"].push_back({{"name", c}, {"image", "x"}});
    for (const std::string& c : init) pod["spec"]["initContainers"].push_back({{"name", c}, {"image", "x"}});
    if (!job.empty()) pod["metadata"]["labels"]["job-name"] = job;
    if (!owner_uid.empty()) {
      pod["metadata"]["ownerReferences"] = {{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"name", job}, {"uid", owner_uid}}};
    }
    auto created = fake_.Create(pod, {});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : pod;
  }

  base::Status Record(const base::Json& live, int64_t started = kStart, core::SyncPhase phase = core::SyncPhase::kPreSync,
                      core::OperationPhase hook_phase = core::OperationPhase::kSucceeded) {
    HookLogRecorder rec(fake_, app_, {.started_at_unix = started, .revision = "rev-" + std::to_string(started)});
    return rec.Record({.phase = phase, .key = core::ResourceKey::Of(live), .hook_phase = hook_phase, .live = &live});
  }

  std::vector<OperationHookLogs> Read() {
    auto r = ReadHookLogs(fake_, {"ns", "app"});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<OperationHookLogs>{};
  }

  size_t DataBytes() {
    auto cm = fake_.Get(kConfigMap, "ns", "capstan-hooklogs-app");
    EXPECT_TRUE(cm.ok());
    size_t total = 0;
    for (auto& [k, v] : (*cm)["data"].items()) total += v.get<std::string>().size();
    return total;
  }

  kube::FakeClient fake_{"ns"};
  base::Json app_;
};

TEST_F(HookLogsTest, EngineHandsAJobHookOverBeforeHookSucceededDeletesIt) {
  base::Json job = base::Json::parse(R"({"apiVersion": "batch/v1", "kind": "Job",
      "metadata": {"name": "migrate", "namespace": "ns", "annotations": {
        "argocd.argoproj.io/hook": "PreSync", "argocd.argoproj.io/hook-delete-policy": "HookSucceeded"}},
      "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": "x"}]}}}})");
  sync::Engine engine(fake_);
  sync::OperationState state{.started_at_unix = kStart, .revision = "abc"};
  sync::StepInput in;
  in.targets = {job};
  in.plan = {.revision = "abc", .started_at_unix = kStart, .destination_namespace = "ns"};
  HookLogRecorder rec(fake_, app_, {.started_at_unix = kStart, .revision = "abc"});
  in.hook_finished = rec.Callback();
  auto live = [&] {
    std::vector<base::Json> out;
    for (const core::Gvk& gvk : {kJob, kPod}) {
      auto list = fake_.List(gvk, "ns", {});
      EXPECT_TRUE(list.ok()) << list.status().ToString();
      if (list.ok()) out.insert(out.end(), list->items.begin(), list->items.end());
    }
    return out;
  };
  in.live = live();
  state = engine.Step(in, state);  // creates the Job
  auto created = fake_.Get(kJob, "ns", "migrate");
  ASSERT_TRUE(created.ok());
  // The job controller and the kubelet: one pod, finished, with a log; the Job complete.
  Pod("migrate-x7k2q", {"main"}, {}, base::GetStringAt(*created, "metadata/uid"), "migrate");
  fake_.SetPodLogsForTesting("ns", "migrate-x7k2q", "applying migration 42\ndone\n");
  ASSERT_TRUE(fake_.Patch(kJob, "ns", "migrate", kube::PatchType::kMerge,
                          {{"status", {{"succeeded", 1}, {"conditions", {{{"type", "Complete"}, {"status", "True"}}}}}}},
                          {.subresource = "status"})
                  .ok());
  for (int i = 0; i < 5 && !core::IsCompleted(state.phase); ++i) {
    in.live = live();
    state = engine.Step(in, state);
  }
  ASSERT_EQ(state.phase, core::OperationPhase::kSucceeded) << state.message;
  EXPECT_FALSE(fake_.Get(kJob, "ns", "migrate").ok()) << "HookSucceeded should have deleted the Job";

  std::vector<OperationHookLogs> ops = Read();
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].number, 1);
  EXPECT_EQ(ops[0].revision, "abc");
  EXPECT_EQ(ops[0].started_at, "2023-11-14T22:13:20Z");
  ASSERT_EQ(ops[0].hooks.size(), 1u);
  const HookLogRecord& h = ops[0].hooks[0];
  EXPECT_EQ(h.phase, "PreSync");
  EXPECT_EQ(h.key.Display(), core::ResourceKey({"batch", "Job", "ns", "migrate"}).Display());
  EXPECT_EQ(h.hook_phase, "Succeeded");
  ASSERT_EQ(h.logs.size(), 1u);
  EXPECT_EQ(h.logs[0].pod, "migrate-x7k2q");
  EXPECT_EQ(h.logs[0].container, "main");
  EXPECT_EQ(h.logs[0].text, "applying migration 42\ndone\n");
}

TEST_F(HookLogsTest, ConfigMapIsOwnedByTheApplicationAndGoesWithIt) {
  base::Json pod = Pod("hook", {"main"});
  fake_.SetPodLogsForTesting("ns", "hook", "hello\n");
  ASSERT_TRUE(Record(pod).ok());
  auto cm = fake_.Get(kConfigMap, "ns", "capstan-hooklogs-app");
  ASSERT_TRUE(cm.ok());
  const base::Json& refs = (*cm)["metadata"]["ownerReferences"];
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0]["kind"], "Application");
  EXPECT_EQ(refs[0]["apiVersion"], "argoproj.io/v1alpha1");
  EXPECT_EQ(refs[0]["name"], "app");
  EXPECT_EQ(refs[0]["uid"], base::GetStringAt(app_, "metadata/uid"));
  for (auto& [key, value] : (*cm)["data"].items()) {
    for (char c : key) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') << key;
  }
  ASSERT_TRUE(fake_.Delete(kApplicationGvk, "ns", "app", {}).ok());
  EXPECT_FALSE(fake_.Get(kConfigMap, "ns", "capstan-hooklogs-app").ok());
}

TEST_F(HookLogsTest, PodHookKeepsInitContainersAndContainersInOrder) {
  base::Json pod = Pod("hook", {"main", "side"}, {"setup"});
  fake_.SetPodLogsForTesting("ns", "hook", "same text for every container\n");
  ASSERT_TRUE(Record(pod).ok());
  std::vector<OperationHookLogs> ops = Read();
  ASSERT_EQ(ops.size(), 1u);
  std::vector<std::string> containers;
  for (const HookLogEntry& l : ops[0].hooks[0].logs) containers.push_back(l.container);
  EXPECT_EQ(containers, (std::vector<std::string>{"setup", "main", "side"}));
}

TEST_F(HookLogsTest, RecordingTheSameHookAgainReplacesItsLogs) {
  base::Json pod = Pod("hook", {"main"});
  fake_.SetPodLogsForTesting("ns", "hook", "first\n");
  ASSERT_TRUE(Record(pod).ok());
  fake_.SetPodLogsForTesting("ns", "hook", "second\n");
  ASSERT_TRUE(Record(pod).ok());  // a step repeated after a crash
  std::vector<OperationHookLogs> ops = Read();
  ASSERT_EQ(ops.size(), 1u);
  ASSERT_EQ(ops[0].hooks.size(), 1u);
  EXPECT_EQ(ops[0].hooks[0].logs[0].text, "second\n");
}

TEST_F(HookLogsTest, PerHookCapKeepsTheTailAndMarksTheCut) {
  base::Json pod = Pod("hook", {"main"});
  std::string log;
  for (int i = 0; log.size() < 100 * 1024; ++i) log += "line " + std::to_string(i) + "\n";
  fake_.SetPodLogsForTesting("ns", "hook", log);
  ASSERT_TRUE(Record(pod).ok());
  std::vector<OperationHookLogs> ops = Read();
  ASSERT_EQ(ops.size(), 1u);
  const HookLogEntry& kept = ops[0].hooks[0].logs[0];
  EXPECT_LE(kept.text.size(), kHookLogBytesPerHook);
  EXPECT_GT(kept.text.size(), kHookLogBytesPerHook - 100);
  EXPECT_THAT(kept.text, StartsWith("[capstan: " + std::to_string(kept.cut_bytes) + " earlier bytes cut]\n"));
  std::string body = kept.text.substr(kept.text.find('\n') + 1);
  EXPECT_TRUE(body == log.substr(log.size() - body.size())) << "not the tail";
  EXPECT_THAT(body, StartsWith("line ")) << "the cut should start on a whole line";
  EXPECT_EQ(static_cast<size_t>(kept.cut_bytes) + body.size(), log.size());
}

TEST_F(HookLogsTest, PerHookCapCountsEveryContainerAndKeepsTheLastOnes) {
  base::Json pod = Pod("hook", {"a", "b"});
  fake_.SetPodLogsForTesting("ns", "hook", std::string(40 * 1024, 'x'));
  ASSERT_TRUE(Record(pod).ok());
  std::vector<OperationHookLogs> ops = Read();
  ASSERT_EQ(ops.size(), 1u);
  const std::vector<HookLogEntry>& logs = ops[0].hooks[0].logs;
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[1].text.size(), 40u * 1024) << "the last container is kept whole";
  EXPECT_GT(logs[0].cut_bytes, 0);
  EXPECT_LE(logs[0].text.size() + logs[1].text.size(), kHookLogBytesPerHook);
}

TEST_F(HookLogsTest, TotalCapDropsTheOldestOperationFirst) {
  std::vector<std::string> pods;
  for (int i = 0; i < 3; ++i) {
    pods.push_back("hook" + std::to_string(i));
    Pod(pods.back(), {"main"});
    fake_.SetPodLogsForTesting("ns", pods.back(), std::string(60 * 1024, 'a' + i));
  }
  // Operation 1 keeps three 60 KiB hooks; four more operations of three hooks each push it out.
  for (int op = 0; op < 4; ++op) {
    for (const std::string& p : pods) ASSERT_TRUE(Record(*fake_.Get(kPod, "ns", p), kStart + op * 60).ok());
  }
  EXPECT_LE(DataBytes(), kHookLogBytesTotal);
  std::vector<OperationHookLogs> ops = Read();
  ASSERT_FALSE(ops.empty());
  EXPECT_EQ(ops.back().number, 4);
  EXPECT_EQ(ops.back().revision, "rev-" + std::to_string(kStart + 180));
  EXPECT_GT(ops.front().number, 1) << "the oldest operation should have gone first";
  for (const HookLogRecord& h : ops.back().hooks) EXPECT_EQ(h.logs[0].text.size(), 60u * 1024);
}

TEST_F(HookLogsTest, TotalCapWithinOneOperationDropsItsOldestLogsToNotes) {
  for (int i = 0; i < 10; ++i) {
    std::string name = "hook" + std::to_string(i);
    base::Json pod = Pod(name, {"main"});
    fake_.SetPodLogsForTesting("ns", name, std::string(60 * 1024, 'x'));
    ASSERT_TRUE(Record(pod).ok());
  }
  EXPECT_LE(DataBytes(), kHookLogBytesTotal);
  std::vector<OperationHookLogs> ops = Read();
  ASSERT_EQ(ops.size(), 1u);
  ASSERT_EQ(ops[0].hooks.size(), 10u);
  EXPECT_THAT(ops[0].hooks[0].logs[0].note, HasSubstr("over 512 KiB"));
  EXPECT_EQ(ops[0].hooks[9].logs[0].text.size(), 60u * 1024);
}

TEST_F(HookLogsTest, ALogThatCannotBeReadIsANoteAndNotAnError) {
  base::Json pod = Pod("hook", {"main"});
  fake_.InjectError("LOGS", "Pod ns/hook", base::Status::Unavailable("connection refused"));
  ASSERT_TRUE(Record(pod, kStart, core::SyncPhase::kSync, core::OperationPhase::kFailed).ok());
  std::vector<OperationHookLogs> ops = Read();
  ASSERT_EQ(ops.size(), 1u);
  const HookLogRecord& h = ops[0].hooks[0];
  EXPECT_EQ(h.hook_phase, "Failed");
  ASSERT_EQ(h.logs.size(), 1u);
  EXPECT_THAT(h.logs[0].note, StartsWith("log not read: "));
  EXPECT_TRUE(h.logs[0].text.empty());
}

TEST_F(HookLogsTest, AJobWithoutPodsIsNoted) {
  base::Json job = *fake_.Create({{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"metadata", {{"name", "j"}, {"namespace", "ns"}}},
                                  {"spec", base::Json::object()}}, {});
  Pod("j-other", {"main"}, {}, "some-other-uid", "j");  // an earlier Job's pod with the same label
  ASSERT_TRUE(Record(job).ok());
  std::vector<OperationHookLogs> ops = Read();
  ASSERT_EQ(ops.size(), 1u);
  const HookLogRecord& h = ops[0].hooks[0];
  ASSERT_EQ(h.logs.size(), 1u);
  EXPECT_EQ(h.logs[0].note, "no pods of the Job found");
}

TEST_F(HookLogsTest, OtherKindsAreNotRecordedAndInvalidUtf8IsReplaced) {
  base::Json cm = *fake_.Create({{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "c"}, {"namespace", "ns"}}}}, {});
  ASSERT_TRUE(Record(cm).ok());
  EXPECT_TRUE(ReadHookLogs(fake_, {"ns", "app"}).status().IsNotFound());
  base::Json pod = Pod("hook", {"main"});
  fake_.SetPodLogsForTesting("ns", "hook", "bad \xff byte\n");
  ASSERT_TRUE(Record(pod).ok());
  std::vector<OperationHookLogs> ops = Read();
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].hooks[0].logs[0].text, "bad \xEF\xBF\xBD byte\n");
}

TEST(HookLogsNameTest, LongAppNamesStayValidNames) {
  EXPECT_EQ(HookLogsConfigMapName("web"), "capstan-hooklogs-web");
  std::string long_name(250, 'a');
  std::string name = HookLogsConfigMapName(long_name);
  EXPECT_LE(name.size(), 253u);
  EXPECT_NE(name, HookLogsConfigMapName(std::string(249, 'a') + "b"));
}

}  // namespace
}  // namespace capstan::app
