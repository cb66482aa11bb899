// Copyright 2026 The capstan Authors.
//
// RenderKustomize with the real tool (`kubectl kustomize`, or `kustomize` when installed) on the
// fixtures in testdata/kustomize/ and on small trees written by the tests, compared with objects
// written by hand (testdata/kustomize/expected.yaml says how each field came out).

#include "source/render/kustomize.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/yaml.h"
#include "source/render/render_test_util.h"

namespace capstan::source::render {
namespace {

using render_testing::Yaml;
const auto ReadText = render_testing::ReadFile;
KustomizeOptions Options(std::string_view yaml) { return render_testing::OptionsOf(ParseKustomizeOptions, yaml); }

namespace fs = std::filesystem;

const fs::path kTestdata = fs::path(__FILE__).parent_path() / "testdata" / "kustomize";

BuildEnv Env() { return render_testing::GuestbookEnv(); }

std::vector<base::Json> Docs(std::string_view yaml) {
  auto docs = base::ParseYamlStream(yaml, "expected");
  EXPECT_TRUE(docs.ok()) << docs.status().ToString();
  std::vector<base::Json> out;
  if (docs.ok()) {
    for (auto& d : *docs) out.push_back(std::move(d.value));
  }
  return out;
}

// Each test gets its own TMPDIR, so that it can check the scratch copy is gone afterwards, and a
// directory for the trees it writes.
class KustomizeRenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("kustomize-render-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "tmp");
    fs::create_directories(base_ / "repo");
    const char* old = std::getenv("TMPDIR");
    old_tmpdir_ = old != nullptr ? old : "";
    had_tmpdir_ = old != nullptr;
    ::setenv("TMPDIR", (base_ / "tmp").c_str(), 1);
  }
  void TearDown() override {
    if (had_tmpdir_) ::setenv("TMPDIR", old_tmpdir_.c_str(), 1); else ::unsetenv("TMPDIR");
    fs::remove_all(base_);
  }

  void Write(const std::string& rel, std::string_view text) {
    fs::create_directories((repo() / rel).parent_path());
    std::ofstream(repo() / rel) << text;
  }
  fs::path repo() const { return base_ / "repo"; }
  bool ScratchIsGone() const { return fs::is_empty(base_ / "tmp"); }

  base::Result<std::vector<base::Json>> Render(const fs::path& root, const std::string& app,
                                               std::string_view options) {
    return RenderKustomize(root.string(), (root / app).lexically_normal().string(), Options(options), Env(), {});
  }

  // A Deployment (selector and template labelled app: web) and a ConfigMap, in repo()/app.
  void WriteSmallApp(std::string_view extra_kustomization = "") {
    Write("app/kustomization.yaml", "resources: [deploy.yaml, cm.yaml]\n" + std::string(extra_kustomization));
    Write("app/deploy.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
)");
    Write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}\n");
  }

  fs::path base_;
  std::string old_tmpdir_;
  bool had_tmpdir_ = false;
};

TEST_F(KustomizeRenderTest, ProdOverlayWithApplicationOptionsGivesTheExpectedObjects) {
  const std::string kustomization_before = ReadText(kTestdata / "overlays/prod/kustomization.yaml");
  auto objects = Render(kTestdata, "overlays/prod", ReadText(kTestdata / "app-options.yaml"));
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  std::vector<base::Json> expected = Docs(ReadText(kTestdata / "expected.yaml"));
  ASSERT_EQ(objects->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ((*objects)[i], expected[i]) << "object " << i << ":\n"
                                          << base::EmitYaml((*objects)[i]) << "expected:\n"
                                          << base::EmitYaml(expected[i]);
  }
  // The checkout is read-only: edited in a copy, which is gone.
  EXPECT_EQ(ReadText(kTestdata / "overlays/prod/kustomization.yaml"), kustomization_before);
  EXPECT_TRUE(ScratchIsGone());
}

