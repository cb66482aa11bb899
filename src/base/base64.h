// Copyright 2026 The capstan Authors.
//
// Base64 (RFC 4648 §4, the standard alphabet with '=' padding), as Kubernetes uses it for Secret
// data and kubeconfig *-data fields.
//
// Thread safety: pure functions, safe to call concurrently.

#ifndef CAPSTAN_BASE_BASE64_H_
#define CAPSTAN_BASE_BASE64_H_

#include <string>
#include <string_view>

#include "base/result.h"

namespace capstan::base {

// |data| encoded, padded with '='.
std::string Base64Encode(std::string_view data);

// Decodes |text|. ASCII whitespace (line breaks in PEM-like text) is skipped and the '=' padding may
// be left out, as Go's decoder tolerates. kInvalidArgument on any other character, on data after
// padding, or on a length that cannot be base64. The message never quotes |text| (it may be a key):
// "invalid base64 at offset 12".
Result<std::string> Base64Decode(std::string_view text);

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_BASE64_H_
