// Copyright 2026 The capstan Authors.
//
// The YAML codec read the way kubectl reads a manifest: go-yaml v2 scalar resolution, keys, streams,
// anchors and merges, limits, and error messages.

#include "base/yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <string>

namespace capstan::base {
namespace {

using ::testing::HasSubstr;

// The value of the single document |yaml|, or a string naming the error.
Json Parse(std::string_view yaml) {
  Result<Json> r = ParseYaml(yaml, "t.yaml");
  EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n--- input:\n" << yaml;
  return r.ok() ? *r : Json("<error: " + r.status().ToString() + ">");
}

// The value of "v: <scalar>".
Json Value(std::string_view scalar) {
  Json doc = Parse("v: " + std::string(scalar) + "\n");
  return doc.is_object() && doc.contains("v") ? doc["v"] : doc;
}

// The error message of parsing |yaml| as a stream; fails the test when it parses.
std::string Error(std::string_view yaml, const YamlLimits& limits = {}) {
  Result<std::vector<YamlDocument>> r = ParseYamlStream(yaml, "app/deploy.yaml", limits);
  EXPECT_FALSE(r.ok()) << "parsed:\n" << yaml;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

// --- Plain scalars: go-yaml v2 resolve.go ---

TEST(YamlScalarTest, Yaml11BooleansInEveryCaseGoYamlAccepts) {
  for (const char* t : {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
    EXPECT_EQ(Value(t), Json(true)) << t;
  }
  for (const char* f : {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
    EXPECT_EQ(Value(f), Json(false)) << f;
  }
  // Other spellings are strings.
  for (const char* s : {"yES", "tRUE", "oN", "nO", "Off_", "yess"}) EXPECT_EQ(Value(s), Json(s)) << s;
}

TEST(YamlScalarTest, Nulls) {
  for (const char* n : {"null", "Null", "NULL", "~", ""}) EXPECT_TRUE(Value(n).is_null()) << n;
  EXPECT_EQ(Value("nULL"), Json("nULL"));
}

TEST(YamlScalarTest, QuotedBlockAndStrTaggedScalarsStayStrings) {
  EXPECT_EQ(Value("\"yes\""), Json("yes"));
  EXPECT_EQ(Value("'on'"), Json("on"));
  EXPECT_EQ(Value("\"8080\""), Json("8080"));
  EXPECT_EQ(Value("'null'"), Json("null"));
  EXPECT_EQ(Value("\"\""), Json(""));
  EXPECT_EQ(Value("!!str 8080"), Json("8080"));
  EXPECT_EQ(Value("!!str yes"), Json("yes"));
  EXPECT_EQ(Value("!!str"), Json(""));
  EXPECT_EQ(Parse("v: |-\n  8080\n")["v"], Json("8080"));
  EXPECT_EQ(Parse("v: >-\n  true\n")["v"], Json("true"));
}

TEST(YamlScalarTest, IntegersInEveryBaseWithSignsAndUnderscores) {
  EXPECT_EQ(Value("0"), Json(0));
  EXPECT_EQ(Value("42"), Json(42));
  EXPECT_EQ(Value("-17"), Json(-17));
  EXPECT_EQ(Value("+5"), Json(5));
  EXPECT_EQ(Value("0x1F"), Json(31));
  EXPECT_EQ(Value("0X1f"), Json(31));
  EXPECT_EQ(Value("-0x10"), Json(-16));
  EXPECT_EQ(Value("0755"), Json(493));  // YAML 1.1 octal
  EXPECT_EQ(Value("0o17"), Json(15));   // Go's ParseInt base 0 takes 0o too
  EXPECT_EQ(Value("0b101"), Json(5));
  EXPECT_EQ(Value("-0b11"), Json(-3));
  EXPECT_EQ(Value("1_000_000"), Json(1000000));
  EXPECT_EQ(Value("0x_ff"), Json(255));
  EXPECT_EQ(Value("9223372036854775807"), Json(INT64_MAX));
  EXPECT_EQ(Value("-9223372036854775808"), Json(INT64_MIN));
  EXPECT_TRUE(Value("8080").is_number_integer());
  // Not integers: strings.
  for (const char* s : {"0x", "0b2", "1-2", "_1", "1.2.3", "12abc", "+", "0x1G", "--1", "-x"}) {
    EXPECT_EQ(Value(s), Json(s)) << s;
  }
}

TEST(YamlScalarTest, FloatsAndIntegralFloatsAsKubectlSendsThem) {
  EXPECT_EQ(Value("1.5"), Json(1.5));
  EXPECT_EQ(Value(".5"), Json(0.5));
  EXPECT_EQ(Value("-.5"), Json(-0.5));
  EXPECT_EQ(Value("1.5e-3"), Json(0.0015));
  EXPECT_EQ(Value("1_000.5"), Json(1000.5));
  // Go prints float64(3) as 3 and unstructured decodes it as int64: an integer.
  EXPECT_TRUE(Value("3.0").is_number_integer());
  EXPECT_EQ(Value("3.0"), Json(3));
  EXPECT_EQ(Value("1e3"), Json(1000));
  EXPECT_TRUE(Value("1e3").is_number_integer());
  // "08" is no octal: ParseInt fails, yamlStyleFloat matches, 8.0 -> 8.
  EXPECT_EQ(Value("08"), Json(8));
  EXPECT_EQ(Value("1."), Json(1));
  EXPECT_TRUE(Value("0.1").is_number_float());
  // ParseFloat overflow: go-yaml keeps the text.
  EXPECT_EQ(Value("1e400"), Json("1e400"));
  // Underflow is zero.
  EXPECT_EQ(Value("1e-400"), Json(0));
}

TEST(YamlScalarTest, IntegersPastInt64BecomeDoubles) {
  Json v = Value("9223372036854775808");  // uint64 in go-yaml, float64 after kubectl's JSON round
  EXPECT_TRUE(v.is_number_float());
  EXPECT_EQ(v.get<double>(), 9223372036854775808.0);
  EXPECT_TRUE(Value("18446744073709551616").is_number_float());
  EXPECT_DOUBLE_EQ(Value("123456789012345678901234567890").get<double>(), 1.2345678901234568e29);
  EXPECT_TRUE(Value("1e20").is_number_float());
}

TEST(YamlScalarTest, InfinityAndNanAreErrorsAsInKubectl) {
  for (const char* s : {".inf", "-.inf", "+.Inf", ".NaN", ".nan", "!!float .inf"}) {
    std::string msg = Error("a: 1\nv: " + std::string(s) + "\n");
    EXPECT_THAT(msg, HasSubstr("app/deploy.yaml: document 1 (line 2, column 4)")) << s;
    EXPECT_THAT(msg, HasSubstr("not a finite number")) << s;
  }
  EXPECT_EQ(Value("'.inf'"), Json(".inf"));
  EXPECT_EQ(Value("inf"), Json("inf"));
  EXPECT_EQ(Value("+inf"), Json("+inf"));
}

TEST(YamlScalarTest, TimestampsStayStrings) {
  EXPECT_EQ(Value("2001-12-14"), Json("2001-12-14"));
  EXPECT_EQ(Value("2001-12-14t21:59:43.10-05:00"), Json("2001-12-14t21:59:43.10-05:00"));
  EXPECT_EQ(Value("2001-12-14 21:59:43.10"), Json("2001-12-14 21:59:43.10"));
  EXPECT_EQ(Value("!!timestamp 2001-12-14"), Json("2001-12-14"));
}

TEST(YamlScalarTest, ExplicitTagsConvertOrFailAsGoYaml) {
  EXPECT_EQ(Value("!!int \"42\""), Json(42));
  EXPECT_EQ(Value("!!int 0x10"), Json(16));
  EXPECT_EQ(Value("!!bool yes"), Json(true));
  EXPECT_EQ(Value("!!bool 'off'"), Json(false));
  EXPECT_EQ(Value("!!float 1.5"), Json(1.5));
  EXPECT_EQ(Value("!!float 2"), Json(2));
  EXPECT_TRUE(Value("!!null ~").is_null());
  EXPECT_TRUE(Value("!!null").is_null());
  EXPECT_EQ(Value("!custom 42"), Json("42"));  // local tags are ignored: the text
  EXPECT_EQ(Value("! 42"), Json("42"));
  EXPECT_THAT(Error("v: !!int abc\n"), HasSubstr("(line 1, column 4): cannot decode !!str `abc` as a !!int"));
  EXPECT_THAT(Error("v: !!int 1.5\n"), HasSubstr("cannot decode !!float `1.5` as a !!int"));
  EXPECT_THAT(Error("v: !!bool 1\n"), HasSubstr("cannot decode !!int `1` as a !!bool"));
  EXPECT_THAT(Error("v: !!null 0\n"), HasSubstr("cannot decode !!int `0` as a !!null"));
  EXPECT_THAT(Error("v: !!timestamp 5\n"), HasSubstr("cannot decode !!int `5` as a !!timestamp"));
  EXPECT_THAT(Error("v: !!float 2001-12-14\n"),
              HasSubstr("cannot decode !!timestamp `2001-12-14` as a !!float"));
}

TEST(YamlScalarTest, BinaryKeepsTheBase64Text) {
  EXPECT_EQ(Value("!!binary aGVsbG8="), Json("aGVsbG8="));
  EXPECT_EQ(Parse("v: !!binary |\n  aGVs\n  bG8=\n")["v"], Json("aGVsbG8="));
  EXPECT_THAT(Error("v: !!binary 'not base64!'\n"),
              HasSubstr("!!binary value contains invalid base64 data"));
}

TEST(YamlScalarTest, StringsThatLookSpecialButAreNot) {
  for (const char* s : {"<<", "a: b", "1:20", "0x1p3", "Infinity", "nan", "1 2", "v1.2.3", "-1-",
                        ".", "..5", "._5", "e5"}) {
    std::string quoted = std::string("'") + s + "'";
    EXPECT_EQ(Value(quoted), Json(s)) << s;
  }
  EXPECT_EQ(Value("1:20"), Json("1:20"));  // base 60 is not supported by go-yaml
  EXPECT_EQ(Value("<<"), Json("<<"));      // << is only a merge key in key position
}

// --- Block scalars ---

TEST(YamlBlockScalarTest, LiteralFoldedAndChomping) {
  Json doc = Parse(
      "clip: |\n  a\n   b\n\n"
      "strip: |-\n  a\n  b\n\n"
      "keep: |+\n  a\n\n"
      "folded: >\n  a\n  b\n\n  c\n"
      "folded_strip: >-\n  long\n  line\n"
      "indented: |2\n    four\n  two\n");
  EXPECT_EQ(doc["clip"], Json("a\n b\n"));
  EXPECT_EQ(doc["strip"], Json("a\nb"));
  EXPECT_EQ(doc["keep"], Json("a\n\n"));
  EXPECT_EQ(doc["folded"], Json("a b\nc\n"));
  EXPECT_EQ(doc["folded_strip"], Json("long line"));
  EXPECT_EQ(doc["indented"], Json("  four\ntwo\n"));
}

// --- Keys: sigs.k8s.io/yaml convertToJSONableObject ---

TEST(YamlKeyTest, NonStringScalarKeysBecomeStrings) {
  Json doc = Parse("1: a\nyes: b\n1.5: d\n0x10: e\n1e6: f\n0.1: g\n-0: h\n'2': i\nOff: j\n");
  EXPECT_EQ(doc["1"], Json("a"));
  EXPECT_EQ(doc["true"], Json("b"));
  EXPECT_EQ(doc["false"], Json("j"));
  EXPECT_EQ(doc["1.5"], Json("d"));
  EXPECT_EQ(doc["16"], Json("e"));
  EXPECT_EQ(doc["1e+06"], Json("f"));  // Go's FormatFloat(f, 'g', -1, 32)
  EXPECT_EQ(doc["0.1"], Json("g"));
  EXPECT_EQ(doc["0"], Json("h"));
  EXPECT_EQ(doc["2"], Json("i"));
}

TEST(YamlKeyTest, KeysThatCannotBeJsonKeysAreErrors) {
  EXPECT_THAT(Error("a: 1\n~: x\n"), HasSubstr("document 1 (line 2, column 1): unsupported mapping key: null"));
  EXPECT_THAT(Error("? [a, b]\n: x\n"),
              HasSubstr("(line 1, column 3): invalid mapping key: a sequence cannot be a key"));
  EXPECT_THAT(Error("{a: b}: x\n"), HasSubstr("invalid mapping key: a mapping cannot be a key"));
  EXPECT_THAT(Error("18446744073709551615: x\n"), HasSubstr("an integer past int64"));
  EXPECT_THAT(Error("base: &m {a: 1}\n*m : x\n"),
              HasSubstr("invalid mapping key: a mapping cannot be a key"));
}

TEST(YamlKeyTest, DuplicateKeysAreErrorsNamingKeyAndLines) {
  std::string msg = Error("kind: A\n---\napiVersion: v1\nkind: B\nmetadata:\n  name: x\n  name: y\n");
  EXPECT_EQ(msg,
            "app/deploy.yaml: document 2 (line 7, column 3): mapping key \"name\" already defined at "
            "line 6");
  // Keys equal after conversion to strings are duplicates too.
  EXPECT_THAT(Error("yes: 1\ntrue: 2\n"), HasSubstr("mapping key \"true\" already defined at line 1"));
  EXPECT_THAT(Error("1: a\n'1': b\n"), HasSubstr("mapping key \"1\" already defined"));
  EXPECT_THAT(Error("<<: {a: 1}\n<<: {b: 1}\n"), HasSubstr("mapping key \"<<\" already defined"));
}

TEST(YamlKeyTest, QuotedOrStrTaggedMergeKeyIsAnOrdinaryKey) {
  EXPECT_EQ(Parse("'<<': x\n"), Json({{"<<", "x"}}));
  EXPECT_EQ(Parse("!!str <<: x\n"), Json({{"<<", "x"}}));
  EXPECT_EQ(Parse("a: &a {x: 1}\nb:\n  !!merge <<: *a\n")["b"], Json({{"x", 1}}));
}

// --- Streams ---

TEST(YamlStreamTest, EmptyAndNullDocumentsAreDroppedAndIndexCountsThem) {
  Result<std::vector<YamlDocument>> r = ParseYamlStream(
      "# leading comment\n"
      "---\n"
      "# only a comment\n"
      "---\n"
      "---\n"
      "kind: A\n"
      "...\n"
      "---\n"
      "~\n"
      "---\n"
      "\n"
      "kind: B\n",
      "s.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].value, Json({{"kind", "A"}}));
  EXPECT_EQ((*r)[0].index, 2);
  EXPECT_EQ((*r)[0].line, 6);
  EXPECT_EQ((*r)[1].value, Json({{"kind", "B"}}));
  EXPECT_EQ((*r)[1].index, 4);
  EXPECT_EQ((*r)[1].line, 12);
}

TEST(YamlStreamTest, EmptyInputsHaveNoDocuments) {
  for (const char* text : {"", "\n", "# nothing\n", "---\n", "--- ~\n...\n"}) {
    Result<std::vector<YamlDocument>> r = ParseYamlStream(text, "e.yaml");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->empty()) << text;
  }
}

TEST(YamlStreamTest, ParseYamlWantsExactlyOneDocument) {
  EXPECT_EQ(Parse("a: 1\n"), Json({{"a", 1}}));
  EXPECT_TRUE(Parse("null\n").is_null());
  EXPECT_EQ(Parse("--- text\n"), Json("text"));
  Result<Json> two = ParseYaml("a: 1\n---\nb: 2\n", "two.yaml");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().message(), "two.yaml: expected one YAML document, found 2");
  EXPECT_FALSE(ParseYaml("", "none.yaml").ok());
}

constexpr std::string_view kDeploymentAndService = R"(# app/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
    tier: "1"
  annotations:
    argocd.argoproj.io/sync-wave: "-1"
    enabled: "true"
spec:
  replicas: 3
  revisionHistoryLimit: 0
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
          args: ["--port", "8080", --verbose]
          ports:
            - containerPort: 8080
              protocol: TCP
          env:
            - name: FEATURE
              value: "on"
            - name: RATIO
              value: "0.5"
          resources:
            limits: {cpu: 500m, memory: 128Mi}
            requests:
              cpu: 0.25
          command:
            - /bin/sh
            - -c
            - |
              echo start
              exec nginx -g 'daemon off;'
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: ClusterIP
  ports:
  - port: 80
    targetPort: 8080
    name: http
  selector:
    app: web
)";

TEST(YamlStreamTest, DeploymentAndService) {
  Result<std::vector<YamlDocument>> r = ParseYamlStream(kDeploymentAndService, "app/deploy.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  const Json& deploy = (*r)[0].value;
  EXPECT_EQ((*r)[0].line, 2);
  EXPECT_EQ(deploy["kind"], "Deployment");
  EXPECT_EQ(deploy["metadata"]["labels"]["tier"], "1");
  EXPECT_EQ(deploy["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"], "-1");
  EXPECT_EQ(deploy["spec"]["replicas"], 3);
  EXPECT_TRUE(deploy["spec"]["replicas"].is_number_integer());
  EXPECT_EQ(deploy["spec"]["selector"]["matchLabels"], Json({{"app", "web"}}));
  const Json& c = deploy["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["image"], "nginx:1.25");
  EXPECT_EQ(c["args"], Json({"--port", "8080", "--verbose"}));
  EXPECT_EQ(c["ports"][0]["containerPort"], 8080);
  EXPECT_EQ(c["env"][0]["value"], "on");
  EXPECT_EQ(c["env"][1]["value"], "0.5");
  EXPECT_EQ(c["resources"]["limits"]["cpu"], "500m");
  EXPECT_EQ(c["resources"]["requests"]["cpu"], 0.25);
  EXPECT_EQ(c["command"][2], "echo start\nexec nginx -g 'daemon off;'\n");
  const Json& svc = (*r)[1].value;
  EXPECT_EQ((*r)[1].index, 1);
  EXPECT_EQ((*r)[1].line, 46);
  EXPECT_EQ(svc["spec"]["ports"][0], Json({{"port", 80}, {"targetPort", 8080}, {"name", "http"}}));
}

// --- Anchors, aliases, merge keys ---

TEST(YamlAnchorTest, AliasesCopyTheAnchoredValue) {
  Json doc = Parse(
      "base: &labels {app: web, tier: front}\n"
      "copy: *labels\n"
      "port: &p 8080\n"
      "ports: [*p, *p]\n"
      "*p : port-key\n");
  EXPECT_EQ(doc["copy"], doc["base"]);
  EXPECT_EQ(doc["ports"], Json({8080, 8080}));
  EXPECT_EQ(doc["8080"], "port-key");
}

TEST(YamlAnchorTest, AnchorsCanBeRedefined) {
  EXPECT_EQ(Parse("a: &x 1\nb: *x\nc: &x 2\nd: *x\n"), Json({{"a", 1}, {"b", 1}, {"c", 2}, {"d", 2}}));
}

TEST(YamlAnchorTest, MergeOneMappingExplicitKeysWin) {
  Json doc = Parse(
      "defaults: &d {image: nginx, pull: Always, port: 80}\n"
      "a:\n  <<: *d\n  port: 8080\n"
      "b:\n  port: 9090\n  <<: *d\n");  // explicit wins even when written before <<
  EXPECT_EQ(doc["a"], Json({{"image", "nginx"}, {"pull", "Always"}, {"port", 8080}}));
  EXPECT_EQ(doc["b"], Json({{"image", "nginx"}, {"pull", "Always"}, {"port", 9090}}));
}

TEST(YamlAnchorTest, MergeListOfMappingsEarlierWins) {
  Json doc = Parse(
      "one: &one {a: 1, b: 1}\n"
      "two: &two {b: 2, c: 2}\n"
      "m:\n  <<: [*one, *two, {d: 4}]\n  c: 3\n");
  EXPECT_EQ(doc["m"], Json({{"a", 1}, {"b", 1}, {"c", 3}, {"d", 4}}));
}

TEST(YamlAnchorTest, MergeInSequenceItemsLikeKustomizeIssue4144) {
  Json doc = Parse(
      "containers:\n"
      "- &foo\n  name: foo\n  image: whoami\n"
      "- <<: *foo\n  name: bar\n");
  EXPECT_EQ(doc["containers"][1], Json({{"name", "bar"}, {"image", "whoami"}}));
}

TEST(YamlAnchorTest, AnchorAndMergeErrors) {
  EXPECT_THAT(Error("a: 1\nb: *nope\n"),
              HasSubstr("document 1 (line 2, column 4): unknown anchor 'nope' referenced"));
  EXPECT_THAT(Error("a: &x [1, *x]\n"), HasSubstr("anchor 'x' value contains itself"));
  EXPECT_THAT(Error("s: &s [1]\nm:\n  <<: *s\n"),
              HasSubstr("(line 3, column 3): map merge requires map or sequence of maps"));
  EXPECT_THAT(Error("m:\n  <<: [{a: 1}, 2]\n"), HasSubstr("map merge requires map or sequence of maps"));
  EXPECT_THAT(Error("m:\n  <<: scalar\n"), HasSubstr("map merge requires map or sequence of maps"));
  EXPECT_THAT(Error("k: &k .inf\n"), HasSubstr("not a finite number"));
}

// --- Limits ---

TEST(YamlLimitsTest, NestingDepth) {
  std::string deep(1001, '[');
  deep += std::string(1001, ']');
  EXPECT_THAT(Error(deep), HasSubstr("document 1 (line 1, column 1001): nesting deeper than 1000 levels"));
  std::string ok(1000, '[');
  ok += std::string(1000, ']');
  EXPECT_TRUE(ParseYamlStream(ok, "ok.yaml").ok());
  EXPECT_THAT(Error("a:\n  b:\n    c: 1\n", YamlLimits{.max_depth = 2}),
              HasSubstr("(line 3, column 5): nesting deeper than 2 levels"));
}

TEST(YamlLimitsTest, BillionLaughsIsRefused) {
  std::string lol = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    lol += std::string(1, c) + ": &" + c + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev +
           ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n";
  }
  std::string msg = Error(lol);
  EXPECT_THAT(msg, HasSubstr("app/deploy.yaml: document 1 (line "));
  EXPECT_THAT(msg, HasSubstr("anchors and aliases expand to more than 1000000 nodes"));
  // The limit is the larger of max_alias_nodes and the input's size.
  YamlLimits tight{.max_alias_nodes = 20};
  std::string small = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: [*a, *a, *a, *a, *a, *a]\n";
  EXPECT_THAT(Error(small, tight), HasSubstr("expand to more than 65 nodes"));
  EXPECT_TRUE(ParseYamlStream(small, "small.yaml").ok());
}

TEST(YamlLimitsTest, AliasedLongStringsCountByTheirSize) {
  std::string text = "a: &a \"" + std::string(64 * 1024, 'x') + "\"\nb: [";
  for (int i = 0; i < 2000; ++i) text += "*a,";
  text += "*a]\n";
  EXPECT_THAT(Error(text), HasSubstr("expand to more than"));
}

// --- Syntax errors ---

TEST(YamlErrorTest, SyntaxErrorsNameSourceDocumentLineAndColumn) {
  EXPECT_EQ(Error("a: 1\n---\nkind: A\nspec:\n  x: 1\n  y: z: 3\n"),
            "app/deploy.yaml: document 2 (line 6, column 7): mapping values are not allowed in this "
            "context");
  EXPECT_THAT(Error("a: [1, 2\n"), HasSubstr("document 1 (line 2, column 1): did not find expected ',' or ']'"));
  EXPECT_THAT(Error("a: \"x\n"), HasSubstr("found unexpected end of stream"));
  EXPECT_THAT(Error("a: 1\n\tb: 2\n"), HasSubstr("(line 2, column 1)"));
  EXPECT_THAT(Error("a: 1\nb: \xff\n"), HasSubstr("document 1 (line 2, column 4): invalid leading UTF-8 octet"));
}

// --- Speed: a quick check, not a timed test ---

TEST(YamlSpeedCheck, FourThousandDeployments) {
  std::string one = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-NAME
  namespace: shop
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: web-NAME
    app.kubernetes.io/version: "1.25.3"
  annotations:
    argocd.argoproj.io/sync-wave: "2"
spec:
  replicas: 3
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app.kubernetes.io/name: web
      app.kubernetes.io/instance: web-NAME
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: web-NAME
    spec:
      containers:
      - name: web
        image: registry.example.com/shop/web:1.25.3
        imagePullPolicy: IfNotPresent
        args: ["--port=8080", "--log-level=info"]
        ports:
        - {name: http, containerPort: 8080, protocol: TCP}
        env:
        - name: FEATURE_FLAG
          value: "on"
        resources:
          limits: {cpu: 500m, memory: 256Mi}
          requests: {cpu: 100m, memory: 128Mi}
)";
  std::string text;
  for (int i = 0; i < 4000; ++i) {
    std::string doc = one;
    for (size_t p = doc.find("NAME"); p != std::string::npos; p = doc.find("NAME", p)) {
      doc.replace(p, 4, std::to_string(i));
    }
    text += "---\n" + doc;
  }
  // Wall time and this process's CPU time (the machine may be shared).
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  Result<std::vector<YamlDocument>> r = ParseYamlStream(text, "big.yaml");
  double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4000u);
  EXPECT_EQ((*r)[3999].value["metadata"]["name"], "web-3999");
  std::printf("[ speed    ] %zu bytes, 4000 Deployments parsed in %.1f ms (%.1f ms CPU)\n",
              text.size(), ms.count(), cpu_ms);
  RecordProperty("parse_ms", static_cast<int>(ms.count()));
}

}  // namespace
}  // namespace capstan::base
