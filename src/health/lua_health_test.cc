// Copyright 2026 The capstan Authors.
//
// The sandbox and the result rules of a Lua health script (spec §5.3), with small limits so the
// limit tests run fast.

#include "health/lua_health.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "base/json.h"

namespace capstan::health {
namespace {

using ::testing::HasSubstr;

const base::Json kPod = base::Json::parse(R"({
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "web", "annotations": {"health": "Degraded"}, "deletionTimestamp": null},
  "spec": {"containers": [{"name": "a"}, {"name": "b"}], "replicas": 3},
  "status": {"phase": "Running", "ready": true, "ratio": 0.5}
})");

HealthStatus Eval(const std::string& lua, LuaLimits limits = {}) {
  auto script = LuaHealthScript::Compile(lua, "test.lua", limits);
  EXPECT_TRUE(script.ok()) << script.status().ToString();
  if (!script.ok()) return {HealthCode::kUnknown, "did not compile"};
  return script->Evaluate(kPod);
}

TEST(LuaHealthTest, ObjIsTheObjectAsLuaTables) {
  HealthStatus h = Eval(R"(
    local hs = {status = "Healthy"}
    hs.message = obj.metadata.name .. " " .. #obj.spec.containers .. " " .. obj.spec.containers[2].name .. " " ..
                 tostring(obj.spec.replicas) .. " " .. tostring(obj.status.ready) .. " " .. obj.status.ratio ..
                 " " .. tostring(obj.metadata.deletionTimestamp == nil)
    return hs)");
  EXPECT_EQ(h, (HealthStatus{HealthCode::kHealthy, "web 2 b 3 true 0.5 true"}));
}

TEST(LuaHealthTest, ArgoCdConfigMapScriptOfTestFixingDegradedApp) {
  // Argo CD's test/e2e/sync_waves_test.go script, verbatim.
  HealthStatus h = Eval("return { status = obj.metadata.annotations and obj.metadata.annotations['health'] or 'Degraded' }");
  EXPECT_EQ(h.code, HealthCode::kDegraded);
}

TEST(LuaHealthTest, EveryStatusNameIsAccepted) {
  for (const char* name : {"Healthy", "Suspended", "Progressing", "Missing", "Degraded", "Unknown"}) {
    HealthStatus h = Eval(std::string("return {status = '") + name + "', message = 'm'}");
    EXPECT_EQ(ToString(h.code), name);
    EXPECT_EQ(h.message, "m");
  }
}

TEST(LuaHealthTest, InvalidStatusIsUnknown) {
  EXPECT_EQ(Eval("return {status = 'Fine'}"), (HealthStatus{HealthCode::kUnknown, "Lua returned an invalid health status"}));
  EXPECT_EQ(Eval("return {status = 'healthy'}").message, "Lua returned an invalid health status");
  EXPECT_EQ(Eval("return {message = 'no status'}").message, "Lua returned an invalid health status");
  EXPECT_EQ(Eval("return {status = 1}").message, "Lua returned an invalid health status");
}

TEST(LuaHealthTest, NilOrEmptyTableIsTheEmptyStatus) {
  EXPECT_EQ(Eval("return nil").code, HealthCode::kEmpty);
  EXPECT_EQ(Eval("local x = 1").code, HealthCode::kEmpty);
  EXPECT_EQ(Eval("return {}").code, HealthCode::kEmpty);
  EXPECT_EQ(ToString(HealthCode::kEmpty), "");
  EXPECT_FALSE(IsWorse(HealthCode::kEmpty, HealthCode::kHealthy));
  EXPECT_TRUE(IsWorse(HealthCode::kProgressing, HealthCode::kEmpty));
}

TEST(LuaHealthTest, NonTableResultIsUnknown) {
  HealthStatus h = Eval("return 'Healthy'");
  EXPECT_EQ(h.code, HealthCode::kUnknown);
  EXPECT_THAT(h.message, HasSubstr("returned a string"));
}

TEST(LuaHealthTest, ScriptErrorIsUnknownWithTheMessage) {
  HealthStatus h = Eval("local hs = {}\nreturn {status = obj.status.nothere.deeper}");
  EXPECT_EQ(h.code, HealthCode::kUnknown);
  EXPECT_THAT(h.message, HasSubstr("test.lua:2:"));
  EXPECT_THAT(h.message, HasSubstr("attempt to index a nil value"));
  EXPECT_THAT(Eval("error('custom failure')").message, HasSubstr("custom failure"));
}

