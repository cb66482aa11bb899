// Copyright 2026 The capstan Authors.
//
// Directory rendering against Argo CD's rules (reposerver/repository/repository.go and its
// testdata: concatenated/, irrelevant-yaml/, invalid-manifests/, invalid-manifests-skipped/,
// json-list/, app-include-exclude/), on temporary directories.

#include "source/directory.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "source/app_path.h"
#include "source/tracking.h"

namespace capstan::source {
namespace {

namespace fs = std::filesystem;

class TempTree {
 public:
  TempTree() {
    char tmpl[] = "/tmp/capstan-dir-test-XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  const std::string& root() const { return root_; }
  void Write(const std::string& rel, std::string_view content) {
    fs::path p = fs::path(root_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  void Link(const std::string& rel, const std::string& target) {
    fs::path p = fs::path(root_) / rel;
    fs::create_directories(p.parent_path());
    fs::create_symlink(target, p);
  }

 private:
  std::string root_;
};

std::string Cm(std::string_view name) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + std::string(name) + "\n";
}

std::vector<std::string> Names(const std::vector<base::Json>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back(base::GetStringAt(o, "metadata/name"));
  return out;
}

TEST(DirectoryTest, ReadsYamlYmlJsonInLexicalOrderAndIgnoresOtherFiles) {
  TempTree t;
  t.Write("b.yaml", Cm("b"));
  t.Write("a.yml", Cm("a"));
  t.Write("c.json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})");
  t.Write("README.md", Cm("readme"));
  t.Write("d.YAML", Cm("upper-case-extension-is-not-a-manifest"));
  t.Write("e.yaml.txt", Cm("txt"));
  t.Write(".hidden.yaml", Cm("hidden"));  // filepath.Walk does not skip hidden files
  auto objs = RenderDirectory(t.root(), "");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Names(*objs), (std::vector<std::string>{"hidden", "a", "b", "c"}));
}

TEST(DirectoryTest, RecurseWalksSubdirectoriesInPlaceOnlyWhenAsked) {
  TempTree t;
  t.Write("app/a.yaml", Cm("a"));
  t.Write("app/m/x.yaml", Cm("mx"));
  t.Write("app/z.yaml", Cm("z"));
  t.Write("app/.git-like/y.yaml", Cm("dot"));
  auto flat = RenderDirectory(t.root(), "app");
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(Names(*flat), (std::vector<std::string>{"a", "z"}));
  auto deep = RenderDirectory(t.root(), "app", {.recurse = true});
  ASSERT_TRUE(deep.ok());
  EXPECT_EQ(Names(*deep), (std::vector<std::string>{"dot", "a", "mx", "z"}));
}

TEST(DirectoryTest, IncludeAndExcludeMatchPathsRelativeToTheAppDirectory) {
  TempTree t;
  t.Write("app/deployment.yaml", Cm("top"));
  t.Write("app/subdir/deploymentSub.yaml", Cm("sub"));
  t.Write("app/other.json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"json"}})");
  auto inc = RenderDirectory(t.root(), "app", {.recurse = true, .include = "*.yaml"});
  ASSERT_TRUE(inc.ok());
  EXPECT_EQ(Names(*inc), (std::vector<std::string>{"top", "sub"}));  // '*' crosses '/'
  auto exc = RenderDirectory(t.root(), "app", {.recurse = true, .exclude = "subdir/*"});
  ASSERT_TRUE(exc.ok());
  EXPECT_EQ(Names(*exc), (std::vector<std::string>{"top", "json"}));
  auto brace = RenderDirectory(t.root(), "app", {.recurse = true, .include = "{deployment.yaml,other.json}"});
  ASSERT_TRUE(brace.ok());
  EXPECT_EQ(Names(*brace), (std::vector<std::string>{"top", "json"}));
  auto both = RenderDirectory(t.root(), "app", {.recurse = true, .include = "*.yaml", .exclude = "*Sub*"});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(Names(*both), (std::vector<std::string>{"top"}));
  auto bad = RenderDirectory(t.root(), "app", {.include = "[a-z0-9]*"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("directory.include"), std::string::npos) << bad.status().message();
}

TEST(DirectoryTest, MultiDocumentYamlKeepsOrderAndDropsEmptyDocuments) {
  TempTree t;  // testdata/concatenated/concatenated.yaml
  t.Write("c.yaml",
          "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa1\n---\napiVersion: v1\nkind: "
          "ServiceAccount\nmetadata:\n  name: sa2\n---\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  "
          "name: sa3\n---\n");
  auto objs = RenderDirectory(t.root(), "");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Names(*objs), (std::vector<std::string>{"sa1", "sa2", "sa3"}));
}

TEST(DirectoryTest, UnrelatedYamlIsIgnoredButBrokenManifestsFail) {
  TempTree t;
  t.Write("irrelevant.yaml", "some: [irrelevant, yaml]\n");  // testdata/irrelevant-yaml
  t.Write("values.yaml", "replicas: 3\nimage: nginx\n");
  t.Write("ok.yaml", Cm("ok"));
  auto objs = RenderDirectory(t.root(), "");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Names(*objs), (std::vector<std::string>{"ok"}));

