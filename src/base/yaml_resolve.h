// Copyright 2026 The capstan Authors.
//
// Internal to the YAML codec (base/yaml.h): the scalar rules of go-yaml v2, shared by the parser (to
// type plain scalars) and the emitter (to quote strings that would read back as something else).
// Matched against go-yaml v2's resolve.go (as vendored by kubernetes/kubernetes under
// vendor/gopkg.in/yaml.v2), its decode.go (scalar(), merge handling) and encode.go (stringv's
// quoting, isBase60Float), and sigs.k8s.io/yaml's yaml.go (convertToJSONableObject's key rules).
// Numbers follow Go's strconv.ParseInt/ParseUint with base 0 and ParseFloat.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_BASE_YAML_RESOLVE_H_
#define CAPSTAN_BASE_YAML_RESOLVE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace capstan::base::yaml_internal {

// What a scalar resolves to, with go-yaml's Go types: int (int64), uint64 (ints past int64), float64.
struct Scalar {
  enum class Kind { kNull, kBool, kInt, kUint, kFloat, kString };
  Kind kind = Kind::kString;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
};

// go-yaml v2 resolve("", s): the value of the untagged plain scalar |s| (YAML 1.1 booleans, nulls,
// ints in every base go-yaml accepts, floats, .inf/.nan). kString for everything else, timestamps
// included (decode.go hands them to interface{} as their text).
Scalar ResolvePlain(std::string_view s);

// Go's strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) on |s| (no underscores expected).
bool ParseGoInt(std::string_view s, int64_t* out);
bool ParseGoUint(std::string_view s, uint64_t* out);

// The float of |s| when it matches go-yaml's yamlStyleFloat
// (^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$) and Go's ParseFloat does not overflow.
bool ParseYamlFloat(std::string_view s, double* out);

// Whether |s| is a timestamp for go-yaml v2's parseTimestamp (time.Parse with the layouts
// "2006-1-2T15:4:5.999999999Z07:00", the same with 't', "2006-1-2 15:4:5.999999999", "2006-1-2").
bool IsTimestamp(std::string_view s);

// go-yaml v2 encode.go's isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
bool IsBase60Float(std::string_view s);

// Whether the string |s| must be quoted to read back as the same string: go-yaml v2's stringv test
// (resolve("", s) is not !!str, a timestamp, or base 60), plus "<<", which would read back as a
// merge key.
bool NeedsQuotes(std::string_view s);

// Go's strconv.FormatFloat(f, 'g', -1, 32) with +Inf/-Inf/NaN as .inf/-.inf/.nan: how
// sigs.k8s.io/yaml turns a float mapping key into a string.
std::string FormatFloatKey(double f);

}  // namespace capstan::base::yaml_internal

#endif  // CAPSTAN_BASE_YAML_RESOLVE_H_
