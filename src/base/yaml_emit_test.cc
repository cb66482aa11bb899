// Copyright 2026 The capstan Authors.
//
// The YAML emitter: kubectl's layout and quoting, and the round trip ParseYaml(EmitYaml(v)) == v as a
// rapidcheck property.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "base/yaml.h"

namespace capstan::base {
namespace {

TEST(YamlEmitTest, DeploymentLooksLikeKubectlGetOYaml) {
  Json deploy = Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"},
                 "annotations": {"argocd.argoproj.io/sync-wave": "-1", "note": "a: b"}},
    "spec": {"replicas": 3, "paused": false, "selector": {"matchLabels": {}},
             "template": {"spec": {"volumes": [],
               "containers": [{"name": "web", "image": "nginx:1.25", "args": ["--port", "8080"],
                               "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                               "resources": {"requests": {"cpu": 0.25}},
                               "command": ["/bin/sh", "-c", "echo start\nexec nginx\n"]}]}}}
  })");
  EXPECT_EQ(EmitYaml(deploy),
            "apiVersion: apps/v1\n"
            "kind: Deployment\n"
            "metadata:\n"
            "  annotations:\n"
            "    argocd.argoproj.io/sync-wave: \"-1\"\n"
            "    note: 'a: b'\n"
            "  labels:\n"
            "    app: web\n"
            "  name: web\n"
            "spec:\n"
            "  paused: false\n"
            "  replicas: 3\n"
            "  selector:\n"
            "    matchLabels: {}\n"
            "  template:\n"
            "    spec:\n"
            "      containers:\n"
            "      - args:\n"
            "        - --port\n"
            "        - \"8080\"\n"
            "        command:\n"
            "        - /bin/sh\n"
            "        - -c\n"
            "        - |\n"
            "          echo start\n"
            "          exec nginx\n"
            "        image: nginx:1.25\n"
            "        name: web\n"
            "        ports:\n"
            "        - containerPort: 8080\n"
            "          protocol: TCP\n"
            "        resources:\n"
            "          requests:\n"
            "            cpu: 0.25\n"
            "      volumes: []\n");
}

TEST(YamlEmitTest, StringsThatWouldReadBackAsSomethingElseAreQuoted) {
  struct Case {
    const char* value;
    const char* yaml;
  };
  for (const Case& c : std::vector<Case>{
           {"yes", "\"yes\""},
           {"on", "\"on\""},
           {"N", "\"N\""},
           {"8080", "\"8080\""},
           {"0x1F", "\"0x1F\""},
           {"1_000", "\"1_000\""},
           {"1e3", "\"1e3\""},
           {"null", "\"null\""},
           {"~", "\"~\""},
           {"", "\"\""},
           {".inf", "\".inf\""},
           {"2001-12-14", "\"2001-12-14\""},
           {"1:20", "\"1:20\""},
           {"<<", "\"<<\""},
           {" lead", "' lead'"},
           {"trail ", "'trail '"},
           {"a: b", "'a: b'"},
           {"a #b", "'a #b'"},
           {"#x", "'#x'"},
           {"- x", "'- x'"},
           {"*x", "'*x'"},
           {"---", "'---'"},
           {"it's", "it's"},
           {"a\tb", "\"a\\tb\""},
           {"plain text", "plain text"},
           {"nginx:1.25", "nginx:1.25"},
           {"500m", "500m"},
           {"日本", "日本"},
       }) {
    EXPECT_EQ(EmitYaml(Json({{"k", c.value}})), std::string("k: ") + c.yaml + "\n") << c.value;
  }
}

TEST(YamlEmitTest, MultiLineStringsAreBlocks) {
  EXPECT_EQ(EmitYaml(Json({{"k", "a\nb\n"}})), "k: |\n  a\n  b\n");
  EXPECT_EQ(EmitYaml(Json({{"k", "a\nb"}})), "k: |-\n  a\n  b\n");
  // Trailing spaces before a break cannot be a block: double-quoted.
  EXPECT_EQ(EmitYaml(Json({{"k", "a \nb"}})), "k: \"a \\nb\"\n");
}

TEST(YamlEmitTest, ScalarsNumbersAndKeys) {
  EXPECT_EQ(EmitYaml(Json({{"i", -7}, {"f", 0.5}, {"big", 1e300}, {"t", true}, {"n", nullptr}})),
            "big: 1e+300\nf: 0.5\ni: -7\n\"n\": null\nt: true\n");  // n is false in YAML 1.1
  EXPECT_EQ(EmitYaml(Json({{"true", 1}, {"8080", 2}, {"a b", 3}})),
            "\"8080\": 2\na b: 3\n\"true\": 1\n");
  EXPECT_EQ(EmitYaml(Json("text")), "text\n");
  EXPECT_EQ(EmitYaml(Json::array()), "[]\n");
  EXPECT_EQ(EmitYaml(Json({1, Json::array({2, 3})})), "- 1\n- - 2\n  - 3\n");
}

