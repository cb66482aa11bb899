// Copyright 2026 The capstan Authors.

#include "source/source_spec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace capstan::source {
namespace {

TEST(SourceSpecTest, ParsesRepoRevisionPathAndDirectory) {
  auto s = ParseApplicationSource(base::Json::parse(R"({
    "repoURL": "https://github.com/argoproj/argocd-example-apps.git", "targetRevision": "v1", "path": "guestbook",
    "directory": {"recurse": true, "include": "*.yaml", "exclude": "{a,b}.yaml", "jsonnet": {"libs": ["x"]}}})"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->repo_url, "https://github.com/argoproj/argocd-example-apps.git");
  EXPECT_EQ(s->target_revision, "v1");
  EXPECT_EQ(s->path, "guestbook");
  EXPECT_TRUE(s->directory.recurse);
  EXPECT_EQ(s->directory.include, "*.yaml");
  EXPECT_EQ(s->directory.exclude, "{a,b}.yaml");
  EXPECT_TRUE(s->has_directory_jsonnet);

  EXPECT_EQ(ParseApplicationSource(base::Json::parse(R"({"path":"x"})")).status().message(),
            "spec.source.repoURL: missing");
  EXPECT_EQ(ParseApplicationSource(base::Json::parse(R"({"repoURL":"r","directory":{"recurse":"yes"}})")).status().message(),
            "spec.source.directory.recurse: not a boolean");
  EXPECT_EQ(ParseApplicationSource(base::Json::parse(R"({"repoURL":"r","path":3})")).status().message(),
            "spec.source.path: not a string");
}

TEST(SourceSpecTest, DetectsTheRendererLikeArgoCd) {
  char tmpl[] = "/tmp/capstan-spec-test-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  auto detect = [&](const char* json) { return DetectSourceType(*ParseApplicationSource(base::Json::parse(json)), dir); };
  EXPECT_EQ(*detect(R"({"repoURL":"r"})"), SourceType::kDirectory);
  std::ofstream(dir + "/Chart.yaml") << "name: x\n";
  EXPECT_EQ(*detect(R"({"repoURL":"r"})"), SourceType::kHelm);
  EXPECT_EQ(*detect(R"({"repoURL":"r","directory":{}})"), SourceType::kDirectory);  // explicit wins
  std::ofstream(dir + "/kustomization.yaml") << "resources: []\n";
  EXPECT_EQ(*detect(R"({"repoURL":"r"})"), SourceType::kKustomize);
  EXPECT_EQ(*detect(R"({"repoURL":"r","helm":{}})"), SourceType::kHelm);
  auto multi = detect(R"({"repoURL":"r","helm":{},"directory":{}})");
  ASSERT_FALSE(multi.ok());
  EXPECT_EQ(multi.status().message(), "multiple application sources defined: Helm,Directory");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace capstan::source
