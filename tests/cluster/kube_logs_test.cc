// Copyright 2026 The capstan Authors.
//
// RestClient::PodLogs against the local control plane: the API server proxies pods/NAME/log to the
// node agent (capstan-localnode), which serves the text a pod's localnode.capstan.dev/log annotation
// gives. Needs the cluster's node agent.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/json.h"
#include "kube/api_error.h"
#include "kube_test_util.h"
#include "testing/cluster_fixture.h"

namespace capstan::testing {
namespace {

using base::Json;
using base::StatusCode;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class KubeLogsTest : public ClusterTest {};

TEST_F(KubeLogsTest, PodLogsWithContainerTailAndLimit) {
  Json pod = Json::parse(R"({"apiVersion":"v1","kind":"Pod",
    "metadata":{"name":"chatty","namespace":")" + ns() + R"(",
                "annotations":{"localnode.capstan.dev/log":"one\ntwo\nthree\n"}},
    "spec":{"restartPolicy":"Always","containers":[
      {"name":"app","image":"registry.k8s.io/pause:3.2"},
      {"name":"side","image":"registry.k8s.io/pause:3.2"}]}})");
  ASSERT_TRUE(client().Create(pod, {}).ok());
  ASSERT_TRUE(WaitFor([&] {
    auto p = client().Get({"", "v1", "Pod"}, ns(), "chatty");
    return p.ok() && base::GetStringAt(*p, "status/phase") == "Running";
  }, 60s)) << "the node agent did not run the pod";

  kube::LogOptions app;
  app.container = "app";
  auto all = client().PodLogs(ns(), "chatty", app);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, "one\ntwo\nthree\n");

  kube::LogOptions tail = app;
  tail.tail_lines = 1;
  auto last = client().PodLogs(ns(), "chatty", tail);
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(*last, "three\n");

  kube::LogOptions limited = app;
  limited.limit_bytes = 5;
  auto head = client().PodLogs(ns(), "chatty", limited);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, "one\nt");

  // Two containers and none named: the API server asks which.
  auto which = client().PodLogs(ns(), "chatty", {});
  EXPECT_EQ(which.status().code(), StatusCode::kInvalidArgument) << which.status().ToString();
  EXPECT_THAT(which.status().message(), HasSubstr("Pod " + ns() + "/chatty"));
  EXPECT_THAT(which.status().message(), HasSubstr("container name must be specified"));

  // (previous=true reaches the node agent, which plays one instance per container and ignores it:
  // the query is checked in rest_client_test.cc.)

  auto missing = client().PodLogs(ns(), "ghost", {});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
  EXPECT_THAT(missing.status().message(), HasSubstr("pods \"ghost\" not found"));
}

}  // namespace
}  // namespace capstan::testing
