// Copyright 2026 The capstan Authors.
//
// The YAML <-> JSON codec in Kubernetes' dialect: what kubectl does with a manifest
// (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1 resolution of plain scalars), reading into and writing
// from the shared DOM base::Json. Built on libyaml's event API.
//
// Reading (ParseYamlStream, ParseYaml), as kubectl reads a manifest:
//  - Plain scalars resolve as go-yaml v2's resolve.go: y/Y/yes/Yes/YES/on/On/ON/true/True/TRUE (and
//    the n/no/off/false variants) are booleans; ~, null, Null, NULL and the empty scalar are null;
//    decimal, 0x hex, 0o and YAML 1.1 0755 octal, 0b binary ints with a sign and underscores; floats.
//    Anything quoted, in a block scalar (| or >) or tagged !!str stays a string. Timestamps stay
//    strings (go-yaml v2 hands timestamp-like values to interface{} as their text).
//  - Numbers become what kubectl sends after its YAML -> JSON -> unstructured round: a number whose
//    value is integral and fits int64 is an integer (3.0 -> 3, 1e3 -> 1000); any other number is a
//    double (ints past int64 too). .inf and .nan have no JSON form: an error, as in kubectl.
//  - Explicit tags !!str !!int !!float !!bool !!null !!timestamp check and convert as go-yaml does;
//    !!binary keeps the base64 text (whitespace removed, validated): kubectl would decode it to raw
//    bytes, which breaks the base64 a Secret's data expects. Other tags (!foo, !) are ignored.
//  - Anchors, aliases and merge keys (<< with a mapping or a list of mappings; explicit keys win, and
//    earlier mappings in the list win over later ones).
//  - Mapping keys that are not strings are converted as sigs.k8s.io/yaml does (1 -> "1", true ->
//    "true", 1.5 -> "1.5"); null keys, keys past int64 and mappings or sequences as keys are errors.
//    A key defined twice in one mapping is an error (kubectl: `mapping key "x" already defined`).
//  - Documents whose value is null (empty, only comments, `---` alone, `~`) are dropped, as kubectl
//    skips them.
//  - Limits: nesting depth, and the number of nodes copied for anchors and aliases (billion laughs).
//
// Writing (EmitYaml, EmitYamlStream), as `kubectl get -o yaml` prints: block style, 2-space indent,
// a sequence under a mapping key at the key's indent ("- name: x"), keys sorted (Json sorts them),
// strings that would read back as something else ("yes", "8080", "null", "", "2001-12-14")
// double-quoted, strings plain YAML cannot carry (": ", " #", leading spaces) single-quoted, multi-line
// strings as | blocks, empty containers as {} and []. Lines are not wrapped. ParseYaml(EmitYaml(v))
// == v for every Json value of objects, arrays, strings, integers, booleans, null and finite doubles.
//
// Thread safety: all functions are pure and safe to call concurrently.

#ifndef CAPSTAN_BASE_YAML_H_
#define CAPSTAN_BASE_YAML_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace capstan::base {

// One non-empty document of a YAML stream.
struct YamlDocument {
  Json value;
  int index = 0;  // 0-based position in the stream, counting the dropped empty documents too
  int line = 0;   // 1-based line where the document's content starts
};

// Limits that keep hostile input from exhausting the stack, memory or time.
struct YamlLimits {
  int max_depth = 1000;  // nested mappings and sequences
  // Nodes copied for anchors and expanded from aliases in the whole stream. The bound used is the
  // larger of this and the input's size in bytes.
  int64_t max_alias_nodes = 1'000'000;
};

// Parses the multi-document stream |text|; |source| names it in errors (a file path). Returns the
// non-empty documents in order.
// Errors: kInvalidArgument "<source>: document <n> (line <l>, column <c>): <problem>", where n is
// 1-based (index + 1) and the line and column are 1-based, for YAML syntax errors (libyaml's
// message), duplicate keys, invalid keys, tag mismatches, .inf/.nan, unknown anchors, and exceeded
// limits.
Result<std::vector<YamlDocument>> ParseYamlStream(std::string_view text, std::string_view source,
                                                  const YamlLimits& limits = {});

// Parses |text| as exactly one document; an empty or null document is returned as null (unlike
// ParseYamlStream, which drops it). Errors as ParseYamlStream, plus kInvalidArgument "<source>:
// expected one YAML document, found <n>" when the stream holds none (empty text) or more than one.
Result<Json> ParseYaml(std::string_view text, std::string_view source, const YamlLimits& limits = {});

// |value| as one YAML document, kubectl style, ending in a newline. Invalid UTF-8 in strings is
// replaced by U+FFFD (as Go's encoding/json does). REQUIRES: no NaN or infinite doubles in |value|
// (they are written as .nan / .inf, which ParseYaml rejects).
std::string EmitYaml(const Json& value);

// The documents of |docs|, each as EmitYaml writes it, separated by "---\n" lines.
std::string EmitYamlStream(const std::vector<Json>& docs);

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_YAML_H_
