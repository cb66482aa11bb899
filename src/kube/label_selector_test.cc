// Copyright 2026 The capstan Authors.

#include "kube/label_selector.h"

#include <gtest/gtest.h>

namespace capstan::kube {
namespace {

using base::Json;

bool Match(const std::string& selector, const Json& labels) {
  auto s = LabelSelector::Parse(selector);
  EXPECT_TRUE(s.ok()) << selector << ": " << s.status().ToString();
  return s.ok() && s->Matches(labels);
}

TEST(LabelSelectorTest, Terms) {
  Json labels = {{"app", "web"}, {"tier", "frontend"}, {"replicas", "3"}};
  EXPECT_TRUE(Match("", labels));
  EXPECT_TRUE(Match("app=web", labels));
  EXPECT_TRUE(Match("app==web", labels));
  EXPECT_FALSE(Match("app=db", labels));
  EXPECT_TRUE(Match("app!=db", labels));
  EXPECT_TRUE(Match("missing!=x", labels));  // absent counts as not equal
  EXPECT_TRUE(Match("app", labels));
  EXPECT_FALSE(Match("!app", labels));
  EXPECT_TRUE(Match("!missing", labels));
  EXPECT_TRUE(Match("tier in (backend, frontend)", labels));
  EXPECT_FALSE(Match("tier notin (backend,frontend)", labels));
  EXPECT_TRUE(Match("missing notin (a)", labels));
  EXPECT_FALSE(Match("missing in (a)", labels));
  EXPECT_TRUE(Match("replicas>2", labels));
  EXPECT_FALSE(Match("replicas<2", labels));
  EXPECT_TRUE(Match(" app = web , tier in (frontend) ", labels));
  EXPECT_FALSE(Match("app=web,tier=backend", labels));
  EXPECT_TRUE(Match("app.kubernetes.io/name!=x", labels));
  EXPECT_FALSE(Match("app", Json()));
  EXPECT_TRUE(Match("!app", Json()));
}

TEST(LabelSelectorTest, MatchesObject) {
  auto s = LabelSelector::Parse("app=web");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->MatchesObject({{"metadata", {{"labels", {{"app", "web"}}}}}}));
  EXPECT_FALSE(s->MatchesObject({{"metadata", {{"name", "x"}}}}));
  EXPECT_FALSE(s->MatchesObject(Json::object()));
}

TEST(LabelSelectorTest, SyntaxErrors) {
  for (const char* bad : {"app in (web", "app in ()", ",", "app=web,,x", "a b=c", "tier frob (x)", "n>abc"}) {
    auto s = LabelSelector::Parse(bad);
    EXPECT_FALSE(s.ok()) << bad;
    if (!s.ok()) EXPECT_EQ(s.status().code(), base::StatusCode::kInvalidArgument);
  }
}

TEST(FieldSelectorTest, Paths) {
  Json pod = {{"metadata", {{"name", "p"}, {"namespace", "ns"}}}, {"status", {{"phase", "Running"}}}, {"spec", {{"replicas", 2}}}};
  auto s = FieldSelector::Parse("metadata.name=p,status.phase!=Failed");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->Matches(pod));
  s = FieldSelector::Parse("metadata.namespace==other");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->Matches(pod));
  s = FieldSelector::Parse("spec.nodeName=");  // missing reads as ""
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->Matches(pod));
  s = FieldSelector::Parse("spec.replicas=2");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->Matches(pod));
  EXPECT_FALSE(FieldSelector::Parse("metadata.name").ok());
  EXPECT_FALSE(FieldSelector::Parse("=x").ok());
  EXPECT_FALSE(FieldSelector::Parse("a..b=x").ok());
}

}  // namespace
}  // namespace capstan::kube
