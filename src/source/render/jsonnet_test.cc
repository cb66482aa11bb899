// Copyright 2026 The capstan Authors.
//
// The Jsonnet renderer against libjsonnet: the testdata/jsonnet fixture (libs, ext vars and TLAs,
// string and code, envsubst) compared with expected.yaml written by hand; each option; the failure
// messages (syntax, runtime, missing import, import outside the repository, non-object result, lib
// outside the root, timeout, output limit).

#include "source/render/jsonnet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/yaml.h"
#include "source/render/render_test_util.h"
#include "source/directory.h"

namespace capstan::source::render {
namespace {

using render_testing::ReadFile;

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const fs::path kTestdata = fs::path(__FILE__).parent_path() / "testdata" / "jsonnet";

// A scratch repository: files written relative to its root, removed at the end.
class Repo {
 public:
  Repo() {
    std::string tmpl = (fs::temp_directory_path() / "jsonnet_test_XXXXXX").string();
    root_ = mkdtemp(tmpl.data());
  }
  ~Repo() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void Write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  std::string Path(const std::string& rel) const { return (root_ / rel).string(); }
  std::string root() const { return root_.string(); }

 private:
  fs::path root_;
};

JsonnetOptions Options(const std::string& yaml) {
  auto json = base::ParseYaml(yaml, "jsonnet options");
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  auto parsed = ParseJsonnetOptions(*json);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : JsonnetOptions{};
}

// Evaluates |rel| (under "app/") of |repo| with |options|.
base::Result<base::Json> Eval(const Repo& repo, const std::string& rel, const JsonnetOptions& options = {},
                              const RenderLimits& limits = {}) {
  BuildEnv env;
  env.app_name = "guestbook";
  env.app_namespace = "jsonnet-demo";
  return EvaluateJsonnet(repo.Path("app/" + rel), repo.root(), repo.Path("app"), options, env, limits);
}

TEST(JsonnetTest, FixtureRendersTheHandWrittenExpectedObjects) {
  auto app = base::ParseYaml(ReadFile(kTestdata / "app.yaml"), "app.yaml");
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  auto options = ParseJsonnetOptions((*app)["spec"]["source"]["directory"]["jsonnet"]);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  BuildEnv env;
  env.app_name = "guestbook";
  env.app_namespace = "jsonnet-demo";

  // Through the directory walk, as the dispatcher does: params.libsonnet (no kind) and the library
  // are never evaluated as manifests; app.jsonnet yields both objects.
  const std::string root = kTestdata.string();
  const std::string app_dir = (kTestdata / "apps" / "guestbook").string();
  DirectoryOptions dir;
  dir.jsonnet = [&](const std::string& path) {
    return EvaluateJsonnet(path, root, app_dir, *options, env, RenderLimits{});
  };
  auto objects = RenderDirectory(root, "apps/guestbook", dir);
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();

  auto expected = base::ParseYamlStream(ReadFile(kTestdata / "expected.yaml"), "expected.yaml");
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  ASSERT_EQ(objects->size(), expected->size());
  for (size_t i = 0; i < expected->size(); ++i) {
    EXPECT_EQ((*objects)[i], (*expected)[i].value) << "object " << i << ":\n" << base::EmitYaml((*objects)[i]);
  }
}

TEST(JsonnetTest, ParsesArgoCDsFields) {
  JsonnetOptions o = Options(
      "extVars: [{name: a, value: x}, {name: b, value: '1+1', code: true}]\n"
      "tlas: [{name: t, value: v}]\n"
      "libs: [vendor, /lib]\n");
  ASSERT_EQ(o.ext_vars.size(), 2u);
  EXPECT_EQ(o.ext_vars[0].name, "a");
  EXPECT_EQ(o.ext_vars[0].value, "x");
  EXPECT_FALSE(o.ext_vars[0].code);
  EXPECT_TRUE(o.ext_vars[1].code);
  ASSERT_EQ(o.tlas.size(), 1u);
  EXPECT_EQ(o.tlas[0].name, "t");
  EXPECT_EQ(o.libs, (std::vector<std::string>{"vendor", "/lib"}));
  EXPECT_EQ(o.raw["libs"][0], "vendor");
}

TEST(JsonnetTest, WrongTypesNameTheField) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::string f = "spec.source.directory.jsonnet";
  for (const Case& c : std::vector<Case>{
           {"[]", f + ": must be an object, got array"},
           {"extVars: {a: b}", f + ".extVars: must be a list, got object"},
           {"extVars: [{value: x}]", f + ".extVars[0].name: is missing"},
           {"tlas: [{name: a}, {name: b, value: 3}]", f + ".tlas[1].value: must be a string, got number"},
           {"tlas: [{name: a, value: x, code: 'yes'}]", f + ".tlas[0].code: must be a boolean, got string"},
           {"tlas: [x]", f + ".tlas[0]: must be an object, got string"},
           {"libs: vendor", f + ".libs: must be a list, got string"},
           {"libs: [vendor, 7]", f + ".libs[1]: must be a string, got number"},
       }) {
    auto json = base::ParseYaml(c.yaml, "test");
    ASSERT_TRUE(json.ok()) << c.yaml;
    auto parsed = ParseJsonnetOptions(*json);
    ASSERT_FALSE(parsed.ok()) << c.yaml;
    EXPECT_EQ(parsed.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), c.message) << c.yaml;
  }
}

