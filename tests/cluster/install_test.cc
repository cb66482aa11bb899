// Copyright 2026 The capstan Authors.
//
// `capstan install` run as a user runs it: the binary, against the local control plane.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/subprocess.h"
#include "testing/cluster_fixture.h"

namespace capstan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class InstallTest : public testing::ClusterTest {
 protected:
  base::SubprocessResult Capstan(std::vector<std::string> args) {
    base::SubprocessOptions opts;
    opts.argv = {std::string(CAPSTAN_BINARY_DIR) + "/capstan", "--kubeconfig", testing::TestKubeconfigPath()};
    opts.argv.insert(opts.argv.end(), args.begin(), args.end());
    opts.timeout = std::chrono::seconds(60);
    auto r = base::RunSubprocess(opts);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : base::SubprocessResult{};
  }
};

TEST_F(InstallTest, InstallsCrdsProjectAndIsIdempotent) {
  auto first = Capstan({"install"});
  ASSERT_EQ(first.exit_code, 0) << first.stderr_text;
  EXPECT_THAT(first.stdout_text, HasSubstr("customresourcedefinition.apiextensions.k8s.io/applications.argoproj.io"));
  EXPECT_THAT(first.stdout_text, HasSubstr("appproject.argoproj.io/default"));

  // The Application kind is served and an Application can be stored with any spec and status.
  base::Json app = {{"apiVersion", "argoproj.io/v1alpha1"},
                    {"kind", "Application"},
                    {"metadata", {{"name", "probe"}, {"namespace", ns()}}},
                    {"spec", {{"project", "default"}, {"destination", {{"namespace", ns()}}}}},
                    {"status", {{"sync", {{"status", "Synced"}}}}}};
  auto created = client().Create(app, {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(base::GetStringAt(*created, "status/sync/status"), "Synced");  // no status subresource
  auto project = client().Get({"argoproj.io", "v1alpha1", "AppProject"}, "capstan", "default");
  ASSERT_TRUE(project.ok()) << project.status().ToString();

  auto second = Capstan({"install"});
  ASSERT_EQ(second.exit_code, 0) << second.stderr_text;
  EXPECT_THAT(second.stdout_text, Not(HasSubstr("created")));
}

TEST_F(InstallTest, UnreachableServerIsAClearError) {
  auto r = Capstan({"--context", "no-such-context", "install"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("context \"no-such-context\" not found"));
}

}  // namespace
}  // namespace capstan
