// Copyright 2026 The capstan Authors.

#include "base/json.h"

// simdjson 3.0 trips GCC 12's dangling-pointer analysis inside its own headers.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <simdjson.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <string>

namespace capstan::base {
namespace {

// Builds the nlohmann DOM from a simdjson DOM element. Keys keep simdjson's (document) order; the
// nlohmann object sorts them, as kubectl's output does.
Json FromSimd(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      Json out = Json::array();
      // Copy the array out of the simdjson_result first: value_unsafe() returns a reference into the
      // temporary result, which a range-for would keep using after it died (crashes at -O2).
      simdjson::dom::array array = e.get_array().value_unsafe();
      for (simdjson::dom::element child : array) out.push_back(FromSimd(child));
      return out;
    }
    case simdjson::dom::element_type::OBJECT: {
      Json out = Json::object();
      simdjson::dom::object object = e.get_object().value_unsafe();  // see ARRAY above
      for (auto field : object) {
        out.emplace(std::string(field.key), FromSimd(field.value));
      }
      return out;
    }
    case simdjson::dom::element_type::INT64: return Json(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64: return Json(e.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE: return Json(e.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING: return Json(std::string(e.get_string().value_unsafe()));
    case simdjson::dom::element_type::BOOL: return Json(e.get_bool().value_unsafe());
    case simdjson::dom::element_type::NULL_VALUE: return Json(nullptr);
  }
  return Json();
}

}  // namespace

Result<Json> ParseJson(std::string_view text, std::string_view what) {
  Json out = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    // Re-parse with exceptions only to get nlohmann's position and reason.
    try {
      Json ignored = Json::parse(text);
      (void)ignored;
    } catch (const Json::parse_error& e) {
      return Status::InvalidArgument(std::string(what) + ": invalid JSON at byte " +
                                     std::to_string(e.byte) + ": " + e.what());
    }
    return Status::InvalidArgument(std::string(what) + ": invalid JSON");
  }
  return out;
}

Result<Json> ParseJsonFast(std::string_view text, std::string_view what) {
  // One parser per thread: simdjson parsers own big buffers that are worth reusing.
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  auto error = parser.parse(padded).get(root);
  if (error) {
    return Status::InvalidArgument(std::string(what) + ": invalid JSON: " + simdjson::error_message(error));
  }
  return FromSimd(root);
}

std::string GetString(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::string GetStringAt(const Json& obj, std::string_view path) {
  const Json* cur = &obj;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view part = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    if (!cur->is_object()) return {};
    auto it = cur->find(part);
    if (it == cur->end()) return {};
    cur = &*it;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return cur->is_string() ? cur->get<std::string>() : std::string();
}

}  // namespace capstan::base
