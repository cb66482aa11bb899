// Copyright 2026 The capstan Authors.

#include "base/base64.h"

#include <gtest/gtest.h>

namespace capstan::base {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto d = Base64Decode(encoded);
    ASSERT_TRUE(d.ok()) << encoded;
    EXPECT_EQ(*d, plain);
  }
}

TEST(Base64Test, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  auto d = Base64Decode(Base64Encode(all));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, all);
}

TEST(Base64Test, WhitespaceAndMissingPaddingAreTolerated) {
  auto d = Base64Decode("Zm9v\nYmE\r\n");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "fooba");
  d = Base64Decode("Zg");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "f");
}

TEST(Base64Test, InvalidInputIsAnErrorWithoutTheText) {
  for (std::string bad : {"Zm9v!", "Zg=a", "Z", "Zg===", "secret-token$"}) {
    auto d = Base64Decode(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(d.status().message().find(bad), std::string::npos);
    EXPECT_EQ(d.status().message().rfind("invalid base64 at offset ", 0), 0u);
  }
}

}  // namespace
}  // namespace capstan::base