TEST(JsonnetTest, NullOrEmptyBlockMeansNoOptions) {
  auto parsed = ParseJsonnetOptions(base::Json());
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->ext_vars.empty() && parsed->tlas.empty() && parsed->libs.empty());
  JsonnetOptions o = Options("extVars: null\nlibs: null\n");
  EXPECT_TRUE(o.ext_vars.empty() && o.libs.empty());
}

TEST(JsonnetTest, ASingleObjectIsReturnedAsIs) {
  Repo repo;
  repo.Write("app/cm.jsonnet", "{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c' + 'm'}}");
  auto v = Eval(repo, "cm.jsonnet");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, base::Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}})"));
}

TEST(JsonnetTest, ExtVarsAreStringsOrCodeAndEnvsubstd) {
  Repo repo;
  repo.Write("app/a.jsonnet",
             "{kind: 'ConfigMap', data: {s: std.extVar('s'), num: std.extVar('num'), raw: std.extVar('raw')}}");
  JsonnetOptions o = Options(
      "extVars:\n"
      "- {name: s, value: '$ARGOCD_APP_NAME in ${ARGOCD_APP_NAMESPACE}'}\n"
      "- {name: num, value: '20 + 1', code: true}\n"
      "- {name: raw, value: '1 + 1'}\n");
  auto v = Eval(repo, "a.jsonnet", o);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)["data"]["s"], "guestbook in jsonnet-demo");
  EXPECT_EQ((*v)["data"]["num"], 21);
  EXPECT_EQ((*v)["data"]["raw"], "1 + 1");  // a string ext var is never evaluated
}

TEST(JsonnetTest, TopLevelArgumentsAreStringsOrCodeAndEnvsubstd) {
  Repo repo;
  repo.Write("app/a.jsonnet", "function(name, count, mode='default') {kind: 'X', name: name, count: count, mode: mode}");
  JsonnetOptions o = Options(
      "tlas:\n"
      "- {name: name, value: '${ARGOCD_APP_NAME}-x'}\n"
      "- {name: count, value: \"std.length('$ARGOCD_APP_NAME')\", code: true}\n");
  auto v = Eval(repo, "a.jsonnet", o);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)["name"], "guestbook-x");
  EXPECT_EQ((*v)["count"], 9);  // envsubst happens before the code is evaluated (Argo CD too)
  EXPECT_EQ((*v)["mode"], "default");
}

TEST(JsonnetTest, ImportsSearchTheFilesDirectoryThenLibsLastFirstThenTheAppDirectory) {
  Repo repo;
  repo.Write("app/a.jsonnet", "{kind: 'X', here: import 'here.libsonnet', which: import 'which.libsonnet'}");
  repo.Write("app/here.libsonnet", "'local'");
  repo.Write("app/which.libsonnet", "'app'");
  repo.Write("one/which.libsonnet", "'one'");
  repo.Write("two/which.libsonnet", "'two'");
  repo.Write("two/only.libsonnet", "'two-only'");
  // The importing file's own directory wins over every library path.
  auto v = Eval(repo, "a.jsonnet", Options("libs: [one, two]"));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)["here"], "local");
  EXPECT_EQ((*v)["which"], "app");

  // From a subdirectory: libs are searched last to first, then the app directory.
  repo.Write("app/sub/b.jsonnet", "{kind: 'X', which: import 'which.libsonnet', only: import 'only.libsonnet'}");
  v = Eval(repo, "sub/b.jsonnet", Options("libs: [one, two]"));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)["which"], "two");
  EXPECT_EQ((*v)["only"], "two-only");
  v = Eval(repo, "sub/b.jsonnet", Options("libs: [two, /one]"));  // an absolute lib is from the root
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)["which"], "one");
}

TEST(JsonnetTest, LibOutsideTheRepositoryIsRefused) {
  Repo repo;
  repo.Write("app/a.jsonnet", "{kind: 'X'}");
  auto v = Eval(repo, "a.jsonnet", Options("libs: [vendor, ../elsewhere]"));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message(),
            "spec.source.directory.jsonnet.libs[1]: \"../elsewhere\": file resolved to outside repository root");

  fs::create_symlink("/etc", repo.Path("etc-link"));
  v = Eval(repo, "a.jsonnet", Options("libs: [etc-link]"));
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("libs[0]: \"etc-link\": file resolved to outside repository root"));
}

TEST(JsonnetTest, ImportOutsideTheRepositoryIsRefused) {
  Repo repo;
  repo.Write("app/a.jsonnet", "{kind: 'X', data: importstr '/etc/hostname'}");
  auto v = Eval(repo, "a.jsonnet");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), StartsWith("failed to evaluate jsonnet \"a.jsonnet\": RUNTIME ERROR: couldn't open "
                                               "import \"/etc/hostname\": it resolves to outside the repository"));

  fs::create_symlink("/etc/hostname", repo.Path("app/host.txt"));
  repo.Write("app/b.jsonnet", "{kind: 'X', data: importstr 'host.txt'}");
  v = Eval(repo, "b.jsonnet");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("couldn't open import \"host.txt\": it resolves to outside the repository"));
}

