// Copyright 2026 The capstan Authors.
//
// RestClient against a cpp-httplib stand-in API server: what goes on the wire for each verb (method,
// path, query, content type, body) and how answers come back (items' kind, Status messages naming the
// object, watch streams ending in ERROR 410).

#include "kube/rest_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>
#include <thread>

#include "base/json.h"
#include "base/metrics.h"
#include "kube/api_error.h"

namespace capstan::kube {
namespace {

using base::Json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

const char kCoreV1[] = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
  {"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["get"]},
  {"name":"pods","namespaced":true,"kind":"Pod","verbs":["get"]},
  {"name":"pods/log","namespaced":true,"kind":"Pod","verbs":["get"]},
  {"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["get"]}]})";
const char kAppsV1[] = R"({"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
  {"name":"deployments","namespaced":true,"kind":"Deployment","verbs":["get"]}]})";

// One request as the server saw it.
struct Seen {
  std::string method, path, query, content_type, body;
};

// A fake API server: discovery for v1 and apps/v1; every other request is recorded and answered by
// |answer| (default: echo the body, or {} for bodiless requests).
class FakeApiServer {
 public:
  FakeApiServer() {
    srv_.Get("/api/v1", [](const httplib::Request&, httplib::Response& res) { res.set_content(kCoreV1, "application/json"); });
    srv_.Get("/apis/apps/v1", [](const httplib::Request&, httplib::Response& res) { res.set_content(kAppsV1, "application/json"); });
    auto record = [this](const httplib::Request& req, httplib::Response& res) {
      Seen s{req.method, req.path, Query(req), req.get_header_value("Content-Type"), req.body};
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back(s);
      }
      if (answer) {
        answer(req, res);
      } else {
        res.set_content(req.body.empty() ? "{}" : req.body, "application/json");
      }
    };
    srv_.Get(".*", record);
    srv_.Post(".*", record);
    srv_.Put(".*", record);
    srv_.Patch(".*", record);
    srv_.Delete(".*", record);
    port_ = srv_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
    while (!srv_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~FakeApiServer() {
    srv_.stop();
    thread_.join();
  }
  std::unique_ptr<RestClient> Client() {
    RestConfig c;
    c.server = "http://127.0.0.1:" + std::to_string(port_);
    c.default_namespace = "dflt";
    c.qps = 0;
    auto r = RestClient::Create(c);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(*r);
  }
  Seen Last() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_.empty() ? Seen{} : seen_.back();
  }
  std::function<void(const httplib::Request&, httplib::Response&)> answer;

 private:
  // The query string in the order the client wrote it (httplib keeps params in a multimap).
  static std::string Query(const httplib::Request& req) {
    auto q = req.target.find('?');
    return q == std::string::npos ? "" : req.target.substr(q + 1);
  }
  httplib::Server srv_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

Json Cm(const std::string& ns, const std::string& name) {
  Json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}};
  if (!ns.empty()) cm["metadata"]["namespace"] = ns;
  return cm;
}