TEST(LuaHealthTest, SyntaxErrorFailsToCompile) {
  auto script = LuaHealthScript::Compile("return {status = ", "broken.lua");
  ASSERT_FALSE(script.ok());
  EXPECT_THAT(std::string(script.status().message()), HasSubstr("broken.lua:1:"));
}

TEST(LuaHealthTest, InfiniteLoopIsStopped) {
  HealthStatus h = Eval("while true do end", LuaLimits{.instructions = 200'000});
  EXPECT_EQ(h.code, HealthCode::kUnknown);
  EXPECT_THAT(h.message, HasSubstr("ran more than 200000 instructions"));
  // pcall cannot swallow the limit for good.
  h = Eval("while true do pcall(function() while true do end end) end", LuaLimits{.instructions = 200'000});
  EXPECT_EQ(h.code, HealthCode::kUnknown);
}

TEST(LuaHealthTest, MemoryCapHolds) {
  LuaLimits small{.memory_bytes = size_t{4} << 20};
  HealthStatus h = Eval("local s = string.rep('x', 64 * 1024 * 1024)\nreturn {status = 'Healthy'}", small);
  EXPECT_EQ(h.code, HealthCode::kUnknown);
  EXPECT_THAT(h.message, HasSubstr("more than 4 MiB"));
  h = Eval("local t = {}\nfor i = 1, 1e9 do t[i] = i end\nreturn {status = 'Healthy'}", small);
  EXPECT_EQ(h.code, HealthCode::kUnknown);
  EXPECT_THAT(h.message, HasSubstr("more than 4 MiB"));
  h = Eval("local s = 'x'\nwhile true do s = s .. s end", small);
  EXPECT_EQ(h.code, HealthCode::kUnknown);
  // The same script works when it stays under the cap.
  EXPECT_EQ(Eval("local s = string.rep('x', 1024)\nreturn {status = 'Healthy'}", small).code, HealthCode::kHealthy);
}

TEST(LuaHealthTest, OutsideWorldIsUnavailable) {
  for (const char* lua : {"os.execute('touch /tmp/capstan-lua-escape')", "io.open('/etc/passwd')", "require('os')",
                          "load('return 1')", "dofile('/etc/passwd')", "loadfile('/etc/passwd')",
                          "collectgarbage()", "debug.getinfo(1)", "package.loadlib('x', 'y')"}) {
    HealthStatus h = Eval(lua);
    EXPECT_EQ(h.code, HealthCode::kUnknown) << lua;
    EXPECT_THAT(h.message, HasSubstr("attempt to")) << lua << ": " << h.message;
  }
  // print exists (scripts use it for debugging) but writes nothing.
  EXPECT_EQ(Eval("print('hello')\nreturn {status = 'Healthy'}").code, HealthCode::kHealthy);
}

TEST(LuaHealthTest, StringTableMathAndLua51Shims) {
  HealthStatus h = Eval(R"(
    local parts = {}
    for w in string.gmatch("a,b,c", "[^,]+") do table.insert(parts, w:upper()) end
    local a, b = unpack({1, 2})
    return {status = "Healthy",
            message = table.concat(parts, "") .. math.max(a, b) .. table.getn(obj.spec.containers)})");
  EXPECT_EQ(h, (HealthStatus{HealthCode::kHealthy, "ABC22"}));
}

TEST(LuaHealthTest, EvaluationsDoNotShareGlobals) {
  auto script = LuaHealthScript::Compile(R"(
    counter = (counter or 0) + 1
    return {status = "Healthy", message = tostring(counter)})", "counter.lua");
  ASSERT_TRUE(script.ok());
  EXPECT_EQ(script->Evaluate(kPod).message, "1");
  EXPECT_EQ(script->Evaluate(kPod).message, "1");
}

TEST(LuaHealthTest, ConcurrentEvaluations) {
  auto script = LuaHealthScript::Compile("return {status = 'Healthy', message = obj.metadata.name}", "c.lua");
  ASSERT_TRUE(script.ok());
  std::vector<std::thread> threads;
  std::vector<HealthStatus> results(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { results[i] = script->Evaluate(kPod); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, (HealthStatus{HealthCode::kHealthy, "web"}));
}

}  // namespace
}  // namespace capstan::health
