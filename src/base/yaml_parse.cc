// Copyright 2026 The capstan Authors.
//
// ParseYamlStream / ParseYaml: libyaml events straight into the Json DOM, with go-yaml v2's typing
// (base/yaml_resolve.h) and sigs.k8s.io/yaml's key rules. One pass, no intermediate node tree: a
// stack of open mappings and sequences, each completed value moved into its parent.

#include <yaml.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/yaml.h"
#include "base/yaml_resolve.h"

namespace capstan::base {
namespace {

using yaml_internal::Scalar;

constexpr std::string_view kYamlTagPrefix = "tag:yaml.org,2002:";

struct Mark {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

Mark ToMark(const yaml_mark_t& m) {
  return {static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
}

std::string_view AsView(const yaml_char_t* s, size_t n) {
  return {reinterpret_cast<const char*>(s), n};
}
std::string_view AsView(const yaml_char_t* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// |s| cut to a readable length for messages.
std::string Excerpt(std::string_view s) {
  if (s.size() <= 40) return std::string(s);
  std::string out(s.substr(0, 37));
  out += "...";
  return out;
}

// Cost of a value in the alias budget: a node counts 1, a string 1 more per 64 bytes.
int64_t StringCost(size_t n) { return 1 + static_cast<int64_t>(n / 64); }

// A scalar after tag resolution.
struct Resolved {
  Scalar scalar;
  std::string_view text;  // the scalar's text (kString: the string's value unless |binary|)
  std::string binary;     // for !!binary: the base64 text without line breaks
  bool is_binary = false;
  std::string_view String() const { return is_binary ? std::string_view(binary) : text; }
};

const char* TagName(Scalar::Kind kind) {
  switch (kind) {
    case Scalar::Kind::kNull: return "!!null";
    case Scalar::Kind::kBool: return "!!bool";
    case Scalar::Kind::kInt:
    case Scalar::Kind::kUint: return "!!int";
    case Scalar::Kind::kFloat: return "!!float";
    case Scalar::Kind::kString: return "!!str";
  }
  return "!!str";
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Go's base64.StdEncoding.DecodeString acceptance: line breaks ignored, padded standard alphabet.
bool CleanBase64(std::string_view in, std::string* out) {
  out->clear();
  for (char c : in) {
    if (c != '\r' && c != '\n') out->push_back(c);
  }
  if (out->size() % 4 != 0) return false;
  size_t pad = 0;
  while (pad < 2 && pad < out->size() && (*out)[out->size() - 1 - pad] == '=') ++pad;
  for (size_t i = 0; i + pad < out->size(); ++i) {
    if (!IsBase64Char((*out)[i])) return false;
  }
  return true;
}

// The kubectl value of a resolved number or scalar: integral numbers within int64 become integers,
// as kubectl's JSON (Go prints 3.0 as 3) decoded into unstructured does.
bool NumberToJson(double f, Json* out) {
  if (!std::isfinite(f)) return false;
  constexpr double kTwo63 = 9223372036854775808.0;
  if (f == std::trunc(f) && f >= -kTwo63 && f < kTwo63) {
    *out = Json(static_cast<int64_t>(f));
  } else {
    *out = Json(f);
  }
  return true;
}

struct Anchor {
  Json value;
  int64_t cost = 1;
  std::string error;  // non-empty: the anchored scalar has no JSON value (a .inf key)
};

// An open mapping or sequence.
struct Frame {
  bool is_map = false;
  Json value;
  std::string anchor;
  Mark mark;
  int64_t cost = 1;
  // Mapping state.
  bool want_key = true;
  Json* slot = nullptr;  // where the current key's value goes
  bool merge_pending = false;
  bool has_merge = false;
  Mark merge_mark;
  Json merge_value;
  std::vector<std::pair<const std::string*, int>> key_lines;  // explicit keys and their lines
};

struct RawDocument {
  Json value;
  int index;
  int line;
};

class StreamParser {
 public:
  StreamParser(std::string_view text, std::string_view source, const YamlLimits& limits)
      : text_(text),
        source_(source),
        max_depth_(limits.max_depth),
        alias_budget_(std::max<int64_t>(limits.max_alias_nodes, static_cast<int64_t>(text.size()))) {}

  Status Run(std::vector<RawDocument>* docs) {
    docs_ = docs;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return Status::Internal("libyaml: out of memory");
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text_.data()),
                                 text_.size());
    Status status;
    while (true) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        status = ParserError(parser);
        break;
      }
      status = Handle(event);
      bool end = event.type == YAML_STREAM_END_EVENT;
      yaml_event_delete(&event);
      if (!status.ok() || end) break;
    }
    yaml_parser_delete(&parser);
    return status;
  }