TEST(RestClientTest, WritesCarryDryRunFieldManagerAndTheRightContentTypes) {
  FakeApiServer api;
  auto c = api.Client();
  WriteOptions dry;
  dry.dry_run = true;
  ASSERT_TRUE(c->Create(Cm("ns", "a"), dry).ok());
  EXPECT_EQ(api.Last().method, "POST");
  EXPECT_EQ(api.Last().path, "/api/v1/namespaces/ns/configmaps");
  EXPECT_EQ(api.Last().query, "dryRun=All&fieldManager=capstan");
  EXPECT_EQ(api.Last().content_type, "application/json");
  EXPECT_EQ(Json::parse(api.Last().body), Cm("ns", "a"));

  // No namespace in the object: the context's.
  ASSERT_TRUE(c->Create(Cm("", "b"), {}).ok());
  EXPECT_EQ(api.Last().path, "/api/v1/namespaces/dflt/configmaps");
  EXPECT_EQ(api.Last().query, "fieldManager=capstan");

  ApplyOptions apply;
  apply.dry_run = true;
  apply.field_manager = "mgr";
  ASSERT_TRUE(c->Apply(Cm("ns", "a"), apply).ok());
  EXPECT_EQ(api.Last().method, "PATCH");
  EXPECT_EQ(api.Last().path, "/api/v1/namespaces/ns/configmaps/a");
  EXPECT_EQ(api.Last().query, "dryRun=All&fieldManager=mgr&force=true");
  EXPECT_EQ(api.Last().content_type, "application/apply-patch+yaml");
  apply.force = false;
  apply.dry_run = false;
  apply.subresource = "status";
  ASSERT_TRUE(c->Apply(Cm("ns", "a"), apply).ok());
  EXPECT_EQ(api.Last().path, "/api/v1/namespaces/ns/configmaps/a/status");
  EXPECT_EQ(api.Last().query, "fieldManager=mgr");

  WriteOptions status = dry;
  status.subresource = "status";
  ASSERT_TRUE(c->Update(Cm("ns", "a"), status).ok());
  EXPECT_EQ(api.Last().method, "PUT");
  EXPECT_EQ(api.Last().path, "/api/v1/namespaces/ns/configmaps/a/status");
  EXPECT_EQ(api.Last().query, "dryRun=All&fieldManager=capstan");

  const std::pair<PatchType, const char*> kinds[] = {{PatchType::kMerge, "application/merge-patch+json"},
                                                     {PatchType::kJson, "application/json-patch+json"},
                                                     {PatchType::kStrategicMerge, "application/strategic-merge-patch+json"}};
  for (const auto& [type, ct] : kinds) {
    ASSERT_TRUE(c->Patch({"apps", "v1", "Deployment"}, "ns", "web", type, Json::object(), dry).ok());
    EXPECT_EQ(api.Last().path, "/apis/apps/v1/namespaces/ns/deployments/web");
    EXPECT_EQ(api.Last().content_type, ct);
    EXPECT_EQ(api.Last().query, "dryRun=All&fieldManager=capstan");
  }
}

TEST(RestClientTest, DeleteSendsDeleteOptions) {
  FakeApiServer api;
  auto c = api.Client();
  DeleteOptions o;
  o.dry_run = true;
  o.propagation_policy = "Foreground";
  o.grace_period_seconds = 0;
  o.precondition_uid = "u-1";
  o.precondition_resource_version = "42";
  ASSERT_TRUE(c->Delete({"", "v1", "Namespace"}, "ignored", "prod", o).ok());
  EXPECT_EQ(api.Last().method, "DELETE");
  EXPECT_EQ(api.Last().path, "/api/v1/namespaces/prod");  // cluster-scoped: no namespace part
  EXPECT_EQ(api.Last().query, "dryRun=All");
  EXPECT_EQ(Json::parse(api.Last().body), Json::parse(R"({"kind":"DeleteOptions","apiVersion":"v1",
      "propagationPolicy":"Foreground","gracePeriodSeconds":0,"dryRun":["All"],
      "preconditions":{"uid":"u-1","resourceVersion":"42"}})"));
  ASSERT_TRUE(c->Delete({"", "v1", "ConfigMap"}, "", "x", {}).ok());
  EXPECT_EQ(api.Last().path, "/api/v1/namespaces/dflt/configmaps/x");
  EXPECT_EQ(Json::parse(api.Last().body), Json::parse(R"({"kind":"DeleteOptions","apiVersion":"v1"})"));
}

TEST(RestClientTest, ListEscapesSelectorsAndFillsInKinds) {
  FakeApiServer api;
  api.answer = [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"77","continue":"next"},
                        "items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]})",
                    "application/json");
  };
  auto c = api.Client();
  ListOptions o;
  o.label_selector = "app in (a,b)";
  o.field_selector = "metadata.name!=x";
  o.limit = 2;
  o.continue_token = "tok/en=";
  o.resource_version = "5";
  auto r = c->List({"", "v1", "ConfigMap"}, "", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(api.Last().path, "/api/v1/configmaps");  // all namespaces
  EXPECT_EQ(api.Last().query,
            "labelSelector=app%20in%20%28a%2Cb%29&fieldSelector=metadata.name%21%3Dx&continue=tok%2Fen%3D&"
            "resourceVersion=5&limit=2");
  ASSERT_EQ(r->items.size(), 2u);
  EXPECT_EQ(r->items[1]["kind"], "ConfigMap");
  EXPECT_EQ(r->items[1]["apiVersion"], "v1");
  EXPECT_EQ(r->resource_version, "77");
  EXPECT_EQ(r->continue_token, "next");
}

