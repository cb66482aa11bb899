// Copyright 2026 The capstan Authors.
//
// The Helm renderer against the real helm on the charts in testdata/helm/ (guestbook, with-dep +
// lib-chart), compared with expected.yaml written by hand. Each test renders from a read-only copy of
// testdata/helm (the checkout is shared and read-only in capstan).

#include "source/render/helm.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/yaml.h"
#include "source/render/render_test_util.h"

namespace capstan::source::render {
namespace {

using render_testing::ReadFile;

namespace fs = std::filesystem;

const fs::path kTestdata = fs::path(__FILE__).parent_path() / "testdata" / "helm";

void SetWritable(const fs::path& root, bool writable) {
  auto opt = writable ? fs::perm_options::add : fs::perm_options::remove;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_symlink()) fs::permissions(e.path(), fs::perms::owner_write | fs::perms::group_write, opt);
  }
  fs::permissions(root, fs::perms::owner_write, opt);
}

// A read-only copy of testdata/helm as a checkout root.
class HelmRenderTest : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan-helm-test-XXXXXX";
    scratch_ = mkdtemp(tmpl);
    root_ = scratch_ + "/checkout";
    fs::copy(kTestdata, root_, fs::copy_options::recursive);
    extra_ = scratch_ + "/other";
    fs::create_directories(extra_ + "/envs");
    std::ofstream(extra_ + "/envs/prod.yaml") << "replicaCount: 5\n";
    std::ofstream(scratch_ + "/outside.yaml") << "replicaCount: 9\n";
    SetWritable(root_, false);
    env_.app_name = "guestbook-prod";
    env_.app_namespace = "web";
    env_.kube_version = "1.20.5";
    env_.api_versions = {"v1", "apps/v1", "batch/v1", "batch/v1beta1", "policy/v1beta1", "networking.k8s.io/v1",
                         "apiextensions.k8s.io/v1", "rbac.authorization.k8s.io/v1", "example.com/v1"};
  }
  void TearDown() override {
    SetWritable(root_, true);
    fs::remove_all(scratch_);
  }

  std::string Chart(const std::string& name = "guestbook") const { return root_ + "/" + name; }

  base::Result<std::vector<base::Json>> Render(const std::string& helm_yaml, const std::string& chart = "guestbook",
                                               const RefRoots& refs = {}) {
    auto block = base::ParseYaml(helm_yaml.empty() ? "{}" : helm_yaml, "helm");
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    auto options = ParseHelmOptions(*block);
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    if (!options.ok()) return options.status();
    return RenderHelm(root_, Chart(chart), *options, env_, refs, {});
  }

  static const base::Json* Find(const std::vector<base::Json>& objs, const std::string& kind, const std::string& name) {
    for (const base::Json& o : objs) {
      if (base::GetString(o, "kind") == kind && base::GetStringAt(o, "metadata/name") == name) return &o;
    }
    return nullptr;
  }

  static std::string Data(const std::vector<base::Json>& objs, const std::string& key,
                          const std::string& cm = "guestbook-prod-config") {
    const base::Json* o = Find(objs, "ConfigMap", cm);
    if (o == nullptr) return "<no ConfigMap " + cm + ">";
    return base::GetStringAt(*o, "data/" + key);
  }

  std::string scratch_, root_, extra_;
  BuildEnv env_;
};

constexpr char kAllOptions[] = R"(
valueFiles: [values-prod.yaml]
values: |
  greeting: hello from spec.source.helm.values
parameters:
- name: image.tag
  value: "1.21"
- name: portValue
  value: "8080"
  forceString: true
- name: owner
  value: $ARGOCD_APP_NAME-team
fileParameters:
- name: motd
  path: files/motd.txt
)";

TEST_F(HelmRenderTest, ChartWithAllOptionsMatchesTheHandWrittenObjects) {
  auto objs = Render(kAllOptions);
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  auto expected = base::ParseYamlStream(ReadFile(kTestdata / "expected.yaml"), "expected.yaml");
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  ASSERT_EQ(objs->size(), expected->size());
  for (const base::YamlDocument& want : *expected) {
    std::string kind = base::GetString(want.value, "kind"), name = base::GetStringAt(want.value, "metadata/name");
    const base::Json* got = Find(*objs, kind, name);
    ASSERT_NE(got, nullptr) << kind << " " << name << " is missing";
    EXPECT_EQ(*got, want.value) << kind << " " << name << "\n got:\n" << base::EmitYaml(*got) << "want:\n"
                                << base::EmitYaml(want.value);
  }
  // --include-crds puts the chart's crds/ first.
  EXPECT_EQ(base::GetString(objs->front(), "kind"), "CustomResourceDefinition");
}

