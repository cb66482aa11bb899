// Copyright 2026 The capstan Authors.
//
// Reading one manifest file into objects, as Argo CD's getObjsFromYAMLOrJSON and splitYAMLOrJSON do
// (reposerver/repository/repository.go), and the List expansion of GenerateManifests.

#include <sstream>

#include "base/yaml.h"
#include "source/directory.h"

namespace capstan::source {

namespace {

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// utfutil.OpenFile(path, utfutil.UTF8): a UTF-8 BOM is dropped; a UTF-16 BOM selects UTF-16 decoding.
std::string DecodeBom(std::string_view text) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.size() >= 3 && byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) return std::string(text.substr(3));
  bool le = text.size() >= 2 && byte(0) == 0xFF && byte(1) == 0xFE;
  bool be = text.size() >= 2 && byte(0) == 0xFE && byte(1) == 0xFF;
  if (!le && !be) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 2; i + 1 < text.size(); i += 2) {
    uint32_t u = le ? (byte(i) | (byte(i + 1) << 8)) : ((byte(i) << 8) | byte(i + 1));
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < text.size()) {
      uint32_t lo = le ? (byte(i + 2) | (byte(i + 3) << 8)) : ((byte(i + 2) << 8) | byte(i + 3));
      if (lo >= 0xDC00 && lo < 0xE000) {
        AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    AppendUtf8(out, (u >= 0xD800 && u < 0xE000) ? 0xFFFD : u);
  }
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Argo CD: "let's see if it looks like a resource, if yes, we return error".
bool LooksLikeManifest(std::string_view text) {
  return text.find("apiVersion:") != std::string_view::npos && text.find("kind:") != std::string_view::npos &&
         text.find("metadata:") != std::string_view::npos;
}

// What unstructured.Unstructured's UnmarshalJSON demands: an object with a non-empty string kind.
std::string NotAnObjectReason(const base::Json& v) {
  if (!v.is_object()) return std::string("cannot unmarshal ") + v.type_name() + " into an object";
  auto kind = v.find("kind");
  if (kind == v.end() || !kind->is_string() || kind->get_ref<const std::string&>().empty()) {
    return "Object 'Kind' is missing";
  }
  return "";
}

base::Status Unmarshal(std::string_view name, std::string_view why) {
  return base::Status::InvalidArgument("failed to unmarshal \"" + std::string(name) + "\": " + std::string(why));
}

// Parses JSON values one after another from |text| (k8s YAMLOrJSONDecoder's JSON mode). Stops at
// the first error, returning what came before and the error.
std::vector<base::Json> ParseJsonValues(const std::string& text, std::string* error) {
  std::vector<base::Json> out;
  std::istringstream in(text);
  for (;;) {
    in >> std::ws;
    if (in.peek() == std::char_traits<char>::eof()) break;
    try {
      base::Json v;
      in >> v;
      out.push_back(std::move(v));
    } catch (const std::exception& e) {
      *error = e.what();
      break;
    }
  }
  return out;
}

}  // namespace

base::Result<std::vector<base::Json>> DecodeManifestFile(std::string_view name, std::string_view raw) {
  std::string text = DecodeBom(raw);
  std::vector<base::Json> objs;

  if (EndsWith(name, ".json")) {
    std::istringstream in(text);
    base::Json v;
    try {
      in >> v;
    } catch (const std::exception& e) {
      return Unmarshal(name, e.what());
    }
    in >> std::ws;
    if (in.peek() != std::char_traits<char>::eof()) {
      return base::Status::InvalidArgument("Found multiple objects in \"" + std::string(name) +
                                           "\". Only single objects are allowed in JSON files.");
    }
    // Argo CD 3.x lets a kind-less JSON object through its OCI-manifest fallback, to fail later in
    // the controller; capstan fails here, naming the file (as Argo CD 2.x did).
    if (std::string why = NotAnObjectReason(v); !why.empty()) return Unmarshal(name, why);
    objs.push_back(std::move(v));
    return objs;
  }

  // YAML (or a JSON stream when the first non-space character is '{', as YAMLOrJSONDecoder sniffs).
  std::string error;
  std::vector<base::Json> docs;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    docs = ParseJsonValues(text, &error);
  } else {
    auto parsed = base::ParseYamlStream(text, name);
    if (!parsed.ok()) {
      error = parsed.status().message();
      std::string prefix = std::string(name) + ": ";
      if (error.rfind(prefix, 0) == 0) error.erase(0, prefix.size());
    } else {
      for (base::YamlDocument& d : *parsed) docs.push_back(std::move(d.value));
    }
  }
  int doc_no = 0;
  for (base::Json& v : docs) {
    ++doc_no;
    if (v.is_null()) continue;
    if (std::string why = NotAnObjectReason(v); !why.empty()) {
      error = "document " + std::to_string(doc_no) + ": " + why;
      break;
    }
    objs.push_back(std::move(v));
  }
  if (!error.empty()) {
    // Some objects then a bad document: "very likely the user messed up a portion of the YAML".
    if (!objs.empty() || LooksLikeManifest(text)) return Unmarshal(name, error);
    return std::vector<base::Json>{};  // an unrelated YAML file, ignored as Argo CD ignores it
  }
  return objs;
}

base::Status ExpandLists(std::vector<base::Json>& objects) {
  std::vector<base::Json> out;
  out.reserve(objects.size());
  for (base::Json& obj : objects) {
    auto items = obj.find("items");
    if (items != obj.end() && items->is_array()) {
      for (base::Json& item : *items) {
        if (!item.is_object()) {
          return base::Status::InvalidArgument(std::string("items member is not an object: ") + item.type_name() +
                                               " in " + base::GetString(obj, "kind"));
        }
        out.push_back(std::move(item));
      }
      continue;
    }
    if (items != obj.end() && items->is_null() && !obj.contains("spec") && !obj.contains("status")) continue;
    out.push_back(std::move(obj));
  }
  objects = std::move(out);
  return base::Status::Ok();
}

}  // namespace capstan::source
