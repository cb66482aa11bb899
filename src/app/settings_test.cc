// Copyright 2026 The capstan Authors.

#include "app/settings.h"

#include <gtest/gtest.h>

#include "base/json.h"
#include "kube/fake_client.h"

namespace capstan::app {
namespace {

TEST(SettingsTest, MissingConfigMapIsEmptyConfiguration) {
  kube::FakeClient client;
  auto settings = LoadSettings(client, "capstan");
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_TRUE(settings->data.empty());
  EXPECT_FALSE(settings->Get("resource.customizations.health.batch_Job").has_value());
}

TEST(SettingsTest, ReadsDataOfCapstanCm) {
  kube::FakeClient client;
  base::Json cm = {{"apiVersion", "v1"},
                   {"kind", "ConfigMap"},
                   {"metadata", {{"name", "capstan-cm"}, {"namespace", "cp"}}},
                   {"data", {{"resource.customizations.health.ConfigMap", "return {}"}}}};
  ASSERT_TRUE(client.Create(cm, {}).ok());
  auto settings = LoadSettings(client, "cp");
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->Get("resource.customizations.health.ConfigMap"), "return {}");
  auto other_ns = LoadSettings(client, "capstan");
  ASSERT_TRUE(other_ns.ok());
  EXPECT_TRUE(other_ns->data.empty());
}

}  // namespace
}  // namespace capstan::app
