// Copyright 2026 The capstan Authors.
//
// Forward declaration of the shared JSON DOM type (see base/json.h).

#ifndef CAPSTAN_BASE_JSON_FWD_H_
#define CAPSTAN_BASE_JSON_FWD_H_

#include <nlohmann/json_fwd.hpp>

namespace capstan::base {
using Json = nlohmann::json;
}  // namespace capstan::base

#endif  // CAPSTAN_BASE_JSON_FWD_H_