 private:
  int DocumentNumber() const { return (in_document_ ? doc_index_ : doc_index_ + 1) + 1; }

  Status Error(Mark m, std::string_view message) const {
    std::string s;
    s.reserve(source_.size() + message.size() + 48);
    s.append(source_);
    s += ": document ";
    s += std::to_string(DocumentNumber());
    s += " (line ";
    s += std::to_string(m.line);
    s += ", column ";
    s += std::to_string(m.column);
    s += "): ";
    s.append(message);
    return Status::InvalidArgument(std::move(s));
  }

  // The 1-based line and column of byte |offset| of the input.
  Mark MarkAtOffset(size_t offset) const {
    offset = std::min(offset, text_.size());
    Mark m{1, 1};
    size_t line_start = 0;
    for (size_t i = 0; i < offset; ++i) {
      if (text_[i] == '\n') {
        ++m.line;
        line_start = i + 1;
      }
    }
    m.column = static_cast<int>(offset - line_start) + 1;
    return m;
  }

  Status ParserError(const yaml_parser_t& p) const {
    std::string msg = p.problem != nullptr ? p.problem : "unknown problem parsing YAML";
    if (p.error == YAML_READER_ERROR) {
      // The reader reports a byte offset, not a mark.
      return Error(MarkAtOffset(p.problem_offset), msg);
    }
    if (p.error == YAML_MEMORY_ERROR) return Error(Mark{1, 1}, "out of memory");
    if (p.context != nullptr) {
      Mark c = ToMark(p.context_mark);
      msg += " (";
      msg += p.context;
      msg += " at line " + std::to_string(c.line) + ", column " + std::to_string(c.column) + ")";
    }
    return Error(ToMark(p.problem_mark), msg);
  }

  Status Handle(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        ++doc_index_;
        in_document_ = true;
        anchors_.clear();
        have_root_ = false;
        root_line_ = 0;
        return Status();
      case YAML_DOCUMENT_END_EVENT:
        in_document_ = false;
        if (have_root_) docs_->push_back({std::move(root_), doc_index_, root_line_});
        root_ = Json();
        have_root_ = false;
        return Status();
      case YAML_SCALAR_EVENT:
        return OnScalar(e);
      case YAML_ALIAS_EVENT:
        return OnAlias(e);
      case YAML_MAPPING_START_EVENT:
        return OnStart(e, /*is_map=*/true, AsView(e.data.mapping_start.anchor));
      case YAML_SEQUENCE_START_EVENT:
        return OnStart(e, /*is_map=*/false, AsView(e.data.sequence_start.anchor));
      case YAML_MAPPING_END_EVENT:
      case YAML_SEQUENCE_END_EVENT:
        return OnEnd();
      default:
        return Status();
    }
  }

  Frame* Top() { return depth_ == 0 ? nullptr : &frames_[depth_ - 1]; }
  bool InKeyPosition() {
    Frame* f = Top();
    return f != nullptr && f->is_map && f->want_key;
  }

  Status Charge(Mark m, int64_t cost) {
    alias_used_ += cost;
    if (alias_used_ > alias_budget_) {
      return Error(m, "anchors and aliases expand to more than " + std::to_string(alias_budget_) +
                          " nodes (a billion-laughs document?)");
    }
    return Status();
  }