  TempTree broken;  // testdata/invalid-manifests/bad.yaml
  broken.Write("bad.yaml",
               "apiVersion: v1\nkind: ConfigMapList\nmetadata:\n  annotations1:\n    value-is-int: 1\n    - "
               "{\"value\": pie, \"text\": \"Pie chart\"}");
  auto bad = RenderDirectory(broken.root(), "");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("failed to unmarshal \"bad.yaml\""), std::string::npos)
      << bad.status().message();

  TempTree mixed;  // a good object, then a document that is not an object: the user broke the file
  mixed.Write("m.yaml", Cm("first") + "---\n- just\n- a list\n");
  auto m = RenderDirectory(mixed.root(), "");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("\"m.yaml\": document 2"), std::string::npos) << m.status().message();

  TempTree kindless;  // looks like a manifest but has no kind
  kindless.Write("k.yaml", "apiVersion: v1\nkind:\nmetadata:\n  name: x\n");
  auto k = RenderDirectory(kindless.root(), "");
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("Object 'Kind' is missing"), std::string::npos) << k.status().message();
}

TEST(DirectoryTest, SkipFileRenderingMarkerSkipsTheFile) {
  TempTree t;  // testdata/invalid-manifests-skipped
  t.Write("bad.yaml", "# +argocd:skip-file-rendering\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ x }}\n");
  t.Write("ok.yaml", Cm("ok"));
  auto objs = RenderDirectory(t.root(), "");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Names(*objs), (std::vector<std::string>{"ok"}));
}

TEST(DirectoryTest, JsonFilesHoldExactlyOneObject) {
  TempTree list;  // testdata/json-list/list.json
  list.Write("list.json", R"([{"apiVersion": "v1", "kind": "ConfigMap"},{"apiVersion": "v1", "kind": "ConfigMap"}])");
  auto l = RenderDirectory(list.root(), "");
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("failed to unmarshal \"list.json\""), std::string::npos) << l.status().message();

  TempTree two;
  two.Write("two.json", R"({"apiVersion":"v1","kind":"A"} {"apiVersion":"v1","kind":"B"})");
  auto t2 = RenderDirectory(two.root(), "");
  ASSERT_FALSE(t2.ok());
  EXPECT_NE(t2.status().message().find("Found multiple objects in \"two.json\""), std::string::npos);

  TempTree kindless;  // testdata/invalid-k8s-manifest/empty-kind-apiversion.json
  kindless.Write("cfg.json", R"({"host":"127.0.0.1","port":3306,"password":"password"})");
  auto k = RenderDirectory(kindless.root(), "");
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("\"cfg.json\": Object 'Kind' is missing"), std::string::npos);
  EXPECT_EQ(k.status().message().find("3306"), std::string::npos) << "content must not leak into errors";

  TempTree broken;
  broken.Write("b.json", "{\"apiVersion\": ");
  auto b = RenderDirectory(broken.root(), "");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("failed to unmarshal \"b.json\""), std::string::npos);
}

TEST(DirectoryTest, YamlFileHoldingJsonObjectsIsReadAsAJsonStream) {
  TempTree t;
  t.Write("s.yaml", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j1"}}
{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j2"}})");
  auto objs = RenderDirectory(t.root(), "");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Names(*objs), (std::vector<std::string>{"j1", "j2"}));
}

