// Copyright 2026 The capstan Authors.

#include "diff/redact.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/base64.h"

namespace capstan::diff {
namespace {

using ::testing::Not;
using ::testing::HasSubstr;

base::Json Secret(const base::Json& data) {
  return {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}, {"namespace", "ns"}}}, {"data", data}};
}

TEST(RedactTest, EqualValuesShareAMaskDifferentValuesDoNot) {
  base::Json a = Secret({{"same", base::Base64Encode("s3cr3t-equal")}, {"changed", base::Base64Encode("old-value")}});
  base::Json b = Secret({{"same", base::Base64Encode("s3cr3t-equal")}, {"changed", base::Base64Encode("new-value")}});
  RedactSecrets(a, b);
  EXPECT_EQ(a["data"]["same"], "++++++++");
  EXPECT_EQ(b["data"]["same"], "++++++++");
  EXPECT_EQ(a["data"]["changed"], "++++++++");
  EXPECT_EQ(b["data"]["changed"], "++++++++++++");
}

TEST(RedactTest, StringDataAndLastAppliedAreMaskedAndNoValueRemains) {
  base::Json target = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}}},
                       {"stringData", {{"password", "Zebra-Unique-771"}}}};
  base::Json live = Secret({{"password", base::Base64Encode("Zebra-Unique-771")}, {"extra", "eA=="}});
  live["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] =
      R"({"stringData":{"password":"Zebra-Unique-771"}})";
  RedactSecrets(target, live);
  std::string all = target.dump() + live.dump();
  EXPECT_THAT(all, Not(HasSubstr("Zebra-Unique-771")));
  EXPECT_THAT(all, Not(HasSubstr(base::Base64Encode("Zebra-Unique-771"))));
  EXPECT_FALSE(target.contains("stringData"));
  EXPECT_EQ(target["data"]["password"], live["data"]["password"]);  // same value, same mask
  EXPECT_EQ(live["data"]["extra"], "++++++++");
}

TEST(RedactTest, OtherKindsAndNullAreLeftAlone) {
  base::Json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"data", {{"k", "visible"}}}};
  base::Json copy = cm;
  base::Json none;
  RedactSecrets(cm, none);
  EXPECT_EQ(cm, copy);
  EXPECT_TRUE(none.is_null());
  base::Json s = Secret({{"k", "dmFsdWU="}});
  RedactSecret(s);
  EXPECT_EQ(s["data"]["k"], "++++++++");
}

}  // namespace
}  // namespace capstan::diff