  // go-yaml v2 decode.go scalar() + resolve(tag, value).
  Status Resolve(const yaml_event_t& e, Mark m, Resolved* r) {
    const auto& s = e.data.scalar;
    r->text = AsView(s.value, s.length);
    std::string_view tag = AsView(s.tag);
    if (tag.empty()) {
      // Quoted and block scalars are strings; plain ones resolve.
      r->scalar = s.plain_implicit ? yaml_internal::ResolvePlain(r->text) : Scalar();
      return Status();
    }
    std::string_view short_tag;
    if (tag.substr(0, kYamlTagPrefix.size()) == kYamlTagPrefix) {
      short_tag = tag.substr(kYamlTagPrefix.size());
    }
    if (short_tag == "binary") {
      if (!CleanBase64(r->text, &r->binary)) {
        return Error(m, "!!binary value contains invalid base64 data");
      }
      r->is_binary = true;
      r->scalar = Scalar();
      return Status();
    }
    // Tags resolve.go cannot resolve (local tags, !, !!map, ...) leave the text as a string.
    if (short_tag != "bool" && short_tag != "int" && short_tag != "float" && short_tag != "null" &&
        short_tag != "timestamp") {
      r->scalar = Scalar();
      return Status();
    }
    bool timestamp = short_tag == "timestamp" && yaml_internal::IsTimestamp(r->text);
    r->scalar = timestamp ? Scalar() : yaml_internal::ResolvePlain(r->text);
    Scalar::Kind got = r->scalar.kind;
    bool ok = false;
    if (short_tag == "bool") {
      ok = got == Scalar::Kind::kBool;
    } else if (short_tag == "int") {
      ok = got == Scalar::Kind::kInt || got == Scalar::Kind::kUint;
    } else if (short_tag == "float") {
      ok = got == Scalar::Kind::kFloat;
      if (got == Scalar::Kind::kInt) {  // resolve()'s deferred int -> float conversion
        r->scalar.kind = Scalar::Kind::kFloat;
        r->scalar.f = static_cast<double>(r->scalar.i);
        ok = true;
      }
    } else if (short_tag == "null") {
      ok = got == Scalar::Kind::kNull;
    } else {
      ok = timestamp;
    }
    if (!ok) {
      const char* got_name = (got == Scalar::Kind::kString && yaml_internal::IsTimestamp(r->text))
                                 ? "!!timestamp"
                                 : TagName(got);
      return Error(m, std::string("cannot decode ") + got_name + " `" + Excerpt(r->text) +
                          "` as a !!" + std::string(short_tag));
    }
    return Status();
  }

  // The Json of a resolved value scalar; false with |error| set when it has none.
  static bool ValueOf(const Resolved& r, Json* out, std::string* error) {
    switch (r.scalar.kind) {
      case Scalar::Kind::kNull: *out = Json(nullptr); return true;
      case Scalar::Kind::kBool: *out = Json(r.scalar.b); return true;
      case Scalar::Kind::kInt: *out = Json(r.scalar.i); return true;
      case Scalar::Kind::kUint: *out = Json(static_cast<double>(r.scalar.u)); return true;
      case Scalar::Kind::kFloat:
        if (NumberToJson(r.scalar.f, out)) return true;
        *error = "`" + Excerpt(r.text) +
                 "` is not a finite number and has no JSON form (kubectl: json: unsupported value)";
        return false;
      case Scalar::Kind::kString: *out = Json(std::string(r.String())); return true;
    }
    return false;
  }

  // sigs.k8s.io/yaml convertToJSONableObject: the JSON object key of a resolved key scalar.
  static bool KeyOf(const Resolved& r, std::string* key, std::string* error) {
    switch (r.scalar.kind) {
      case Scalar::Kind::kString: key->assign(r.String()); return true;
      case Scalar::Kind::kBool: *key = r.scalar.b ? "true" : "false"; return true;
      case Scalar::Kind::kInt: *key = std::to_string(r.scalar.i); return true;
      case Scalar::Kind::kFloat: *key = yaml_internal::FormatFloatKey(r.scalar.f); return true;
      case Scalar::Kind::kUint:
        *error = "unsupported mapping key `" + Excerpt(r.text) + "`: an integer past int64";
        return false;
      case Scalar::Kind::kNull:
        *error = "unsupported mapping key: null (JSON object keys are strings)";
        return false;
    }
    return false;
  }

  // The key of an aliased value.
  static bool KeyOfJson(const Json& v, std::string* key, std::string* error) {
    switch (v.type()) {
      case Json::value_t::string: *key = v.get_ref<const std::string&>(); return true;
      case Json::value_t::boolean: *key = v.get<bool>() ? "true" : "false"; return true;
      case Json::value_t::number_integer: *key = std::to_string(v.get<int64_t>()); return true;
      case Json::value_t::number_unsigned: *key = std::to_string(v.get<uint64_t>()); return true;
      case Json::value_t::number_float:
        *key = yaml_internal::FormatFloatKey(v.get<double>());
        return true;
      case Json::value_t::null:
        *error = "unsupported mapping key: null (JSON object keys are strings)";
        return false;
      default:
        *error = std::string("invalid mapping key: a ") + (v.is_object() ? "mapping" : "sequence") +
                 " cannot be a key";
        return false;
    }
  }