TEST(RestClientTest, PodLogsQuery) {
  FakeApiServer api;
  api.answer = [](const httplib::Request&, httplib::Response& res) { res.set_content("line\n", "text/plain"); };
  auto c = api.Client();
  LogOptions o;
  o.container = "app";
  o.tail_lines = 10;
  o.limit_bytes = 2048;
  o.previous = true;
  auto r = c->PodLogs("ns", "web-1", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "line\n");
  EXPECT_EQ(api.Last().path, "/api/v1/namespaces/ns/pods/web-1/log");
  EXPECT_EQ(api.Last().query, "container=app&tailLines=10&limitBytes=2048&previous=true");
}

TEST(RestClientTest, ErrorsNameTheObjectAndKeepTheServersStatus) {
  FakeApiServer api;
  api.answer = [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"deployments.apps \"web\" not found",
                        "reason":"NotFound","code":404})",
                    "application/json");
  };
  auto c = api.Client();
  auto r = c->Get({"apps", "v1", "Deployment"}, "ns", "web");
  EXPECT_EQ(r.status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "apps/Deployment ns/web: deployments.apps \"web\" not found");
  ASSERT_NE(ApiErrorOf(r.status()), nullptr);
  EXPECT_EQ(ApiErrorOf(r.status())->reason, "NotFound");
  auto unknown = c->Get({"apps", "v1", "Nope"}, "ns", "x");
  EXPECT_EQ(unknown.status().code(), base::StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("apps/Nope ns/x: the server does not serve apps/v1, Kind=Nope"));
}

TEST(RestClientTest, WatchQueryEventsAndGone) {
  FakeApiServer api;
  api.answer = [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json", [](size_t, httplib::DataSink& sink) {
      std::string body =
          R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"6"}}})" "\n"
          R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}})" "\n"
          R"j({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version: 5 (8)"}})j" "\n";
      sink.write(body.data(), body.size());
      sink.done();
      return true;
    });
  };
  auto c = api.Client();
  WatchOptions o;
  o.resource_version = "5";
  o.label_selector = "a=b";
  o.timeout_seconds = 300;
  std::vector<WatchEventType> got;
  Status s = c->Watch({"", "v1", "ConfigMap"}, "ns", o, [&](const WatchEvent& e) {
    got.push_back(e.type);
    return true;
  }, std::stop_token());
  EXPECT_EQ(api.Last().path, "/api/v1/namespaces/ns/configmaps");
  EXPECT_EQ(api.Last().query, "watch=1&allowWatchBookmarks=true&resourceVersion=5&labelSelector=a%3Db&timeoutSeconds=300");
  EXPECT_EQ(got, (std::vector<WatchEventType>{WatchEventType::kAdded, WatchEventType::kBookmark}));
  EXPECT_TRUE(IsGone(s)) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("watch ConfigMap in namespace ns: too old resource version"));
}

TEST(RestClientTest, EveryRequestIsCountedByKubernetesVerbAndStatus) {
  FakeApiServer api;
  auto c = api.Client();
  // Discovery first, so the counts below are only the requests of this test.
  ASSERT_TRUE(c->Get({"", "v1", "ConfigMap"}, "ns", "warm").ok());
  auto count = [](const std::string& verb, const std::string& code) {
    return base::DefaultMetrics().AddCounter("capstan_kube_api_requests_total", "", {"verb", "code"}).Value({verb, code});
  };
  double get0 = count("get", "200"), list0 = count("list", "200"), patch0 = count("patch", "200");
  double del404 = count("delete", "404"), errors0 = count("get", "error");
  ASSERT_TRUE(c->Get({"", "v1", "ConfigMap"}, "ns", "a").ok());
  ASSERT_TRUE(c->List({"", "v1", "ConfigMap"}, "ns", {}).ok());
  ASSERT_TRUE(c->Apply(Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"}})"),
                       {}).ok());
  api.answer = [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"kind":"Status","code":404,"reason":"NotFound","message":"gone"})", "application/json");
  };
  EXPECT_FALSE(c->Delete({"", "v1", "ConfigMap"}, "ns", "a", {}).ok());
  EXPECT_EQ(count("get", "200"), get0 + 1);
  EXPECT_EQ(count("list", "200"), list0 + 1);
  EXPECT_EQ(count("patch", "200"), patch0 + 1);
  EXPECT_EQ(count("delete", "404"), del404 + 1);
  EXPECT_EQ(count("get", "error"), errors0);
  EXPECT_THAT(base::DefaultMetrics().Render(), HasSubstr("capstan_kube_api_requests_total{verb=\"list\",code=\"200\"} "));
}

}  // namespace
}  // namespace capstan::kube
