// Copyright 2026 The capstan Authors.

#include "cli/app_file.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "base/yaml.h"

namespace capstan::cli {

base::Result<base::Json> ReadApplicationFile(const std::string& path) {
  std::ostringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return base::Status::NotFound("cannot read " + path);
    ss << in.rdbuf();
  }
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::YamlDocument> docs, base::ParseYamlStream(ss.str(), path));
  std::vector<base::Json> apps;
  for (base::YamlDocument& d : docs) {
    if (base::GetString(d.value, "kind") == "Application" &&
        base::GetString(d.value, "apiVersion").rfind("argoproj.io/", 0) == 0) {
      apps.push_back(std::move(d.value));
    }
  }
  if (apps.empty()) return base::Status::InvalidArgument(path + ": no argoproj.io Application in it");
  if (apps.size() > 1) {
    return base::Status::InvalidArgument(path + ": " + std::to_string(apps.size()) + " Applications in it; pass one");
  }
  return std::move(apps[0]);
}

}  // namespace capstan::cli
