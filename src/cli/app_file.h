// Copyright 2026 The capstan Authors.
//
// Reading an Application manifest file (`-f FILE`, `-` for stdin): exactly one argoproj.io
// Application in a YAML or JSON stream.

#ifndef CAPSTAN_CLI_APP_FILE_H_
#define CAPSTAN_CLI_APP_FILE_H_

#include <string>

#include "base/json.h"
#include "base/result.h"

namespace capstan::cli {

// The one Application in |path|. kNotFound when the file cannot be read; kInvalidArgument naming the
// file when it holds no Application, more than one, or malformed YAML (with line and column).
base::Result<base::Json> ReadApplicationFile(const std::string& path);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_APP_FILE_H_
