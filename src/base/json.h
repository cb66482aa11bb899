// Copyright 2026 The capstan Authors.
//
// The JSON DOM every module shares: nlohmann::json. Kubernetes objects travel as Json values. This
// header pulls in the whole nlohmann header (heavy); headers that only pass Json by reference include
// base/json_fwd.h instead.

#ifndef CAPSTAN_BASE_JSON_H_
#define CAPSTAN_BASE_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/json_fwd.h"
#include "base/result.h"

namespace capstan::base {

// Parses |text| as one JSON value. On error: kInvalidArgument naming |what|, the byte offset and
// nlohmann's reason.
Result<Json> ParseJson(std::string_view text, std::string_view what = "JSON");

// Parses |text| with simdjson (fast for big List responses) into the nlohmann DOM. Same errors.
Result<Json> ParseJsonFast(std::string_view text, std::string_view what = "JSON");

// The string at |key| of object |obj|, or "" when absent or not a string.
std::string GetString(const Json& obj, std::string_view key);
// The string at a '/'-separated |path| ("metadata/name"), or "" when absent or not a string.
std::string GetStringAt(const Json& obj, std::string_view path);

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_JSON_H_