TEST(YamlEmitTest, LongLinesAreNotWrapped) {
  std::string words;
  for (int i = 0; i < 40; ++i) words += "word ";
  words += "end";
  EXPECT_EQ(EmitYaml(Json({{"k", words}})), "k: " + words + "\n");
}

TEST(YamlEmitTest, InvalidUtf8IsReplaced) {
  std::string bad = "a\xff" "b";
  EXPECT_EQ(EmitYaml(Json({{"k", bad}})), "k: a\xEF\xBF\xBD" "b\n");
}

TEST(YamlEmitTest, StreamSeparatesDocuments) {
  std::string out = EmitYamlStream({Json({{"kind", "A"}}), Json({{"kind", "B"}})});
  EXPECT_EQ(out, "kind: A\n---\nkind: B\n");
  Result<std::vector<YamlDocument>> back = ParseYamlStream(out, "s.yaml");
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].value, Json({{"kind", "B"}}));
  EXPECT_EQ(EmitYamlStream({}), "");
}

// --- The round trip property ---

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

rc::Gen<std::string> GenString() {
  // Code points weighted toward YAML's syntax characters, breaks and the edges of Unicode.
  rc::Gen<uint32_t> cp = rc::gen::weightedOneOf<uint32_t>({
      {8, rc::gen::inRange<uint32_t>(0x20, 0x7F)},
      {6, rc::gen::elementOf(std::vector<uint32_t>{' ', '\n', ':', '#', '-', '\'', '"', '\\', '\t',
                                                   '{', '}', '[', ']', ',', '&', '*', '!', '|',
                                                   '>', '%', '@', '`', '?', '.', '~', '\r'})},
      {1, rc::gen::inRange<uint32_t>(0, 0x20)},
      {1, rc::gen::elementOf(std::vector<uint32_t>{0x85, 0xA0, 0x2028, 0x2029, 0xFEFF, 0xFFFD,
                                                   0x7F, 0x10FFFF})},
      {2, rc::gen::inRange<uint32_t>(0x80, 0xD800)},
      {1, rc::gen::inRange<uint32_t>(0xE000, 0x110000)},
  });
  rc::Gen<std::string> random = rc::gen::map(rc::gen::container<std::vector<uint32_t>>(cp),
                                             [](const std::vector<uint32_t>& cps) {
                                               std::string s;
                                               for (uint32_t c : cps) AppendUtf8(c, &s);
                                               return s;
                                             });
  rc::Gen<std::string> special = rc::gen::elementOf(std::vector<std::string>{
      "yes", "No", "on", "OFF", "y", "n", "true", "null", "~", "", "8080", "-1", "0x1F", "0755",
      "0o17", "0b1", "1_000", "1e3", "3.0", ".5", ".inf", "-.Inf", ".nan", "2001-12-14",
      "2001-12-14T21:59:43.10-05:00", "1:20", "<<", "- a", "a: b", "a #b", "#x", " lead", "trail ",
      "---", "...", "\n", "a\nb", "a\n", "\n\na", " a\n b", "a\n\n", "  \n", "|", "> x", "{a}",
      "[1]", "'q'", "\"dq\"", "+1", "-", "é", "日本", "a\r\nb", "\xC2\x85", "tab\there"});
  return rc::gen::weightedOneOf<std::string>({{3, random}, {2, special}});
}

rc::Gen<Json> GenJson(int depth) {
  rc::Gen<Json> scalar = rc::gen::oneOf(
      rc::gen::just(Json(nullptr)),
      rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return Json(b); }),
      rc::gen::map(rc::gen::arbitrary<int64_t>(), [](int64_t i) { return Json(i); }),
      rc::gen::map(rc::gen::suchThat(rc::gen::arbitrary<double>(),
                                     [](double d) { return std::isfinite(d); }),
                   [](double d) { return Json(d); }),
      rc::gen::map(GenString(), [](std::string s) { return Json(std::move(s)); }));
  if (depth == 0) return scalar;
  // Each level down gets a third of the size, so values stay small.
  rc::Gen<Json> child = rc::gen::lazy([depth] { return GenJson(depth - 1); });
  rc::Gen<Json> array = rc::gen::map(
      rc::gen::scale(0.3, rc::gen::container<std::vector<Json>>(child)),
      [](std::vector<Json> v) { return Json(std::move(v)); });
  rc::Gen<Json> object = rc::gen::map(
      rc::gen::scale(0.3, rc::gen::container<std::map<std::string, Json>>(GenString(), child)),
      [](std::map<std::string, Json> m) {
        Json o = Json::object();
        for (auto& [k, v] : m) o[k] = std::move(v);
        return o;
      });
  return rc::gen::weightedOneOf<Json>({{2, scalar}, {1, array}, {2, object}});
}

RC_GTEST_PROP(YamlRoundTrip, ParseOfEmitIsIdentity, ()) {
  Json value = *GenJson(4);
  std::string yaml = EmitYaml(value);
  Result<Json> back = ParseYaml(yaml, "roundtrip.yaml");
  RC_LOG() << "value: " << value.dump() << "\nyaml:\n" << yaml << "\nstatus: " << back.status().ToString();
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == value);
}

}  // namespace
}  // namespace capstan::base
