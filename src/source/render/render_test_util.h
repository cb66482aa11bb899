// Copyright 2026 The capstan Authors.
//
// What the renderer tests share: reading a fixture file, parsing YAML written in a test, a build
// environment.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_SOURCE_RENDER_RENDER_TEST_UTIL_H_
#define CAPSTAN_SOURCE_RENDER_RENDER_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/json.h"
#include "base/yaml.h"
#include "source/render/build_env.h"

namespace capstan::source::render::render_testing {

// The whole content of |path| ("" when it cannot be read).
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// |text| parsed as one YAML document; a parse error fails the test (and gives null).
inline base::Json Yaml(std::string_view text) {
  auto v = base::ParseYaml(text, "test");
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : base::Json();
}

// The build environment of an app "guestbook" deployed to namespace "shop" at a fixed commit.
inline BuildEnv GuestbookEnv() {
  BuildEnv env;
  env.app_name = "guestbook";
  env.app_namespace = "shop";
  env.revision = "0123456789abcdef0123456789abcdef01234567";
  return env;
}

// |yaml| parsed by |parse| (ParseKustomizeOptions, ParseHelmOptions, ...); an error fails the test.
template <typename Parse>
auto OptionsOf(Parse parse, std::string_view yaml) {
  using Options = std::remove_cvref_t<decltype(*parse(base::Json()))>;
  auto o = parse(Yaml(yaml));
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  return o.ok() ? Options(*o) : Options{};
}

}  // namespace capstan::source::render::render_testing

#endif  // CAPSTAN_SOURCE_RENDER_RENDER_TEST_UTIL_H_
