// Copyright 2026 The capstan Authors.
//
// libFuzzer target for the YAML codec (base/yaml.h): any input either parses or fails with an error
// naming its source; what parses emits as YAML that parses back to the same values.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "base/yaml.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "yaml_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using capstan::base::Json;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto docs = capstan::base::ParseYamlStream(text, "fuzz.yaml");
  if (!docs.ok()) {
    const std::string& msg = docs.status().message();
    if (msg.rfind("fuzz.yaml: document ", 0) != 0) Fail("error without source and document", msg);
    return 0;
  }
  std::vector<Json> values;
  values.reserve(docs->size());
  for (auto& d : *docs) values.push_back(std::move(d.value));
  std::string emitted = capstan::base::EmitYamlStream(values);
  auto again = capstan::base::ParseYamlStream(emitted, "emitted.yaml");
  if (!again.ok()) Fail("emitted YAML does not parse", again.status().message() + "\n" + emitted);
  if (again->size() != values.size()) Fail("document count changed", emitted);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!((*again)[i].value == values[i])) {
      Fail("round trip changed a document", values[i].dump(-1, ' ', false,
                                                           Json::error_handler_t::replace) +
                                                "\n" + emitted);
    }
  }
  return 0;
}