TEST(JsonnetTest, SyntaxErrorNamesTheFileAndLine) {
  Repo repo;
  repo.Write("app/bad.jsonnet", "{\n  kind: 'X',\n  data: {a: },\n}\n");
  auto v = Eval(repo, "bad.jsonnet");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), StartsWith("failed to evaluate jsonnet \"bad.jsonnet\": STATIC ERROR: app/bad.jsonnet:3:"));
  EXPECT_THAT(v.status().message(), Not(HasSubstr(repo.root())));  // no cache paths in messages
}

TEST(JsonnetTest, RuntimeErrorCarriesTheMessageAndTrace) {
  Repo repo;
  repo.Write("app/boom.jsonnet", "local f(x) = error 'boom ' + x;\n{kind: 'X', a: f('now')}\n");
  auto v = Eval(repo, "boom.jsonnet");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), StartsWith("failed to evaluate jsonnet \"boom.jsonnet\": RUNTIME ERROR: boom now"));
  EXPECT_THAT(v.status().message(), HasSubstr("app/boom.jsonnet:1:"));
}

TEST(JsonnetTest, MissingImportIsAnError) {
  Repo repo;
  repo.Write("app/a.jsonnet", "local k = import 'lib/k.libsonnet';\n{kind: 'X', v: k}\n");
  auto v = Eval(repo, "a.jsonnet", Options("libs: [vendor]"));
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(),
              StartsWith("failed to evaluate jsonnet \"a.jsonnet\": RUNTIME ERROR: couldn't open import "
                         "\"lib/k.libsonnet\": no match locally or in the Jsonnet library paths"));
}

TEST(JsonnetTest, MissingExtVarOrTlaIsAnError) {
  Repo repo;
  repo.Write("app/a.jsonnet", "{kind: std.extVar('kind')}");
  repo.Write("app/f.jsonnet", "function(kind) {kind: kind}");
  auto v = Eval(repo, "a.jsonnet");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("undefined external variable: kind"));
  v = Eval(repo, "f.jsonnet");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("kind"));
}

TEST(JsonnetTest, ResultMustBeObjectsWithAKind) {
  Repo repo;
  repo.Write("app/s.jsonnet", "'just a string'");
  repo.Write("app/n.jsonnet", "[{kind: 'A'}, 42]");
  repo.Write("app/k.jsonnet", "{metadata: {name: 'x'}}");
  repo.Write("app/empty.jsonnet", "[]");
  auto v = Eval(repo, "s.jsonnet");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message(), "failed to unmarshal generated json \"s.jsonnet\": the result is string; expected an "
                                  "object or an array of objects");
  v = Eval(repo, "n.jsonnet");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(), "failed to unmarshal generated json \"n.jsonnet\": item 1 is number, not an object");
  v = Eval(repo, "k.jsonnet");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(), "failed to unmarshal generated json \"k.jsonnet\": Object 'Kind' is missing in the result");
  v = Eval(repo, "empty.jsonnet");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, base::Json::array());
}

TEST(JsonnetTest, RunawayProgramIsStoppedAtTheTimeout) {
  Repo repo;
  // Exponential work with a shallow stack: no stack limit stops it, only the deadline.
  repo.Write("app/slow.jsonnet", "local f(n) = if n == 0 then 0 else f(n - 1) + f(n - 1);\n{kind: 'X', v: f(60)}\n");
  RenderLimits limits;
  limits.timeout = std::chrono::milliseconds(500);
  auto start = std::chrono::steady_clock::now();
  auto v = Eval(repo, "slow.jsonnet", {}, limits);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), base::StatusCode::kTimeout);
  EXPECT_EQ(v.status().message(), "failed to evaluate jsonnet \"slow.jsonnet\": timeout after 500ms");
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(JsonnetTest, OutputOverTheLimitIsAnError) {
  Repo repo;
  repo.Write("app/big.jsonnet", "{kind: 'X', data: std.join('', std.makeArray(5000, function(i) 'x'))}");
  RenderLimits limits;
  limits.max_output_bytes = 1000;
  auto v = Eval(repo, "big.jsonnet", {}, limits);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(), "failed to evaluate jsonnet \"big.jsonnet\": output is over the limit of 1000 bytes");
}

TEST(JsonnetTest, ConcurrentEvaluationsAreIndependent) {
  Repo repo;
  repo.Write("app/a.jsonnet", "{kind: std.extVar('k')}");
  std::vector<std::thread> threads;
  std::vector<std::string> got(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      JsonnetOptions o;
      o.ext_vars.push_back({"k", "K" + std::to_string(i), false});
      auto v = Eval(repo, "a.jsonnet", o);
      got[i] = v.ok() ? (*v)["kind"].get<std::string>() : v.status().ToString();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(got, (std::vector<std::string>{"K0", "K1", "K2", "K3"}));
}

}  // namespace
}  // namespace capstan::source::render