TEST(DirectoryTest, ListsAreExpandedAndNullListsDropped) {
  TempTree t;
  t.Write("list.yaml",
          "apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: i1\n"
          "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: i2\n---\napiVersion: v1\nkind: ConfigMapList\n"
          "items: null\n---\napiVersion: v1\nkind: List\nitems: []\n");
  t.Write("z.yaml", Cm("after"));
  auto objs = RenderDirectory(t.root(), "");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Names(*objs), (std::vector<std::string>{"i1", "i2", "after"}));

  TempTree bad;
  bad.Write("l.yaml", "apiVersion: v1\nkind: List\nitems:\n- 3\n");
  auto b = RenderDirectory(bad.root(), "");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("items member is not an object"), std::string::npos);
}

TEST(DirectoryTest, ByteOrderMarksAreHonoured) {
  TempTree t;
  t.Write("utf8.yaml", "\xEF\xBB\xBF" + Cm("bom8"));
  std::string u16 = "\xFF\xFE";
  for (char c : Cm("bom16")) {
    u16.push_back(c);
    u16.push_back('\0');
  }
  t.Write("utf16.yaml", u16);
  auto objs = RenderDirectory(t.root(), "");
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  EXPECT_EQ(Names(*objs), (std::vector<std::string>{"bom16", "bom8"}));
}

TEST(DirectoryTest, JsonnetFilesNeedAnEvaluatorOrAnExplicitSkip) {
  TempTree t;
  t.Write("a.jsonnet", "{}");
  t.Write("b.yaml", Cm("b"));
  auto none = RenderDirectory(t.root(), "");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("\"a.jsonnet\""), std::string::npos);
  auto skipped = RenderDirectory(t.root(), "", {.skip_jsonnet = true});
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(Names(*skipped), (std::vector<std::string>{"b"}));
  DirectoryOptions eval;
  eval.jsonnet = [](const std::string& path) -> base::Result<base::Json> {
    return base::Json::array({{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "from-jsonnet"}}}}});
  };
  auto evaluated = RenderDirectory(t.root(), "", eval);
  ASSERT_TRUE(evaluated.ok());
  EXPECT_EQ(Names(*evaluated), (std::vector<std::string>{"from-jsonnet", "b"}));
}

TEST(DirectoryTest, PathsThatLeaveTheCheckoutAreRefused) {
  TempTree outside;
  outside.Write("secret.yaml", Cm("outside"));
  TempTree t;
  t.Write("app/a.yaml", Cm("a"));
  t.Write("file.yaml", Cm("f"));
  t.Link("escape", outside.root());

  auto abs = RenderDirectory(t.root(), "/etc");
  ASSERT_FALSE(abs.ok());
  EXPECT_EQ(abs.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(abs.status().message(), "/etc: app path is absolute");

  for (std::string_view p : {"..", "../x", "app/../../x"}) {
    auto up = RenderDirectory(t.root(), p);
    ASSERT_FALSE(up.ok()) << p;
    EXPECT_EQ(up.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(up.status().message(), std::string(p) + ": app path outside root");
  }
  EXPECT_TRUE(RenderDirectory(t.root(), "app/../app").ok());  // stays inside: allowed, as in Argo CD

  auto link = RenderDirectory(t.root(), "escape");
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(link.status().message(), "escape: app path resolves outside root through a symlink");

  auto missing = RenderDirectory(t.root(), "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "nope: app path does not exist");

  auto file = RenderDirectory(t.root(), "file.yaml");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), "file.yaml: app path is not a directory");
}

TEST(DirectoryTest, SymlinkedManifestsMustStayInsideTheCheckout) {
  TempTree outside;
  outside.Write("secret.yaml", Cm("outside"));
  TempTree t;
  t.Write("shared/cm.yaml", Cm("shared"));
  t.Link("app/in.yaml", "../shared/cm.yaml");
  t.Link("app/dangling.yaml", "../nowhere.yaml");
  t.Link("app/dir.yaml", "../shared");
  auto ok = RenderDirectory(t.root(), "app");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Names(*ok), (std::vector<std::string>{"shared"}));  // dangling and directory links skipped

  t.Link("app/out.yaml", outside.root() + "/secret.yaml");
  auto out = RenderDirectory(t.root(), "app");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("illegal filepath in symlink at \"out.yaml\""), std::string::npos)
      << out.status().message();
}

