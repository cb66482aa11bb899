// Copyright 2026 The capstan Authors.

#include "source/render/render_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace capstan::source::render {
namespace {
namespace fs = std::filesystem;

class RenderCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/render-cache-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(RenderCacheTest, StoresAndReturnsObjectsByKey) {
  RenderCache cache(dir_ + "/renders");
  std::string key = RenderCache::KeyOf({{"repo", "r"}, {"commit", "abc"}, {"path", "."}});
  EXPECT_FALSE(cache.Get(key).has_value());
  std::vector<base::Json> objects = {{{"kind", "ConfigMap"}, {"metadata", {{"name", "a"}}}}};
  cache.Put(key, objects);
  auto got = cache.Get(key);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, objects);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/renders/" + key + ".json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // rendered manifests may hold Secrets
}

TEST_F(RenderCacheTest, KeyChangesWithAnyPart) {
  base::Json a = {{"repo", "r"}, {"commit", "abc"}, {"options", {{"namePrefix", "x-"}}}};
  base::Json b = a;
  b["options"]["namePrefix"] = "y-";
  EXPECT_NE(RenderCache::KeyOf(a), RenderCache::KeyOf(b));
  EXPECT_EQ(RenderCache::KeyOf(a), RenderCache::KeyOf(base::Json(a)));
}

TEST_F(RenderCacheTest, DamagedEntryIsAMiss) {
  RenderCache cache(dir_);
  std::string key = RenderCache::KeyOf({{"k", 1}});
  cache.Put(key, {base::Json::object()});
  FILE* f = std::fopen((dir_ + "/" + key + ".json").c_str(), "w");
  std::fputs("[{\"kind\":", f);
  std::fclose(f);
  EXPECT_FALSE(cache.Get(key).has_value());
}

TEST_F(RenderCacheTest, KeepsAtMostMaxEntries) {
  RenderCache cache(dir_, 3);
  for (int i = 0; i < 6; ++i) cache.Put(RenderCache::KeyOf({{"i", i}}), {base::Json::object()});
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir_)) n += e.path().extension() == ".json";
  EXPECT_EQ(n, 3u);
}

TEST_F(RenderCacheTest, DisabledCacheStoresNothing) {
  RenderCache cache("");
  cache.Put("k", {base::Json::object()});
  EXPECT_FALSE(cache.Get("k").has_value());
}

}  // namespace
}  // namespace capstan::source::render
