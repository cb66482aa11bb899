// Copyright 2026 The capstan Authors.

#include "core/resource_key.h"

#include <gtest/gtest.h>

#include <unordered_set>

#include "base/json.h"
#include "core/gvk.h"

namespace capstan::core {
namespace {

TEST(ResourceKeyTest, FromObjectIgnoresVersion) {
  auto a = base::Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
                                 "metadata":{"name":"web","namespace":"prod"}})");
  auto b = base::Json::parse(R"({"apiVersion":"apps/v1beta1","kind":"Deployment",
                                 "metadata":{"name":"web","namespace":"prod"}})");
  EXPECT_EQ(ResourceKey::Of(a), ResourceKey::Of(b));
  EXPECT_EQ(ResourceKey::Of(a).ToString(), "apps/Deployment/prod/web");
  EXPECT_EQ(ResourceKey::Of(a).Display(), "apps/Deployment prod/web");
  std::unordered_set<ResourceKey> set{ResourceKey::Of(a), ResourceKey::Of(b)};
  EXPECT_EQ(set.size(), 1u);
}

TEST(ResourceKeyTest, CoreGroupAndClusterScope) {
  auto ns = base::Json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}})");
  EXPECT_EQ(ResourceKey::Of(ns).ToString(), "/Namespace//x");
  EXPECT_EQ(ResourceKey::Of(ns).Display(), "Namespace x");
}

TEST(GvkTest, ParsesApiVersion) {
  EXPECT_EQ(Gvk::FromApiVersion("apps/v1", "Deployment").group, "apps");
  EXPECT_EQ(Gvk::FromApiVersion("v1", "Pod").group, "");
  EXPECT_EQ(Gvk::FromApiVersion("v1", "Pod").ToString(), "v1, Kind=Pod");
}

}  // namespace
}  // namespace capstan::core