TEST_F(KustomizeRenderTest, WithoutOptionsTheCheckoutIsBuiltAsIs) {
  auto objects = Render(kTestdata, "overlays/prod", "~");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  ASSERT_EQ(objects->size(), 3u);
  EXPECT_EQ(base::GetStringAt((*objects)[0], "metadata/name"), "prod-web-config");
  EXPECT_EQ(base::GetStringAt((*objects)[2], "metadata/name"), "prod-web");
  EXPECT_EQ((*objects)[2]["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.21");
  EXPECT_TRUE(ScratchIsGone());
}

TEST_F(KustomizeRenderTest, SuffixAndNamespace) {
  WriteSmallApp("namespace: old\n");
  auto objects = Render(repo(), "app", "{nameSuffix: -v2, namespace: shop}");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[0]["metadata"], Yaml("{name: settings-v2, namespace: shop}"));
  EXPECT_EQ((*objects)[1]["metadata"], Yaml("{name: web-v2, namespace: shop}"));
}

TEST_F(KustomizeRenderTest, AnnotationsWithTheBuildEnvironment) {
  WriteSmallApp();
  auto objects = Render(repo(), "app",
                        "{commonAnnotations: {revision: '${ARGOCD_APP_REVISION_SHORT_8}', app: $ARGOCD_APP_NAME},"
                        " commonAnnotationsEnvsubst: true}");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  // commonAnnotations go to metadata and to the pod template.
  const base::Json annotations = Yaml("{revision: '01234567', app: guestbook}");
  EXPECT_EQ((*objects)[0]["metadata"]["annotations"], annotations);
  EXPECT_EQ((*objects)[1]["metadata"]["annotations"], annotations);
  EXPECT_EQ((*objects)[1]["spec"]["template"]["metadata"]["annotations"], annotations);
}

TEST_F(KustomizeRenderTest, LabelsWithoutSelectorLeaveSelectorsAlone) {
  WriteSmallApp();
  auto objects = Render(repo(), "app", "{commonLabels: {team: payments}, labelWithoutSelector: true}");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  const base::Json& deploy = (*objects)[1];
  EXPECT_EQ(deploy["metadata"]["labels"], Yaml("{team: payments}"));
  EXPECT_EQ(deploy["spec"]["selector"], Yaml("{matchLabels: {app: web}}"));
  EXPECT_EQ(deploy["spec"]["template"]["metadata"]["labels"], Yaml("{app: web}"));

  objects = Render(repo(), "app",
                   "{commonLabels: {team: payments}, labelWithoutSelector: true, labelIncludeTemplates: true}");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  EXPECT_EQ((*objects)[1]["spec"]["selector"], Yaml("{matchLabels: {app: web}}"));
  EXPECT_EQ((*objects)[1]["spec"]["template"]["metadata"]["labels"], Yaml("{app: web, team: payments}"));
}

TEST_F(KustomizeRenderTest, ApplicationPatchesApplyAfterTheKustomizations) {
  WriteSmallApp(R"(patches:
- target: {kind: ConfigMap}
  patch: '[{"op": "add", "path": "/data/b", "value": "2"}]'
)");
  auto objects = Render(repo(), "app", R"(
patches:
- target: {kind: ConfigMap, name: settings}
  patch: |-
    - op: replace
      path: /data/b
      value: from the application
- target: {kind: Deployment}
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: any}
    spec: {replicas: 5}
)");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  EXPECT_EQ((*objects)[0]["data"], Yaml("{a: '1', b: from the application}"));
  EXPECT_EQ((*objects)[1]["spec"]["replicas"], 5);
}

TEST_F(KustomizeRenderTest, ComponentsFromTheRepository) {
  auto objects = Render(kTestdata, "overlays/prod", "components: [../../components/debug]");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  EXPECT_EQ((*objects)[0]["data"], Yaml("{greeting: hello from prod, debug: 'true'}"));
}

TEST_F(KustomizeRenderTest, AMissingComponentIsAnError) {
  auto objects = Render(kTestdata, "overlays/prod", "components: [../../components/missing]");
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.status().message(),
            "spec.source.kustomize.components[0]: ../../components/missing has no match: no such file or directory "
            "in the repository (set ignoreMissingComponents to skip it)");
  EXPECT_TRUE(ScratchIsGone());
}

TEST_F(KustomizeRenderTest, ABadImageIsAnError) {
  auto objects = Render(kTestdata, "overlays/prod", "images: ['nginx=registry.example.com/nginx:1.25', nginx]");
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(objects.status().message().rfind("spec.source.kustomize.images[1]: invalid format of image", 0), 0u)
      << objects.status().message();
  EXPECT_TRUE(ScratchIsGone());
}

