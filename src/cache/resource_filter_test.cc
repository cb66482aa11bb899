// Copyright 2026 The capstan Authors.

#include "cache/resource_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace capstan::cache {
namespace {

using ::testing::HasSubstr;

constexpr char kInCluster[] = "https://kubernetes.default.svc";

core::Gvk G(std::string group, std::string kind) { return {std::move(group), "v1", std::move(kind)}; }

TEST(GlobMatchTest, StarsAndQuestionMarks) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "apps"));
  EXPECT_TRUE(GlobMatch("*.k8s.io", "networking.k8s.io"));
  EXPECT_FALSE(GlobMatch("*.k8s.io", "k8s.io"));
  EXPECT_TRUE(GlobMatch("Cilium*", "CiliumEndpoint"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXXbYYbc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "aXXbYYb"));
  EXPECT_TRUE(GlobMatch("Pod?", "Pods"));
  EXPECT_FALSE(GlobMatch("Pod?", "Pod"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "x"));
  EXPECT_FALSE(GlobMatch("Deployment", "deployment"));
}

TEST(ResourceFilterTest, DefaultsExcludeArgoCdsListAndAllowTheRest) {
  ResourceFilter f;
  for (const auto& [group, kind] : std::vector<std::pair<std::string, std::string>>{
           {"", "Event"}, {"events.k8s.io", "Event"}, {"metrics.k8s.io", "PodMetrics"}, {"coordination.k8s.io", "Lease"},
           {"", "Endpoints"}, {"discovery.k8s.io", "EndpointSlice"}, {"authentication.k8s.io", "TokenReview"},
           {"authorization.k8s.io", "SubjectAccessReview"}, {"certificates.k8s.io", "CertificateSigningRequest"},
           {"wgpolicyk8s.io", "PolicyReport"}, {"cilium.io", "CiliumIdentity"}}) {
    EXPECT_FALSE(f.Allows(G(group, kind), kInCluster)) << group << "/" << kind;
  }
  EXPECT_TRUE(f.Allows(G("", "ConfigMap"), kInCluster));
  EXPECT_TRUE(f.Allows(G("apps", "Deployment"), kInCluster));
  EXPECT_TRUE(f.Allows(G("example.com", "Widget"), kInCluster));
}

TEST(ResourceFilterTest, UserExclusionsReplaceTheDefaultsButNotTheCoreList) {
  auto f = ResourceFilter::FromSettings(std::nullopt, R"(
- apiGroups: ["*.example.com"]
  kinds: ["*"]
  clusters: ["https://prod-*"]
)");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_FALSE(f->Allows(G("a.example.com", "Widget"), "https://prod-1"));
  EXPECT_TRUE(f->Allows(G("a.example.com", "Widget"), kInCluster));  // another cluster
  EXPECT_TRUE(f->Allows(G("", "Endpoints"), kInCluster));            // the default list was replaced
  EXPECT_FALSE(f->Allows(G("", "Event"), kInCluster));               // the core list always applies
  EXPECT_FALSE(f->Allows(G("coordination.k8s.io", "Lease"), kInCluster));
}

TEST(ResourceFilterTest, InclusionsAreAnAllowListAndExclusionsWinOverThem) {
  auto f = ResourceFilter::FromSettings(R"(
- apiGroups: ["", "apps"]
  kinds: ["*"]
)",
                                        R"(
- apiGroups: ["apps"]
  kinds: [ReplicaSet]
)");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(f->Allows(G("", "ConfigMap"), kInCluster));
  EXPECT_TRUE(f->Allows(G("apps", "Deployment"), kInCluster));
  EXPECT_FALSE(f->Allows(G("apps", "ReplicaSet"), kInCluster));   // excluded although included
  EXPECT_FALSE(f->Allows(G("batch", "Job"), kInCluster));         // not included
  EXPECT_FALSE(f->Allows(G("", "Event"), kInCluster));            // core exclusion
}

TEST(ResourceFilterTest, EmptyValuesAndOmittedFieldsMatchEverything) {
  auto f = ResourceFilter::FromSettings("", "- kinds: [Secret]\n");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(f->inclusions().empty());
  EXPECT_FALSE(f->Allows(G("", "Secret"), kInCluster));
  EXPECT_FALSE(f->Allows(G("other.io", "Secret"), "https://any"));  // no apiGroups, no clusters: all
  EXPECT_TRUE(f->Allows(G("", "ConfigMap"), kInCluster));
}

TEST(ResourceFilterTest, BadInputNamesTheKeyTheEntryAndTheField) {
  auto not_list = ParseFilteredResources("apiGroups: [apps]", "resource.exclusions");
  EXPECT_THAT(not_list.status().message(), HasSubstr("resource.exclusions: expected a list"));

  auto not_map = ParseFilteredResources("- apps\n", "resource.inclusions");
  EXPECT_THAT(not_map.status().message(), HasSubstr("resource.inclusions: entry 1: expected a map"));

  auto scalar = ParseFilteredResources("- kinds: [Pod]\n- kinds: Deployment\n", "resource.exclusions");
  EXPECT_EQ(scalar.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(scalar.status().message(), HasSubstr("resource.exclusions: entry 2: kinds must be a list of strings"));

  auto number = ParseFilteredResources("- apiGroups: [{a: 1}]\n", "resource.exclusions");
  EXPECT_THAT(number.status().message(), HasSubstr("entry 1: apiGroups must be a list of strings"));

  auto typo = ParseFilteredResources("- apiGroup: [apps]\n", "resource.exclusions");
  EXPECT_THAT(typo.status().message(), HasSubstr("entry 1: unknown field \"apiGroup\""));

  auto yaml = ParseFilteredResources("- kinds: [Pod\n", "resource.exclusions");
  EXPECT_EQ(yaml.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(yaml.status().message(), HasSubstr("resource.exclusions"));

  auto from_settings = ResourceFilter::FromSettings("- 3\n", std::nullopt);
  EXPECT_THAT(from_settings.status().message(), HasSubstr("resource.inclusions: entry 1"));
}

}  // namespace
}  // namespace capstan::cache