TEST_F(HelmRenderTest, DefaultsAreTheAppNameDestinationNamespaceAndValuesYaml) {
  auto objs = Render("");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  const base::Json* d = Find(*objs, "Deployment", "guestbook-prod-web");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(base::GetStringAt(*d, "metadata/namespace"), "web");
  EXPECT_EQ((*d)["spec"]["replicas"], 1);
  EXPECT_EQ((*d)["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.19");
  EXPECT_EQ(Data(*objs, "greeting"), "hello from values.yaml");
  EXPECT_EQ(Data(*objs, "portKind"), "float64");  // values files are JSON numbers to helm
}

TEST_F(HelmRenderTest, ReleaseNameAndNamespaceOverrideTheApps) {
  auto objs = Render("releaseName: blue\nnamespace: staging\n");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  const base::Json* d = Find(*objs, "Deployment", "blue-web");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(base::GetStringAt(*d, "metadata/namespace"), "staging");
  EXPECT_EQ(Data(*objs, "releaseNamespace", "blue-config"), "staging");
}

TEST_F(HelmRenderTest, ValuesObjectWinsOverValues) {
  auto objs = Render("values: 'greeting: from values'\nvaluesObject:\n  greeting: from valuesObject\n");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Data(*objs, "greeting"), "from valuesObject");
}

TEST_F(HelmRenderTest, LaterValueFilesWinAndParametersWinOverAllFiles) {
  auto objs = Render(
      "valueFiles: [values-prod.yaml, /guestbook/values.yaml]\n"
      "parameters: [{name: replicaCount, value: '7'}, {name: portValue, value: '8080'}]\n");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  const base::Json* svc = Find(*objs, "Service", "guestbook-prod-web");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ((*svc)["spec"]["ports"][0]["port"], 80);  // values.yaml, given last (a leading / = the repo root)
  EXPECT_EQ((*Find(*objs, "Deployment", "guestbook-prod-web"))["spec"]["replicas"], 7);
  EXPECT_EQ(Data(*objs, "portKind"), "int64");  // --set without forceString
}

TEST_F(HelmRenderTest, CommasInParametersAreEscapedUnlessTheValueIsAList) {
  auto objs = Render("parameters: [{name: greeting, value: 'a,b'}]\n");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Data(*objs, "greeting"), "a,b");
}

TEST_F(HelmRenderTest, KubeVersionAndApiVersionsOfTheHelmBlockWin) {
  auto objs = Render("kubeVersion: v1.25.3-gke.100\napiVersions: [monitoring.coreos.com/v1/ServiceMonitor]\n");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Data(*objs, "kubeVersion"), "v1.25.3");
  EXPECT_EQ(Data(*objs, "hasServiceMonitor"), "true");
  EXPECT_EQ(Data(*objs, "hasWidgets"), "false");  // the cluster's list is replaced, not extended
}

TEST_F(HelmRenderTest, SkipCrdsAndSkipTests) {
  auto objs = Render("skipCrds: true\nskipTests: true\n");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Find(*objs, "CustomResourceDefinition", "widgets.example.com"), nullptr);
  EXPECT_EQ(Find(*objs, "Pod", "guestbook-prod-test-connection"), nullptr);
  EXPECT_NE(Find(*objs, "Job", "guestbook-prod-migrate"), nullptr);  // other hooks stay
  EXPECT_EQ(objs->size(), 5u);
}

TEST_F(HelmRenderTest, HookAnnotationsStayOnTheObjects) {
  auto objs = Render("");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  const base::Json* job = Find(*objs, "Job", "guestbook-prod-migrate");
  ASSERT_NE(job, nullptr);
  EXPECT_EQ((*job)["metadata"]["annotations"]["helm.sh/hook"], "pre-install");
  EXPECT_EQ((*job)["metadata"]["annotations"]["helm.sh/hook-weight"], "-5");
}

TEST_F(HelmRenderTest, RefSourceValueFilesResolveInsideTheirCheckout) {
  auto objs = Render("valueFiles: [$values/envs/prod.yaml]\n", "guestbook", {{"$values", extra_}});
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ((*Find(*objs, "Deployment", "guestbook-prod-web"))["spec"]["replicas"], 5);

  auto escape = Render("valueFiles: [$values/../outside.yaml]\n", "guestbook", {{"$values", extra_}});
  ASSERT_FALSE(escape.ok());
  EXPECT_EQ(escape.status().message(),
            "error resolving helm value files: error resolving value file path: file '/../outside.yaml' resolved to "
            "outside repository root");
}

