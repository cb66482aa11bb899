// Copyright 2026 The capstan Authors.

#include "source/glob.h"

#include <gtest/gtest.h>

namespace capstan::source {
namespace {

bool M(std::string_view pattern, std::string_view text) {
  auto g = Glob::Compile(pattern);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return g.ok() && g->Match(text);
}

TEST(GlobTest, StarCrossesSlashesBecauseArgoPassesNoSeparators) {
  EXPECT_TRUE(M("*.yaml", "a.yaml"));
  EXPECT_TRUE(M("*.yaml", "sub/dir/a.yaml"));
  EXPECT_TRUE(M("**.yaml", "sub/a.yaml"));
  EXPECT_TRUE(M("sub/*", "sub/x/y.json"));
  EXPECT_FALSE(M("*.yaml", "a.yml"));
  EXPECT_TRUE(M("*", ""));
  EXPECT_TRUE(M("a*b*c", "axxbyyc"));
  EXPECT_FALSE(M("a*b*c", "axxbyy"));
}

TEST(GlobTest, WithSeparatorsStarAndQuestionMarkStopThere) {
  // glob.Compile(pattern, '/'), as AppProject sourceRepos are matched.
  auto m = [](std::string_view pattern, std::string_view text) {
    auto g = Glob::Compile(pattern, U"/");
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() && g->Match(text);
  };
  EXPECT_TRUE(m("https://github.com/org/*", "https://github.com/org/repo"));
  EXPECT_FALSE(m("https://github.com/org/*", "https://github.com/org/a/b"));
  EXPECT_TRUE(m("https://github.com/org/**", "https://github.com/org/a/b"));
  EXPECT_FALSE(m("a?b", "a/b"));
  EXPECT_TRUE(m("a?b", "a-b"));
  EXPECT_TRUE(m("{x/*,y}", "x/z"));
}

TEST(GlobTest, WholeTextMustMatch) {
  EXPECT_FALSE(M("a.yaml", "sub/a.yaml"));
  EXPECT_TRUE(M("a.yaml", "a.yaml"));
  EXPECT_FALSE(M("a", "ab"));
}

TEST(GlobTest, SingleMatchesOneCodePoint) {
  EXPECT_TRUE(M("?.yaml", "a.yaml"));
  EXPECT_TRUE(M("?.yaml", "/.yaml"));
  EXPECT_TRUE(M("?.yaml", "\xc3\xa9.yaml"));  // é is one code point
  EXPECT_FALSE(M("?.yaml", "ab.yaml"));
}

TEST(GlobTest, BraceAlternatives) {
  EXPECT_TRUE(M("{a.yaml,b.yaml}", "a.yaml"));
  EXPECT_TRUE(M("{a.yaml,b.yaml}", "b.yaml"));
  EXPECT_FALSE(M("{a.yaml,b.yaml}", "c.yaml"));
  EXPECT_TRUE(M("{sub/*,*.json}", "sub/x.yaml"));
  EXPECT_TRUE(M("{sub/*,*.json}", "top.json"));
  EXPECT_TRUE(M("x{,.bak}", "x"));
  EXPECT_TRUE(M("x{,.bak}", "x.bak"));
  EXPECT_TRUE(M("{a,{b,c}d}", "cd"));
  EXPECT_TRUE(M("{*.yaml,*.yml}", "deep/dir/x.yml"));
}

TEST(GlobTest, Brackets) {
  EXPECT_TRUE(M("[abc].yaml", "b.yaml"));
  EXPECT_FALSE(M("[abc].yaml", "d.yaml"));
  EXPECT_TRUE(M("[!abc].yaml", "d.yaml"));
  EXPECT_FALSE(M("[!abc].yaml", "a.yaml"));
  EXPECT_TRUE(M("[a-c]x", "bx"));
  EXPECT_FALSE(M("[a-c]x", "dx"));
  EXPECT_TRUE(M("[!a-c]x", "dx"));
}

TEST(GlobTest, EscapesAndLiteralSpecials) {
  EXPECT_TRUE(M("\\*.yaml", "*.yaml"));
  EXPECT_FALSE(M("\\*.yaml", "a.yaml"));
  EXPECT_TRUE(M("a,b}", "a,b}"));  // ',' and '}' are text outside braces
  EXPECT_TRUE(M("a]", "a]"));
  EXPECT_TRUE(M("{a\\,b,c}", "a,b"));
}

TEST(GlobTest, RejectsWhatGobwasRejects) {
  for (std::string_view bad : {"[abc", "[a-z0-9]", "{a,b", "x[", "[!"}) {
    auto g = Glob::Compile(bad);
    ASSERT_FALSE(g.ok()) << bad;
    EXPECT_EQ(g.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_NE(g.status().message().find(std::string(bad)), std::string::npos) << g.status().message();
  }
  auto g = Glob::Compile("[a-z0-9]");
  EXPECT_NE(g.status().message().find("expected close range character"), std::string::npos);
}

}  // namespace
}  // namespace capstan::source
