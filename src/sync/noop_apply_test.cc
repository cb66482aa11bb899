// Copyright 2026 The capstan Authors.

#include "sync/noop_apply.h"

#include <gtest/gtest.h>

namespace capstan::sync {
namespace {

base::Json Target() {
  return base::Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
    "metadata":{"name":"cm","namespace":"ns","annotations":{"argocd.argoproj.io/tracking-id":"app:/ConfigMap:ns/cm"}},
    "data":{"a":"1","b":"2"}})");
}

// The live object as the API server returns it after capstan applied Target().
base::Json Live() {
  base::Json live = Target();
  live["metadata"]["uid"] = "u";
  live["metadata"]["resourceVersion"] = "5";
  live["metadata"]["managedFields"] = base::Json::parse(R"([{"manager":"capstan","operation":"Apply",
    "apiVersion":"v1","fieldsType":"FieldsV1","time":"2026-11-27T06:00:00Z",
    "fieldsV1":{"f:data":{".":{},"f:a":{},"f:b":{}},
                "f:metadata":{"f:annotations":{".":{},"f:argocd.argoproj.io/tracking-id":{}}}}}])");
  return live;
}

TEST(NoopApplyTest, SameConfigurationAppliedByUsIsANoOp) { EXPECT_TRUE(ApplyIsNoOp(Target(), Live(), "capstan")); }

TEST(NoopApplyTest, ChangedValueMustBeApplied) {
  base::Json t = Target();
  t["data"]["a"] = "changed";
  EXPECT_FALSE(ApplyIsNoOp(t, Live(), "capstan"));
}

TEST(NoopApplyTest, FieldRemovedFromGitMustBeApplied) {
  // The apply would delete data.b, which capstan owns.
  base::Json t = Target();
  t["data"].erase("b");
  EXPECT_FALSE(ApplyIsNoOp(t, Live(), "capstan"));
}

TEST(NoopApplyTest, OtherManagersFieldsDoNotMatter) {
  base::Json live = Live();
  live["data"]["c"] = "theirs";
  live["metadata"]["managedFields"].push_back(base::Json::parse(
      R"({"manager":"kubectl-edit","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:c":{}}}})"));
  EXPECT_TRUE(ApplyIsNoOp(Target(), live, "capstan"));
}

TEST(NoopApplyTest, ObjectsNotLastAppliedByUsAreApplied) {
  EXPECT_FALSE(ApplyIsNoOp(Target(), Live(), "argocd-controller"));  // another field manager
  base::Json live = Live();
  live["metadata"]["managedFields"][0]["operation"] = "Update";  // client-side apply, or kubectl edit
  EXPECT_FALSE(ApplyIsNoOp(Target(), live, "capstan"));
  live = Live();
  live["metadata"].erase("managedFields");
  EXPECT_FALSE(ApplyIsNoOp(Target(), live, "capstan"));
}

TEST(NoopApplyTest, KeyedListsAreNotProvenAndAlwaysApplied) {
  base::Json live = Live();
  live["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"] =
      base::Json::parse(R"({"f:containers":{"k:{\"name\":\"main\"}":{".":{},"f:image":{}}}})");
  base::Json t = Target();
  t["spec"] = base::Json::parse(R"({"containers":[{"name":"main","image":"x"}]})");
  live["spec"] = t["spec"];
  EXPECT_FALSE(ApplyIsNoOp(t, live, "capstan"));
}

}  // namespace
}  // namespace capstan::sync
