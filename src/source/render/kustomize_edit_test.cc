// Copyright 2026 The capstan Authors.
//
// spec.source.kustomize parsing and what each option writes into the kustomization (the `kustomize
// edit` commands Argo CD runs), checked on the kustomization value — no tool runs here.

#include "source/render/kustomize_edit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/yaml.h"
#include "source/render/render_test_util.h"

namespace capstan::source::render {
namespace {

using render_testing::Yaml;
KustomizeOptions Options(std::string_view yaml) { return render_testing::OptionsOf(ParseKustomizeOptions, yaml); }

std::string ParseError(std::string_view yaml) {
  auto o = ParseKustomizeOptions(Yaml(yaml));
  if (o.ok()) return "(parsed)";
  EXPECT_EQ(o.status().code(), base::StatusCode::kInvalidArgument);
  return o.status().message();
}

BuildEnv Env() { return render_testing::GuestbookEnv(); }

// Applies |options| to |kustomization| (YAML); the result, or the error message.
base::Json Edit(std::string_view kustomization, std::string_view options, std::string* error = nullptr) {
  base::Json k = Yaml(kustomization);
  base::Status s = ApplyKustomizeEdits(k, Options(options), Env(), "/nonexistent", "/nonexistent/app");
  if (error != nullptr) *error = s.ok() ? "" : s.message();
  else EXPECT_TRUE(s.ok()) << s.ToString();
  return k;
}

TEST(KustomizeOptionsTest, ParsesEveryArgoCDField) {
  KustomizeOptions o = Options(R"(
namePrefix: a-
nameSuffix: -z
images: [nginx:1.25]
replicas: [{name: web, count: 2}, {name: db, count: "4"}]
commonLabels: {team: payments}
commonAnnotations: {note: x}
commonAnnotationsEnvsubst: true
forceCommonLabels: true
forceCommonAnnotations: true
labelWithoutSelector: true
labelIncludeTemplates: true
namespace: shop
patches: [{patch: "- op: remove\n  path: /spec/replicas", target: {kind: Deployment, name: web}}]
components: [../components/debug]
ignoreMissingComponents: true
kubeVersion: "1.29"
apiVersions: [apps/v1]
version: ""
)");
  EXPECT_EQ(o.name_prefix, "a-");
  EXPECT_EQ(o.name_suffix, "-z");
  EXPECT_EQ(o.images, std::vector<std::string>{"nginx:1.25"});
  ASSERT_EQ(o.replicas.size(), 2u);
  EXPECT_EQ(o.replicas[0].name, "web");
  EXPECT_EQ(o.replicas[0].count, 2);
  EXPECT_EQ(o.replicas[1].count, 4);  // a string count, as Argo CD's intstr allows
  EXPECT_EQ(o.common_labels.at("team"), "payments");
  EXPECT_EQ(o.common_annotations.at("note"), "x");
  EXPECT_TRUE(o.common_annotations_envsubst && o.force_common_labels && o.force_common_annotations &&
              o.label_without_selector && o.label_include_templates && o.ignore_missing_components);
  EXPECT_EQ(o.namespace_, "shop");
  ASSERT_EQ(o.patches.size(), 1u);
  EXPECT_EQ(o.patches[0], Yaml("{patch: \"- op: remove\\n  path: /spec/replicas\", target: {kind: Deployment, name: web}}"));
  EXPECT_EQ(o.components, std::vector<std::string>{"../components/debug"});
  EXPECT_EQ(o.kube_version, "1.29");
  EXPECT_EQ(o.api_versions, std::vector<std::string>{"apps/v1"});
  EXPECT_EQ(o.raw["namePrefix"], "a-");
}

TEST(KustomizeOptionsTest, NullAndEmptyMeanNoOptions) {
  KustomizeOptions o = Options("~");
  EXPECT_FALSE(EditsKustomization(o));
  EXPECT_FALSE(EditsKustomization(Options("{namePrefix: ~, images: ~, version: \"\"}")));
}

TEST(KustomizeOptionsTest, WrongTypesNameTheField) {
  EXPECT_EQ(ParseError("namePrefix: [a]"), "spec.source.kustomize.namePrefix: expected a string");
  EXPECT_EQ(ParseError("images: nginx:1.25"), "spec.source.kustomize.images: expected a list of strings");
  EXPECT_EQ(ParseError("images: [nginx, 3]"), "spec.source.kustomize.images[1]: expected a string");
  EXPECT_EQ(ParseError("commonLabels: {tier: 3}"),
            "spec.source.kustomize.commonLabels.tier: expected a string (quote numbers and booleans)");
  EXPECT_EQ(ParseError("forceCommonLabels: \"yes\""), "spec.source.kustomize.forceCommonLabels: expected true or false");
  EXPECT_EQ(ParseError("replicas: [{name: web, count: many}]"),
            "spec.source.kustomize.replicas[0].count: expected integer value for count. Received: many");
  EXPECT_EQ(ParseError("replicas: [{name: web, count: 1.5}]"),
            "spec.source.kustomize.replicas[0].count: expected an integer (or a string holding one)");
  EXPECT_EQ(ParseError("replicas: [{count: 1}]"), "spec.source.kustomize.replicas[0].name: is required");
  EXPECT_EQ(ParseError("patches: [{target: {kind: Deployment}}]"),
            "spec.source.kustomize.patches[0]: needs patch (inline) or path (a file)");
  EXPECT_EQ(ParseError("patches: [{patch: x, target: {kinds: Deployment}}]"),
            "spec.source.kustomize.patches[0].target.kinds: unknown field");
  EXPECT_EQ(ParseError("patches: [{patch: x, options: {allowNameChange: sure}}]"),
            "spec.source.kustomize.patches[0].options.allowNameChange: expected true or false");
  EXPECT_EQ(ParseError("nameprefix: a-"), "spec.source.kustomize.nameprefix: unknown field");
  EXPECT_EQ(ParseError("[a]"), "spec.source.kustomize: expected a map");
}

TEST(KustomizeOptionsTest, ANamedVersionIsRefused) {
  std::string err = ParseError("version: v4.5.7");
  EXPECT_EQ(err.rfind("spec.source.kustomize.version: \"v4.5.7\": capstan has one kustomize", 0), 0u) << err;
}

TEST(KustomizeOptionsTest, IncludeTemplatesNeedsWithoutSelector) {
  EXPECT_EQ(ParseError("{commonLabels: {a: b}, labelIncludeTemplates: true}"),
            "spec.source.kustomize.labelIncludeTemplates: needs labelWithoutSelector (kustomize: --without-selector "
            "flag must be specified for --include-templates to work)");
  Options("{labelIncludeTemplates: true}");  // no labels: Argo CD runs no `edit add label`
}

TEST(KustomizeImageTest, ArgoCDsForms) {
  EXPECT_EQ(*ParseKustomizeImage("nginx=registry.example.com/nginx:1.25"),
            Yaml("{name: nginx, newName: registry.example.com/nginx, newTag: '1.25'}"));
  EXPECT_EQ(*ParseKustomizeImage("nginx:1.25"), Yaml("{name: nginx, newTag: '1.25'}"));
  EXPECT_EQ(*ParseKustomizeImage("nginx@sha256:abc"), Yaml("{name: nginx, digest: 'sha256:abc'}"));
  EXPECT_EQ(*ParseKustomizeImage("nginx=my/nginx@sha256:abc"), Yaml("{name: nginx, newName: my/nginx, digest: 'sha256:abc'}"));
  EXPECT_EQ(*ParseKustomizeImage("mysql=mariadb"), Yaml("{name: mysql, newName: mariadb}"));
  // A registry port is not a tag: the tag is what follows the last ':' and has no '/'.
  EXPECT_EQ(*ParseKustomizeImage("nginx=localhost:5000/nginx"), Yaml("{name: nginx, newName: 'localhost:5000/nginx'}"));
  EXPECT_EQ(*ParseKustomizeImage("localhost:5000/nginx:2"), Yaml("{name: 'localhost:5000/nginx', newTag: '2'}"));
}

TEST(KustomizeImageTest, BadStringsGetKustomizesMessage) {
  for (const char* bad : {"nginx", "localhost:5000/nginx", "a=b=c", "nginx=", ""}) {
    auto image = ParseKustomizeImage(bad);
    ASSERT_FALSE(image.ok()) << bad;
    EXPECT_EQ(image.status().message().rfind("invalid format of image, use one of the following options:", 0), 0u);
  }
}

TEST(KustomizeEditTest, NamePrefixSuffixAndNamespaceReplaceTheKustomizations) {
  base::Json k = Edit("{namePrefix: prod-, namespace: old, resources: [a.yaml]}",
                      "{namePrefix: capstan-, nameSuffix: -v2, namespace: shop}");
  EXPECT_EQ(k, Yaml("{namePrefix: capstan-, nameSuffix: -v2, namespace: shop, resources: [a.yaml]}"));
}

TEST(KustomizeEditTest, ImagesReplaceEntriesOfTheSameNameAndAreSortedByName) {
  base::Json k = Edit("images: [{name: redis, newTag: '6'}, {name: nginx, newName: old/nginx, newTag: '1'}]",
                      "images: [nginx:1.25, alpine@sha256:abc, 'redis=my/redis:*']");
  // nginx's entry is replaced (its old newName goes); redis keeps its tag through '*'.
  EXPECT_EQ(k["images"], Yaml(R"([{name: alpine, digest: 'sha256:abc'}, {name: nginx, newTag: '1.25'},
                                  {name: redis, newName: my/redis, newTag: '6'}])"));
}

TEST(KustomizeEditTest, ImagesGetTheBuildEnvironmentSubstituted) {
  base::Json k = Edit("{}", "images: ['nginx=registry.example.com/nginx:${ARGOCD_APP_REVISION_SHORT}']");
  EXPECT_EQ(k["images"], Yaml("[{name: nginx, newName: registry.example.com/nginx, newTag: '0123456'}]"));
}

TEST(KustomizeEditTest, ABadImageNamesItsIndex) {
  std::string err;
  Edit("{}", "images: ['nginx:1.25', 'nginx']", &err);
  EXPECT_EQ(err.rfind("spec.source.kustomize.images[1]: invalid format of image, use one of the following options:\n"
                      "- <image>=<newimage>:<newtag>",
                      0),
            0u)
      << err;
}

TEST(KustomizeEditTest, ReplicasMergeByName) {
  base::Json k = Edit("replicas: [{name: worker, count: 1}, {name: web, count: 1}]",
                      "replicas: [{name: web, count: 3}, {name: api, count: '2'}]");
  EXPECT_EQ(k["replicas"], Yaml("[{name: api, count: 2}, {name: web, count: 3}, {name: worker, count: 1}]"));
}

TEST(KustomizeEditTest, CommonLabelsGoToCommonLabelsWithTheBuildEnvironment) {
  base::Json k = Edit("commonLabels: {app: web}", "commonLabels: {team: payments, app-name: $ARGOCD_APP_NAME}");
  EXPECT_EQ(k["commonLabels"], Yaml("{app: web, team: payments, app-name: guestbook}"));
}

TEST(KustomizeEditTest, AnExistingLabelNeedsForce) {
  std::string err;
  Edit("commonLabels: {app: web}", "commonLabels: {app: shop}", &err);
  EXPECT_EQ(err, "spec.source.kustomize.commonLabels: label app already in kustomization file (set "
                 "forceCommonLabels to override it)");
  base::Json k = Edit("commonLabels: {app: web}", "{commonLabels: {app: shop}, forceCommonLabels: true}");
  EXPECT_EQ(k["commonLabels"], Yaml("{app: shop}"));
}

TEST(KustomizeEditTest, InvalidLabelsAreRefusedNamingThem) {
  std::string err;
  Edit("{}", "commonLabels: {team: 'two words'}", &err);
  EXPECT_EQ(err.rfind("spec.source.kustomize.commonLabels.team: invalid label value \"two words\"", 0), 0u) << err;
  Edit("{}", "commonLabels: {'bad key!': x}", &err);
  EXPECT_EQ(err, "spec.source.kustomize.commonLabels: invalid label key \"bad key!\"");
}

TEST(KustomizeEditTest, LabelsWithoutSelectorAreANewLabelsEntry) {
  base::Json k = Edit("labels: [{pairs: {old: x}}]", "{commonLabels: {team: payments}, labelWithoutSelector: true}");
  EXPECT_EQ(k["labels"], Yaml("[{pairs: {old: x}}, {pairs: {team: payments}}]"));
  EXPECT_FALSE(k.contains("commonLabels"));
  k = Edit("{}", "{commonLabels: {team: payments}, labelWithoutSelector: true, labelIncludeTemplates: true}");
  EXPECT_EQ(k["labels"], Yaml("[{pairs: {team: payments}, includeTemplates: true}]"));
}

TEST(KustomizeEditTest, AnnotationsAreSubstitutedOnlyWhenAskedTo) {
  base::Json k = Edit("{}", "commonAnnotations: {rev: $ARGOCD_APP_REVISION_SHORT}");
  EXPECT_EQ(k["commonAnnotations"], Yaml("{rev: $ARGOCD_APP_REVISION_SHORT}"));
  k = Edit("{}", "{commonAnnotations: {rev: $ARGOCD_APP_REVISION_SHORT}, commonAnnotationsEnvsubst: true}");
  EXPECT_EQ(k["commonAnnotations"], Yaml("{rev: '0123456'}"));
  std::string err;
  Edit("commonAnnotations: {rev: old}", "commonAnnotations: {rev: new}", &err);
  EXPECT_EQ(err, "spec.source.kustomize.commonAnnotations: annotation rev already in kustomization file (set "
                 "forceCommonAnnotations to override it)");
  k = Edit("commonAnnotations: {rev: old}", "{commonAnnotations: {rev: new}, forceCommonAnnotations: true}");
  EXPECT_EQ(k["commonAnnotations"], Yaml("{rev: new}"));
}

TEST(KustomizeEditTest, PatchesAreAppendedAfterTheKustomizations) {
  base::Json k = Edit("patches: [{path: mine.yaml}]", "patches: [{patch: 'x', target: {kind: Service, name: ''}}]");
  EXPECT_EQ(k["patches"], Yaml("[{path: mine.yaml}, {patch: x, target: {kind: Service}}]"));
  std::string err;
  Edit("patches: {a: b}", "patches: [{path: p.yaml}]", &err);
  EXPECT_EQ(err, "spec.source.kustomize.patches: the kustomization's patches is not a list, patches cannot be appended");
}

class KustomizeComponentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("kustomize-components-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "app");
    std::filesystem::create_directories(root_ / "components/debug");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  base::Status Apply(base::Json& k, std::string_view options) {
    return ApplyKustomizeEdits(k, Options(options), Env(), root_.string(), (root_ / "app").string());
  }
  std::filesystem::path root_;
};

TEST_F(KustomizeComponentsTest, ComponentsAreAddedOnce) {
  base::Json k = Yaml("components: [../components/debug]");
  ASSERT_TRUE(Apply(k, "components: [../components/debug]").ok());
  EXPECT_EQ(k["components"], Yaml("[../components/debug]"));
}

TEST_F(KustomizeComponentsTest, AMissingComponentIsAnErrorUnlessIgnored) {
  base::Json k = base::Json::object();
  base::Status s = Apply(k, "components: [../components/debug, ../components/missing]");
  EXPECT_EQ(s.message(), "spec.source.kustomize.components[1]: ../components/missing has no match: no such file or "
                         "directory in the repository (set ignoreMissingComponents to skip it)");
  k = base::Json::object();
  ASSERT_TRUE(Apply(k, "{components: [../components/missing, ../components/debug], ignoreMissingComponents: true}").ok());
  EXPECT_EQ(k["components"], Yaml("[../components/debug]"));
  k = base::Json::object();
  ASSERT_TRUE(Apply(k, "{components: [../components/missing], ignoreMissingComponents: true}").ok());
  EXPECT_FALSE(k.contains("components"));
}

TEST_F(KustomizeComponentsTest, AComponentOutsideTheRepositoryIsRefused) {
  base::Json k = base::Json::object();
  EXPECT_EQ(Apply(k, "components: [../../etc]").message(),
            "spec.source.kustomize.components[0]: ../../etc: component path outside the repository");
  EXPECT_EQ(Apply(k, "components: [/etc]").message(),
            "spec.source.kustomize.components[0]: /etc: component path outside the repository");
}

}  // namespace
}  // namespace capstan::source::render
