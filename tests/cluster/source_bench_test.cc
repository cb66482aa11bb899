// Copyright 2026 The capstan Authors.
//
// Fetch + render time of a generated 500-file repository, cold (empty cache: clone, checkout,
// render) and warm (cached: an incremental fetch that finds nothing, the existing checkout, render),
// and after one pushed change, over git:// and smart HTTPS. Prints the figures; asserts only that the
// right objects come out (no timed assertion: the machine is shared).

#include <gtest/gtest.h>

#include <iomanip>
#include <iostream>

#include "source/directory.h"
#include "source/repository.h"
#include "source/tracking.h"
#include "source_test_util.h"

namespace capstan::source_testing {
namespace {

std::string DeploymentYaml(int i) {
  std::string n = "svc-" + std::to_string(i);
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + n + "\n  labels:\n    app: " + n +
         "\n    tier: backend\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: " + n +
         "\n  template:\n    metadata:\n      labels:\n        app: " + n +
         "\n    spec:\n      containers:\n      - name: main\n        image: registry.example.com/" + n +
         ":1.0.0\n        ports:\n        - containerPort: 8080\n        env:\n        - name: MODE\n          value: "
         "production\n        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n"
         "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: " + n + "\nspec:\n  selector:\n    app: " + n +
         "\n  ports:\n  - port: 80\n    targetPort: 8080\n";
}

class SourceBenchTest : public SourceTest {};

TEST_F(SourceBenchTest, FiveHundredFileRepoColdAndWarm) {
  std::string repos = scratch_ / "srv";
  fs::create_directories(repos);
  RepoFixture repo(repos, "big");
  for (int i = 0; i < 500; ++i) repo.Write("app/team" + std::to_string(i % 10) + "/svc-" + std::to_string(i) + ".yaml", DeploymentYaml(i));
  repo.CommitAndPush("500 files");

  GitDaemon daemon;
  ASSERT_TRUE(daemon.Start(repos, scratch_.path()));
  HttpsGit https;
  ASSERT_TRUE(https.Start(repos, scratch_.path(), "bench", "bench-pw"));

  using Ms = std::chrono::duration<double, std::milli>;
  struct Row {
    std::string what;
    double fetch_ms, checkout_ms, render_ms;
  };
  std::vector<Row> rows;
  auto run = [&](const std::string& label, const std::string& url, const source::Credentials& creds,
                 const std::string& cache, size_t want) {
    source::RepositoryOptions o = Options();
    o.cache_dir = cache;
    auto t0 = std::chrono::steady_clock::now();
    auto r = source::Repository::Open(url, creds, o);
    ASSERT_TRUE(r.ok());
    auto sha = (*r)->Resolve("main");
    ASSERT_TRUE(sha.ok()) << sha.status().ToString();
    auto t1 = std::chrono::steady_clock::now();
    auto co = (*r)->CheckoutCommit(*sha);
    ASSERT_TRUE(co.ok()) << co.status().ToString();
    auto t2 = std::chrono::steady_clock::now();
    auto objs = source::RenderDirectory(co->dir(), "app", {.recurse = true});
    ASSERT_TRUE(objs.ok()) << objs.status().ToString();
    ASSERT_TRUE(source::AddTrackingAnnotations(*objs, {.instance_name = "bench", .destination_namespace = "bench"}).ok());
    auto t3 = std::chrono::steady_clock::now();
    EXPECT_EQ(objs->size(), want) << label;
    rows.push_back({label, Ms(t1 - t0).count(), Ms(t2 - t1).count(), Ms(t3 - t2).count()});
  };

  source::Credentials https_creds{.username = "bench", .password = "bench-pw", .tls_ca_pem = https.ca_pem()};
  run("git://  cold", daemon.Url("big"), {}, scratch_ / "cache-git", 1000);
  run("git://  warm", daemon.Url("big"), {}, scratch_ / "cache-git", 1000);
  run("https:// cold", https.Url("big"), https_creds, scratch_ / "cache-https", 1000);
  run("https:// warm", https.Url("big"), https_creds, scratch_ / "cache-https", 1000);
  repo.Write("app/team0/svc-0.yaml", DeploymentYaml(0) + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n");
  repo.CommitAndPush("one more");
  run("git://  after 1-file push", daemon.Url("big"), {}, scratch_ / "cache-git", 1001);
  run("https:// after 1-file push", https.Url("big"), https_creds, scratch_ / "cache-https", 1001);

  std::cout << "\n500 files (1000 objects, " << fs::file_size(repo.work() + "/app/team0/svc-0.yaml") * 500 / 1024
            << " KiB of YAML) fetch + checkout + render:\n";
  std::cout << std::left << std::setw(28) << "  case" << std::right << std::setw(12) << "fetch ms" << std::setw(13)
            << "checkout ms" << std::setw(12) << "render ms" << std::setw(11) << "total ms\n";
  for (const Row& r : rows) {
    std::cout << "  " << std::left << std::setw(26) << r.what << std::right << std::fixed << std::setprecision(1)
              << std::setw(12) << r.fetch_ms << std::setw(13) << r.checkout_ms << std::setw(12) << r.render_ms
              << std::setw(10) << (r.fetch_ms + r.checkout_ms + r.render_ms) << "\n";
  }
}

}  // namespace
}  // namespace capstan::source_testing