TEST_F(KustomizeRenderTest, ABuildFailureShowsKustomizesErrorInArgoCDsForm) {
  Write("app/kustomization.yaml", "resources: [missing.yaml]\n");
  auto objects = Render(repo(), "app", "~");
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.status().code(), base::StatusCode::kInvalidArgument);
  const std::string& msg = objects.status().message();
  // Argo CD's "`<command>` failed exit status 1: <stderr>", in kustomize's words (kubectl's klog
  // wrapping taken off).
  EXPECT_EQ(msg.rfind("`kustomize build` failed exit status 1: Error: accumulating resources: accumulation err="
                      "'accumulating resources from 'missing.yaml': ",
                      0),
            0u)
      << msg;
}

TEST_F(KustomizeRenderTest, AMultiLineBuildErrorKeepsItsLines) {
  WriteSmallApp("patches:\n- target: {kind: ConfigMap}\n  patch: '[{op: add'\n");
  auto objects = Render(repo(), "app", "~");
  ASSERT_FALSE(objects.ok());
  const std::string& msg = objects.status().message();
  EXPECT_EQ(msg.rfind("`kustomize build` failed exit status 1: Error: trouble configuring builtin PatchTransformer "
                      "with config: `\npatch: '[{op: add'\ntarget:\n  kind: ConfigMap\n`: ",
                      0),
            0u)
      << msg;
}

TEST_F(KustomizeRenderTest, ABuildFailureInTheCopyNamesTheCheckoutsFiles) {
  Write("app/kustomization.yaml", "resources: [missing.yaml]\n");
  auto objects = Render(repo(), "app", "namePrefix: x-");
  ASSERT_FALSE(objects.ok());
  const std::string& msg = objects.status().message();
  EXPECT_NE(msg.find((repo() / "app").string()), std::string::npos) << msg;
  EXPECT_EQ(msg.find((base_ / "tmp").string()), std::string::npos) << msg;
  EXPECT_TRUE(ScratchIsGone());
}

TEST_F(KustomizeRenderTest, AnExistingLabelWithoutForceIsAnError) {
  WriteSmallApp("commonLabels: {app: web}\n");
  auto objects = Render(repo(), "app", "commonLabels: {app: shop}");
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.status().message(), "spec.source.kustomize.commonLabels: label app already in kustomization file "
                                        "(set forceCommonLabels to override it)");
  objects = Render(repo(), "app", "{commonLabels: {app: shop}, forceCommonLabels: true}");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  EXPECT_EQ((*objects)[1]["spec"]["selector"], Yaml("{matchLabels: {app: shop}}"));
}

TEST_F(KustomizeRenderTest, KustomizationYmlAndCapitalKustomizationAreFound) {
  WriteSmallApp();
  fs::rename(repo() / "app/kustomization.yaml", repo() / "app/Kustomization");
  auto objects = Render(repo(), "app", "namePrefix: k-");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  EXPECT_EQ(base::GetStringAt((*objects)[1], "metadata/name"), "k-web");
  fs::rename(repo() / "app/Kustomization", repo() / "app/kustomization.yml");
  objects = Render(repo(), "app", "namePrefix: y-");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  EXPECT_EQ(base::GetStringAt((*objects)[1], "metadata/name"), "y-web");
}

TEST_F(KustomizeRenderTest, NoKustomizationIsNotFound) {
  Write("app/deploy.yaml", "kind: ConfigMap\n");
  auto objects = Render(repo(), "app", "~");
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(objects.status().message(),
            "app: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory");
}

TEST_F(KustomizeRenderTest, TheBuildHasATimeout) {
  WriteSmallApp();
  RenderLimits limits;
  limits.timeout = std::chrono::milliseconds(1);
  auto objects = RenderKustomize(repo().string(), (repo() / "app").string(), Options("namePrefix: a-"), Env(), limits);
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.status().code(), base::StatusCode::kTimeout);
  EXPECT_EQ(objects.status().message(), "`kustomize build` failed timeout after 1ms");
  EXPECT_TRUE(ScratchIsGone());
}

}  // namespace
}  // namespace capstan::source::render
