// Copyright 2026 The capstan Authors.
//
// Printing Applications the way `argocd app get` does: `-o json|yaml` prints the object alone (so
// stdout can be parsed), `wide` and the default print a summary and the operation's result table.

#ifndef CAPSTAN_CLI_APP_OUTPUT_H_
#define CAPSTAN_CLI_APP_OUTPUT_H_

#include <ostream>
#include <string>

#include "base/json.h"
#include "base/result.h"
#include "app/application.h"

namespace capstan::cli {

// |output|: "json", "yaml", "wide" or "" (summary).
void PrintApplication(std::ostream& out, const base::Json& app, const std::string& output);

// "NAME" or "NAMESPACE/NAME" with -N |app_namespace| as the default namespace.
app::AppRef ParseAppName(const std::string& text, const std::string& app_namespace);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_APP_OUTPUT_H_