  Status OnScalar(const yaml_event_t& e) {
    Mark m = ToMark(e.start_mark);
    Resolved r;
    CAPSTAN_RETURN_IF_ERROR(Resolve(e, m, &r));
    std::string_view anchor = AsView(e.data.scalar.anchor);
    int64_t cost = StringCost(r.String().size());
    std::string error;
    if (InKeyPosition()) {
      if (!anchor.empty()) {
        Anchor a;
        a.cost = cost;
        if (!ValueOf(r, &a.value, &a.error) && a.error.empty()) a.error = "no JSON value";
        CAPSTAN_RETURN_IF_ERROR(Charge(m, cost));
        anchors_[std::string(anchor)] = std::move(a);
      }
      // decode.go isMerge: "<<" plain and untagged (or tagged !!merge).
      std::string_view tag = AsView(e.data.scalar.tag);
      bool merge = r.text == "<<" && (e.data.scalar.plain_implicit ||
                                      tag == std::string(kYamlTagPrefix) + "merge");
      std::string key;
      if (!merge && !KeyOf(r, &key, &error)) return Error(m, error);
      return AddKey(std::move(key), merge, m, cost);
    }
    Json value;
    if (!ValueOf(r, &value, &error)) return Error(m, error);
    if (!anchor.empty()) {
      CAPSTAN_RETURN_IF_ERROR(Charge(m, cost));
      anchors_[std::string(anchor)] = Anchor{value, cost, {}};
    }
    return Deliver(std::move(value), m, cost, /*from_alias=*/false);
  }

  Status OnAlias(const yaml_event_t& e) {
    Mark m = ToMark(e.start_mark);
    std::string_view name = AsView(e.data.alias.anchor);
    for (int i = 0; i < depth_; ++i) {
      if (frames_[i].anchor == name) {
        return Error(m, "anchor '" + std::string(name) + "' value contains itself");
      }
    }
    auto it = anchors_.find(std::string(name));
    if (it == anchors_.end()) {
      return Error(m, "unknown anchor '" + std::string(name) + "' referenced");
    }
    const Anchor& a = it->second;
    if (!a.error.empty()) return Error(m, "alias '" + std::string(name) + "': " + a.error);
    CAPSTAN_RETURN_IF_ERROR(Charge(m, a.cost));
    if (InKeyPosition()) {
      std::string key, error;
      if (!KeyOfJson(a.value, &key, &error)) return Error(m, error);
      return AddKey(std::move(key), /*merge=*/false, m, a.cost);
    }
    return Deliver(Json(a.value), m, a.cost, /*from_alias=*/true);
  }

  Status OnStart(const yaml_event_t& e, bool is_map, std::string_view anchor) {
    Mark m = ToMark(e.start_mark);
    if (InKeyPosition()) {
      return Error(m, std::string("invalid mapping key: a ") + (is_map ? "mapping" : "sequence") +
                          " cannot be a key");
    }
    if (depth_ >= max_depth_) {
      return Error(m, "nesting deeper than " + std::to_string(max_depth_) + " levels");
    }
    if (depth_ == 0) root_line_ = m.line;
    if (static_cast<size_t>(depth_) == frames_.size()) frames_.emplace_back();
    Frame& f = frames_[depth_++];
    f.is_map = is_map;
    f.value = is_map ? Json::object() : Json::array();
    f.anchor.assign(anchor);
    f.mark = m;
    f.cost = 1;
    f.want_key = true;
    f.slot = nullptr;
    f.merge_pending = false;
    f.has_merge = false;
    f.merge_value = Json();
    f.key_lines.clear();
    return Status();
  }

