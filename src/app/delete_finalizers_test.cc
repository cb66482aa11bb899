// Copyright 2026 The capstan Authors.
//
// The deletion finalizers kept in line with the rendered targets (spec §4.1), on the FakeClient.

#include "app/delete_finalizers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "kube/fake_client.h"

namespace capstan::app {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

base::Json Hook(const std::string& name, const std::string& key, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "ns"}, {"annotations", {{key, value}}}}}};
}

base::Json Cm(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "ns"}}}};
}

class DeleteFinalizersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base::Json app = {{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "Application"},
                      {"metadata", {{"name", "app"}, {"namespace", "ns"}, {"finalizers", {"example.com/keep"}}}},
                      {"spec", base::Json::object()}};
    ASSERT_TRUE(fake_.Create(app, {}).ok());
  }
  base::Json App() { return *fake_.Get(kApplicationGvk, "ns", "app"); }
  int Updates() {
    auto r = fake_.requests();
    return static_cast<int>(std::count_if(r.begin(), r.end(), [](const std::string& s) { return s.rfind("UPDATE", 0) == 0; }));
  }

  kube::FakeClient fake_{"ns"};
};

TEST_F(DeleteFinalizersTest, PreDeleteHookAddsBothPreDeleteFinalizersOnce) {
  std::vector<base::Json> targets = {Cm("cm"), Hook("pre", "argocd.argoproj.io/hook", "PreDelete")};
  ASSERT_TRUE(SyncDeletionHookFinalizers(fake_, App(), targets).ok());
  EXPECT_THAT(FinalizersOf(App()), ElementsAre("example.com/keep", std::string(kPreDeleteFinalizer),
                                               std::string(kPreDeleteCleanupFinalizer)));
  EXPECT_EQ(Updates(), 1);
  // Nothing changes: no request at all.
  base::Json app = App();
  fake_.ClearRequests();
  ASSERT_TRUE(SyncDeletionHookFinalizers(fake_, app, targets).ok());
  EXPECT_THAT(fake_.requests(), IsEmpty());
}

TEST_F(DeleteFinalizersTest, HelmPostDeleteHookAddsPostDeleteFinalizers) {
  std::vector<base::Json> targets = {Hook("post", "helm.sh/hook", "post-delete")};
  ASSERT_TRUE(SyncDeletionHookFinalizers(fake_, App(), targets).ok());
  EXPECT_THAT(FinalizersOf(App()), UnorderedElementsAre("example.com/keep", std::string(kPostDeleteFinalizer),
                                                        std::string(kPostDeleteCleanupFinalizer)));
}

TEST_F(DeleteFinalizersTest, HooksGoneFromGitRemoveTheirFinalizersOnly) {
  ASSERT_TRUE(SyncDeletionHookFinalizers(fake_, App(),
                                         {Hook("pre", "argocd.argoproj.io/hook", "PreDelete"),
                                          Hook("post", "argocd.argoproj.io/hook", "PostDelete")})
                  .ok());
  ASSERT_EQ(FinalizersOf(App()).size(), 5u);
  // The user's cascade finalizer stays whatever the hooks are.
  ASSERT_TRUE(EditFinalizers(fake_, {"ns", "app"}, [](const base::Json&, std::vector<std::string>& l) {
                l.emplace_back(kResourcesFinalizer);
                return true;
              }).ok());
  ASSERT_TRUE(SyncDeletionHookFinalizers(fake_, App(), {Hook("post", "argocd.argoproj.io/hook", "PostDelete")}).ok());
  EXPECT_THAT(FinalizersOf(App()),
              UnorderedElementsAre("example.com/keep", std::string(kPostDeleteFinalizer),
                                   std::string(kPostDeleteCleanupFinalizer), std::string(kResourcesFinalizer)));
  ASSERT_TRUE(SyncDeletionHookFinalizers(fake_, App(), {Cm("cm")}).ok());
  EXPECT_THAT(FinalizersOf(App()), UnorderedElementsAre("example.com/keep", std::string(kResourcesFinalizer)));
}

TEST_F(DeleteFinalizersTest, AppBeingDeletedIsNotTouched) {
  ASSERT_TRUE(fake_.Delete(kApplicationGvk, "ns", "app", {}).ok());  // kept by example.com/keep
  ASSERT_TRUE(IsDeleting(App()));
  fake_.ClearRequests();
  ASSERT_TRUE(SyncDeletionHookFinalizers(fake_, App(), {Hook("pre", "argocd.argoproj.io/hook", "PreDelete")}).ok());
  EXPECT_THAT(FinalizersOf(App()), ElementsAre("example.com/keep"));
  EXPECT_EQ(Updates(), 0);
}

TEST_F(DeleteFinalizersTest, StaleReadIsCheckedAgainAfterTheGet) {
  base::Json stale = App();
  ASSERT_TRUE(fake_.Delete(kApplicationGvk, "ns", "app", {}).ok());
  // |stale| has no deletionTimestamp, the stored app has: nothing is written.
  ASSERT_TRUE(SyncDeletionHookFinalizers(fake_, stale, {Hook("pre", "argocd.argoproj.io/hook", "PreDelete")}).ok());
  EXPECT_THAT(FinalizersOf(App()), ElementsAre("example.com/keep"));
}

TEST_F(DeleteFinalizersTest, ConflictIsRetried) {
  fake_.InjectError("UPDATE", "argoproj.io/Application ns/app", base::Status::Conflict("the object has been modified"), 2);
  ASSERT_TRUE(SyncDeletionHookFinalizers(fake_, App(), {Hook("pre", "argocd.argoproj.io/hook", "PreDelete")}).ok());
  EXPECT_TRUE(HasFinalizer(App(), kPreDeleteFinalizer));
  EXPECT_EQ(Updates(), 3);
}

TEST_F(DeleteFinalizersTest, RemovingTheLastFinalizerOfADeletingAppRemovesIt) {
  ASSERT_TRUE(fake_.Delete(kApplicationGvk, "ns", "app", {}).ok());
  ASSERT_TRUE(RemoveFinalizer(fake_, {"ns", "app"}, "example.com/keep").ok());
  EXPECT_EQ(fake_.Get(kApplicationGvk, "ns", "app").status().code(), base::StatusCode::kNotFound);
  // Gone: removing again is fine.
  EXPECT_TRUE(RemoveFinalizer(fake_, {"ns", "app"}, "example.com/keep").ok());
}

TEST(FindDeletionHooksTest, HookTypes) {
  EXPECT_FALSE(FindDeletionHooks({Cm("a"), Hook("h", "argocd.argoproj.io/hook", "PreSync")}).pre_delete);
  DeletionHooks both = FindDeletionHooks({Hook("h", "argocd.argoproj.io/hook", "PreSync,PostDelete"),
                                          Hook("g", "helm.sh/hook", "pre-delete")});
  EXPECT_TRUE(both.pre_delete);
  EXPECT_TRUE(both.post_delete);
  EXPECT_TRUE(IsCascadeFinalizer(kResourcesFinalizerBackground));
  EXPECT_FALSE(IsCascadeFinalizer(kPreDeleteFinalizer));
}

}  // namespace
}  // namespace capstan::app