TEST(DirectoryTest, LimitsNameTheFile) {
  TempTree t;
  t.Write("big.yaml", Cm("big") + std::string(2000, '#'));
  t.Write("small.yaml", Cm("small"));
  auto big = RenderDirectory(t.root(), "", {.max_file_bytes = 1000});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), base::StatusCode::kInvalidArgument);
  std::string want = "\"big.yaml\" is " + std::to_string(Cm("big").size() + 2000) + " bytes, over the limit of 1000 bytes";
  EXPECT_NE(big.status().message().find(want), std::string::npos)
      << big.status().message();

  auto total = RenderDirectory(t.root(), "", {.max_total_bytes = 2100});
  ASSERT_FALSE(total.ok());
  EXPECT_NE(total.status().message().find("exceeded max combined manifest file size of 2100 bytes at \"small.yaml\""),
            std::string::npos)
      << total.status().message();

  TempTree docs;
  std::string many;
  for (int i = 0; i < 5; ++i) many += Cm("d" + std::to_string(i)) + "---\n";
  docs.Write("many.yaml", many);
  auto d = RenderDirectory(docs.root(), "", {.max_documents = 4});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("too many documents: more than 4 at \"many.yaml\""), std::string::npos);
  EXPECT_TRUE(RenderDirectory(docs.root(), "", {.max_documents = 5}).ok());
}

TEST(AppPathTest, OutOfBoundsSymlinksAreFoundLikeArgoCd) {
  EXPECT_TRUE(SymlinkStaysInside("a/link", "../b/file"));
  EXPECT_TRUE(SymlinkStaysInside("link", "b/../c"));
  EXPECT_FALSE(SymlinkStaysInside("link", "../x"));
  EXPECT_FALSE(SymlinkStaysInside("a/link", "../../x"));
  EXPECT_FALSE(SymlinkStaysInside("a/link", "/etc/passwd"));  // absolute: always refused
  EXPECT_FALSE(SymlinkStaysInside("link", "../repo/x"));      // leaves, even if it would come back

  TempTree t;
  t.Write("a/f.yaml", Cm("f"));
  t.Link("a/ok", "f.yaml");
  EXPECT_TRUE(CheckOutOfBoundsSymlinks(t.root()).ok());
  t.Link("a/b/bad", "../../../etc");
  base::Status s = CheckOutOfBoundsSymlinks(t.root());
  EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "repository contains out-of-bounds symlinks. file: a/b/bad");
}

TEST(TrackingTest, AnnotatesEveryObjectButCrdsWithTheDestinationNamespaceAsFallback) {
  std::vector<base::Json> objs = {
      base::Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"prod"}})"),
      base::Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","annotations":{"a":"b"}}})"),
      base::Json::parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"r"}})"),
      base::Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"x.y.z"}})"),
      base::Json::parse(R"({"apiVersion":"v1","kind":"Secret"})"),
  };
  ASSERT_TRUE(AddTrackingAnnotations(objs, {.instance_name = "guestbook", .destination_namespace = "dest"}).ok());
  auto id = [&](size_t i) { return base::GetString(objs[i]["metadata"]["annotations"], std::string(kTrackingIdAnnotation)); };
  EXPECT_EQ(id(0), "guestbook:apps/Deployment:prod/web");
  EXPECT_EQ(id(1), "guestbook:/ConfigMap:dest/cm");
  EXPECT_EQ(objs[1]["metadata"]["annotations"]["a"], "b");
  EXPECT_EQ(id(2), "guestbook:rbac.authorization.k8s.io/ClusterRole:dest/r");
  EXPECT_FALSE(objs[3]["metadata"].contains("annotations"));
  EXPECT_EQ(id(4), "guestbook:/Secret:dest/");

  EXPECT_EQ(AppInstanceName("app", "capstan", "capstan"), "app");
  EXPECT_EQ(AppInstanceName("app", "", "capstan"), "app");
  EXPECT_EQ(AppInstanceName("app", "team-a", "capstan"), "team-a_app");

  std::vector<base::Json> bad = {base::Json::parse(R"({"kind":"X","metadata":{"annotations":[]}})")};
  EXPECT_EQ(AddTrackingAnnotations(bad, {.instance_name = "a"}).code(), base::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace capstan::source
