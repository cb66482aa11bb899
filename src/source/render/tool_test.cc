// Copyright 2026 The capstan Authors.

#include "source/render/tool.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace capstan::source::render {
namespace {

ToolRun Sh(std::string script) { return ToolRun{.display = "sh render", .argv = {"/bin/sh", "-c", std::move(script)}}; }

TEST(ToolTest, ReturnsStdout) {
  auto out = RunTool(Sh("echo 'kind: ConfigMap'"), {});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "kind: ConfigMap\n");
}

TEST(ToolTest, FailureCarriesTheToolsStderrInArgoCDsForm) {
  auto out = RunTool(Sh("echo 'Error: values.yaml: no such file' >&2; exit 1"), {});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(out.status().message(), "`sh render` failed exit status 1: Error: values.yaml: no such file");
}

TEST(ToolTest, HangingToolIsKilledAtTheTimeout) {
  RenderLimits limits;
  limits.timeout = std::chrono::milliseconds(300);
  auto out = RunTool(Sh("sleep 30"), limits);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), base::StatusCode::kTimeout);
  EXPECT_EQ(out.status().message(), "`sh render` failed timeout after 300ms");
}

TEST(ToolTest, OutputOverTheLimitIsAnError) {
  RenderLimits limits;
  limits.max_output_bytes = 1000;
  auto out = RunTool(Sh("head -c 5000 /dev/zero"), limits);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "`sh render` output is over the limit of 1000 bytes");
}

TEST(ToolTest, FindToolHonoursTheOverrideVariable) {
  ::setenv("CAPSTAN_SOMETOOL", "/bin/true", 1);
  auto found = FindTool("sometool");
  ::unsetenv("CAPSTAN_SOMETOOL");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, "/bin/true");
}

TEST(ToolTest, MissingToolSaysHowToGetIt) {
  auto found = FindTool("no-such-renderer-xyz");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), base::StatusCode::kNotFound);
  EXPECT_NE(found.status().message().find("scripts/install-tools"), std::string::npos);
}

}  // namespace
}  // namespace capstan::source::render
