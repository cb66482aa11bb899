// Copyright 2026 The capstan Authors.

#include "diff/unified.h"

#include <gtest/gtest.h>

namespace capstan::diff {
namespace {

TEST(UnifiedTest, EqualTextsHaveNoDiff) { EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n"), ""); }

TEST(UnifiedTest, OneChangeWithThreeLinesOfContext) {
  std::string from = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string to = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  EXPECT_EQ(UnifiedDiff(from, to),
            "--- live\n+++ target\n"
            "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(UnifiedTest, DistantChangesMakeTwoHunksCloseOnesOne) {
  std::string from, to;
  for (int i = 1; i <= 20; ++i) {
    from += std::to_string(i) + "\n";
    to += (i == 2 || i == 18 ? "x" : std::to_string(i)) + "\n";
  }
  EXPECT_EQ(UnifiedDiff(from, to),
            "--- live\n+++ target\n"
            "@@ -1,5 +1,5 @@\n 1\n-2\n+x\n 3\n 4\n 5\n"
            "@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+x\n 19\n 20\n");
  std::string near = from;
  near.replace(near.find("8\n"), 2, "y\n");  // line 8: 6 kept lines from line 2 → one hunk
  std::string expected_head = "@@ -1,11 +1,11 @@\n";
  std::string to2 = "1\nx\n3\n4\n5\n6\n7\ny\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n";
  EXPECT_EQ(UnifiedDiff(from, to2).substr(20, expected_head.size()), expected_head);
}

TEST(UnifiedTest, AddedAndRemovedObjects) {
  EXPECT_EQ(UnifiedDiff("", "a: 1\nb: 2\n"), "--- live\n+++ target\n@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n");
  EXPECT_EQ(UnifiedDiff("a: 1\n", ""), "--- live\n+++ target\n@@ -1,1 +0,0 @@\n-a: 1\n");
}

TEST(UnifiedTest, ResourceDiffHasArgoCdHeader) {
  base::Json live = {{"data", {{"k", "1"}}}};
  base::Json predicted = {{"data", {{"k", "2"}}}};
  std::string out = ResourceDiff("", "ConfigMap", "ns", "cm", live, predicted);
  EXPECT_EQ(out.substr(0, out.find('\n') + 1), "===== /ConfigMap ns/cm ======\n");
  EXPECT_NE(out.find("-  k: \"1\""), std::string::npos) << out;
  EXPECT_NE(out.find("+  k: \"2\""), std::string::npos) << out;
  EXPECT_EQ(ResourceHeader("apps", "Deployment", "ns", "web"), "===== apps/Deployment ns/web ======\n");
}

}  // namespace
}  // namespace capstan::diff