TEST_F(HelmRenderTest, ValueFilePathsAreEnvsubstituted) {
  env_.app_name = "values-prod";
  auto objs = Render("valueFiles: [$ARGOCD_APP_NAME.yaml]\nreleaseName: x\n");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ((*Find(*objs, "Deployment", "x-web"))["spec"]["replicas"], 3);
}

TEST_F(HelmRenderTest, LocalDependencyIsBuiltInACopyNotInTheCheckout) {
  auto objs = Render("", "with-dep");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Data(*objs, "color", "guestbook-prod-lib"), "green");  // the parent's values reach the subchart
  EXPECT_EQ(Data(*objs, "libColor", "guestbook-prod-parent"), "green");
  EXPECT_FALSE(fs::exists(Chart("with-dep") + "/charts"));
  EXPECT_FALSE(fs::exists(Chart("with-dep") + "/Chart.lock"));
}

// Failures, with their messages.

TEST_F(HelmRenderTest, MissingValueFileIsHelmsErrorUnlessIgnored) {
  auto objs = Render("valueFiles: [values-missing.yaml]\n");
  ASSERT_FALSE(objs.ok());
  EXPECT_EQ(objs.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(objs.status().message(),
            "`helm template` failed exit status 1: Error: open <path to cached source>/guestbook/values-missing.yaml: "
            "no such file or directory");

  auto ignored = Render("valueFiles: [values-missing.yaml, values-prod.yaml]\nignoreMissingValueFiles: true\n");
  ASSERT_TRUE(ignored.ok()) << ignored.status().ToString();
  EXPECT_EQ((*Find(*ignored, "Deployment", "guestbook-prod-web"))["spec"]["replicas"], 3);
}

TEST_F(HelmRenderTest, ValueFileOutsideTheRepositoryIsRefused) {
  auto objs = Render("valueFiles: [../../outside.yaml]\n");
  ASSERT_FALSE(objs.ok());
  EXPECT_EQ(objs.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(objs.status().message(),
            "error resolving helm value files: error resolving value file path: file '../../outside.yaml' resolved "
            "to outside repository root");

  auto file_param = Render("fileParameters: [{name: motd, path: /../outside.yaml}]\n");
  ASSERT_FALSE(file_param.ok());
  EXPECT_EQ(file_param.status().message(),
            "error resolving helm value file path: file '/../outside.yaml' resolved to outside repository root");
}

TEST_F(HelmRenderTest, SymlinkedValueFileLeavingTheRepositoryIsRefused) {
  SetWritable(root_, true);
  fs::create_symlink(scratch_ + "/outside.yaml", Chart() + "/linked.yaml");
  SetWritable(root_, false);
  auto objs = Render("valueFiles: [linked.yaml]\n");
  ASSERT_FALSE(objs.ok());
  EXPECT_EQ(objs.status().message(),
            "error resolving helm value files: error resolving value file path: file 'linked.yaml' resolved to "
            "outside repository root");
}

TEST_F(HelmRenderTest, RemoteValueFilesAreRefused) {
  auto objs = Render("valueFiles: [https://example.com/values.yaml]\n");
  ASSERT_FALSE(objs.ok());
  EXPECT_EQ(objs.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(objs.status().message().find("the URL scheme 'https' is not allowed"), std::string::npos)
      << objs.status().message();
}

TEST_F(HelmRenderTest, TemplateFailureCarriesHelmsMessage) {
  auto objs = Render("parameters: [{name: failRender, value: 'true'}]\n");
  ASSERT_FALSE(objs.ok());
  EXPECT_EQ(objs.status().code(), base::StatusCode::kInvalidArgument);
  const std::string& m = objs.status().message();
  EXPECT_TRUE(m.starts_with("`helm template` failed exit status 1: Error: execution error at "
                            "(guestbook/templates/configmap.yaml:")) << m;
  EXPECT_TRUE(m.ends_with("failRender is set: refusing to render")) << m;
}

TEST_F(HelmRenderTest, KubeVersionBelowTheChartsConstraintFails) {
  auto objs = Render("kubeVersion: '1.18.0'\n");
  ASSERT_FALSE(objs.ok());
  EXPECT_EQ(objs.status().message(),
            "`helm template` failed exit status 1: Error: chart requires kubeVersion: >=1.19.0-0 which is "
            "incompatible with Kubernetes v1.18.0");
}

TEST_F(HelmRenderTest, UnparsableKubeVersionIsRefused) {
  auto objs = Render("kubeVersion: latest\n");
  ASSERT_FALSE(objs.ok());
  EXPECT_EQ(objs.status().message(), "could not parse kubernetes version latest: illegal version string \"latest\"");
}

// ParseHelmOptions.

base::Result<HelmOptions> Parse(const std::string& yaml) {
  auto j = base::ParseYaml(yaml, "helm");
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return ParseHelmOptions(*j);
}

TEST(HelmOptionsTest, ReadsEveryField) {
  auto o = Parse(R"(
valueFiles: [a.yaml, $values/b.yaml]
values: "x: 1"
parameters: [{name: a, value: "1", forceString: true}]
fileParameters: [{name: f, path: files/f.txt}]
releaseName: rel
namespace: ns
kubeVersion: "1.20"
apiVersions: [v1]
version: v3
passCredentials: true
ignoreMissingValueFiles: true
skipCrds: true
skipSchemaValidation: true
skipTests: true
)");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->value_files, (std::vector<std::string>{"a.yaml", "$values/b.yaml"}));
  EXPECT_EQ(o->values_yaml, "x: 1");
  ASSERT_EQ(o->parameters.size(), 1u);
  EXPECT_EQ(o->parameters[0].name, "a");
  EXPECT_TRUE(o->parameters[0].force_string);
  ASSERT_EQ(o->file_parameters.size(), 1u);
  EXPECT_EQ(o->file_parameters[0].path, "files/f.txt");
  EXPECT_EQ(o->release_name, "rel");
  EXPECT_EQ(o->namespace_name, "ns");
  EXPECT_EQ(o->kube_version, "1.20");
  EXPECT_EQ(o->api_versions, std::vector<std::string>{"v1"});
  EXPECT_TRUE(o->pass_credentials && o->ignore_missing_value_files && o->skip_crds && o->skip_schema_validation &&
              o->skip_tests);
  EXPECT_EQ(o->raw["releaseName"], "rel");
}

TEST(HelmOptionsTest, ValuesObjectBecomesYamlAndWins) {
  auto o = Parse("values: 'a: 1'\nvaluesObject: {b: {c: true}}\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->values_yaml, "b:\n  c: true\n");
}

TEST(HelmOptionsTest, WrongTypesNameTheField) {
  struct Case {
    std::string yaml, message;
  } cases[] = {
      {"valueFiles: a.yaml", "spec.source.helm.valueFiles: must be a list of strings"},
      {"valueFiles: [1]", "spec.source.helm.valueFiles[0]: must be a string"},
      {"values: {a: 1}", "spec.source.helm.values: must be a string"},
      {"valuesObject: [1]", "spec.source.helm.valuesObject: must be an object"},
      {"parameters: {name: a}", "spec.source.helm.parameters: must be a list"},
      {"parameters: [{name: a}, {name: 5}]", "spec.source.helm.parameters[1].name: must be a string"},
      {"parameters: [{name: a, forceString: 'yes'}]", "spec.source.helm.parameters[0].forceString: must be a boolean"},
      {"parameters: [{name: a, vaule: b}]", "spec.source.helm.parameters[0].vaule: unknown field"},
      {"fileParameters: [x]", "spec.source.helm.fileParameters[0]: must be an object"},
      {"skipCrds: 'true'", "spec.source.helm.skipCrds: must be a boolean"},
      {"releaseName: [a]", "spec.source.helm.releaseName: must be a string"},
      {"valueFile: [a]", "spec.source.helm.valueFile: unknown field"},
      {"version: v2", "spec.source.helm.version: helm chart version 'v2' is not supported"},
  };
  for (const Case& c : cases) {
    auto o = Parse(c.yaml);
    ASSERT_FALSE(o.ok()) << c.yaml;
    EXPECT_EQ(o.status().code(), base::StatusCode::kInvalidArgument) << c.yaml;
    EXPECT_EQ(o.status().message(), c.message) << c.yaml;
  }
  auto not_object = ParseHelmOptions(base::Json::array());
  EXPECT_EQ(not_object.status().message(), "spec.source.helm: must be an object");
}

TEST(HelmOptionsTest, NullIsTheDefaults) {
  auto o = ParseHelmOptions(base::Json());
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->value_files.empty());
  EXPECT_FALSE(o->skip_crds);
}

}  // namespace
}  // namespace capstan::source::render