  Status OnEnd() {
    Frame& f = frames_[depth_ - 1];
    if (f.is_map && f.has_merge) {
      // Explicit keys win; of the merged mappings, earlier ones win (emplace never overwrites).
      auto& obj = f.value.get_ref<Json::object_t&>();
      auto merge_one = [&obj](Json& src) {
        for (auto& [k, v] : src.get_ref<Json::object_t&>()) obj.emplace(k, std::move(v));
      };
      if (f.merge_value.is_object()) {
        merge_one(f.merge_value);
      } else {
        for (Json& src : f.merge_value.get_ref<Json::array_t&>()) merge_one(src);
      }
      f.merge_value = Json();
    }
    Json value = std::move(f.value);
    f.value = Json();
    int64_t cost = f.cost;
    Mark m = f.mark;
    std::string anchor = std::move(f.anchor);
    f.anchor.clear();
    --depth_;
    if (!anchor.empty()) {
      CAPSTAN_RETURN_IF_ERROR(Charge(m, cost));
      anchors_[anchor] = Anchor{value, cost, {}};
    }
    return Deliver(std::move(value), m, cost, /*from_alias=*/false);
  }

  Status AddKey(std::string key, bool merge, Mark m, int64_t cost) {
    Frame& f = frames_[depth_ - 1];
    f.cost += cost;
    f.want_key = false;
    if (merge) {
      if (f.has_merge) {
        return Error(m, "mapping key \"<<\" already defined at line " +
                            std::to_string(f.merge_mark.line));
      }
      f.has_merge = true;
      f.merge_pending = true;
      f.merge_mark = m;
      return Status();
    }
    auto& obj = f.value.get_ref<Json::object_t&>();
    auto it = obj.lower_bound(key);
    if (it != obj.end() && it->first == key) {
      int first = 0;
      for (const auto& [ptr, line] : f.key_lines) {
        if (ptr == &it->first) first = line;
      }
      return Error(m, "mapping key " + Json(key).dump() + " already defined at line " +
                          std::to_string(first));
    }
    it = obj.emplace_hint(it, std::move(key), Json());
    f.key_lines.emplace_back(&it->first, m.line);
    f.slot = &it->second;
    return Status();
  }

  Status Deliver(Json value, Mark m, int64_t cost, bool from_alias) {
    if (depth_ == 0) {
      if (root_line_ == 0) root_line_ = m.line;
      root_ = std::move(value);
      have_root_ = true;
      return Status();
    }
    Frame& f = frames_[depth_ - 1];
    f.cost += cost;
    if (!f.is_map) {
      f.value.get_ref<Json::array_t&>().push_back(std::move(value));
      return Status();
    }
    f.want_key = true;
    if (f.merge_pending) {
      // decode.go merge(): a mapping, an alias of one, or a sequence of (aliases of) mappings.
      f.merge_pending = false;
      bool ok = value.is_object();
      if (!ok && value.is_array() && !from_alias) {
        ok = std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_object(); });
      }
      if (!ok) {
        return Error(f.merge_mark, "map merge requires map or sequence of maps as the value");
      }
      f.merge_value = std::move(value);
      return Status();
    }
    *f.slot = std::move(value);
    return Status();
  }

  std::string_view text_;
  std::string_view source_;
  int max_depth_;
  int64_t alias_budget_;
  int64_t alias_used_ = 0;
  std::vector<RawDocument>* docs_ = nullptr;
  int doc_index_ = -1;
  bool in_document_ = false;
  std::unordered_map<std::string, Anchor> anchors_;
  std::vector<Frame> frames_;
  int depth_ = 0;
  Json root_;
  bool have_root_ = false;
  int root_line_ = 0;
};

}  // namespace

Result<std::vector<YamlDocument>> ParseYamlStream(std::string_view text, std::string_view source,
                                                  const YamlLimits& limits) {
  std::vector<RawDocument> raw;
  StreamParser parser(text, source, limits);
  CAPSTAN_RETURN_IF_ERROR(parser.Run(&raw));
  std::vector<YamlDocument> docs;
  docs.reserve(raw.size());
  for (RawDocument& d : raw) {
    // kubectl (cli-runtime StreamVisitor) skips documents that are empty or null.
    if (d.value.is_null()) continue;
    docs.push_back({std::move(d.value), d.index, d.line});
  }
  return docs;
}

Result<Json> ParseYaml(std::string_view text, std::string_view source, const YamlLimits& limits) {
  std::vector<RawDocument> raw;
  StreamParser parser(text, source, limits);
  CAPSTAN_RETURN_IF_ERROR(parser.Run(&raw));
  if (raw.size() != 1) {
    return Status::InvalidArgument(std::string(source) + ": expected one YAML document, found " +
                                   std::to_string(raw.size()));
  }
  return std::move(raw[0].value);
}

}  // namespace capstan::base
