// Copyright 2026 The capstan Authors.
//
// EmitYaml / EmitYamlStream: the Json DOM through libyaml's emitter, with go-yaml v2's encoder
// choices (encode.go stringv): strings with a line break as | blocks, strings that would resolve to
// something else double-quoted, the rest plain (libyaml falls back to single quotes when plain YAML
// cannot carry the text). go-yaml v2 is a port of libyaml's emitter, so the layout is kubectl's.

#include <yaml.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/yaml.h"
#include "base/yaml_resolve.h"

namespace capstan::base {
namespace {

// Length of the valid UTF-8 sequence at |s|[i], or 0 when it is not valid (overlong forms,
// surrogates and code points past U+10FFFF included).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// |s| with each byte of an invalid UTF-8 sequence replaced by U+FFFD, as Go's encoding/json does.
// Returns false (and leaves |out| alone) when |s| is valid.
bool SanitizeUtf8(std::string_view s, std::string* out) {
  size_t i = 0;
  while (i < s.size()) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) break;
    i += n;
  }
  if (i == s.size()) return false;
  out->assign(s.substr(0, i));
  while (i < s.size()) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out->append("\xEF\xBF\xBD");
      ++i;
    } else {
      out->append(s.substr(i, n));
      i += n;
    }
  }
  return true;
}

class Emitter {
 public:
  explicit Emitter(std::string* out) : out_(out) {
    yaml_emitter_initialize(&emitter_);
    yaml_emitter_set_output(&emitter_, &Emitter::Write, out_);
    yaml_emitter_set_unicode(&emitter_, 1);
    yaml_emitter_set_indent(&emitter_, 2);
    yaml_emitter_set_width(&emitter_, -1);  // no line wrapping
    yaml_emitter_set_break(&emitter_, YAML_LN_BREAK);
  }
  ~Emitter() { yaml_emitter_delete(&emitter_); }
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  void Document(const Json& value) {
    yaml_event_t e;
    yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
    Emit(&e);
    yaml_document_start_event_initialize(&e, nullptr, nullptr, nullptr, /*implicit=*/1);
    Emit(&e);
    Node(value);
    yaml_document_end_event_initialize(&e, /*implicit=*/1);
    Emit(&e);
    yaml_stream_end_event_initialize(&e);
    Emit(&e);
    yaml_emitter_flush(&emitter_);
  }

 private:
  static int Write(void* data, unsigned char* buffer, size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
    return 1;
  }

  // Emits |e| (which libyaml takes over). A failure is a bug: the events are built to be valid.
  void Emit(yaml_event_t* e) {
    if (!yaml_emitter_emit(&emitter_, e)) {
      std::fprintf(stderr, "capstan: libyaml emitter failed: %s\n",
                   emitter_.problem != nullptr ? emitter_.problem : "unknown problem");
      std::abort();
    }
  }

  void RawScalar(std::string_view text, yaml_scalar_style_t style) {
    yaml_event_t e;
    if (!yaml_scalar_event_initialize(&e, nullptr, nullptr,
                                      reinterpret_cast<const yaml_char_t*>(text.data()),
                                      static_cast<int>(text.size()), /*plain_implicit=*/1,
                                      /*quoted_implicit=*/1, style)) {
      std::fprintf(stderr, "capstan: libyaml rejected a scalar\n");
      std::abort();
    }
    Emit(&e);
  }

  // go-yaml v2 encode.go stringv: a line break -> literal; would resolve to another type (or is a
  // timestamp, base 60 float or "<<") -> double-quoted; else plain.
  void String(std::string_view s) {
    std::string sanitized;
    if (SanitizeUtf8(s, &sanitized)) s = sanitized;
    yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;
    if (s.find('\n') != std::string_view::npos) {
      style = YAML_LITERAL_SCALAR_STYLE;
    } else if (yaml_internal::NeedsQuotes(s)) {
      style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    }
    RawScalar(s, style);
  }

  void Node(const Json& v) {
    yaml_event_t e;
    switch (v.type()) {
      case Json::value_t::object:
        yaml_mapping_start_event_initialize(&e, nullptr, nullptr, 1, YAML_BLOCK_MAPPING_STYLE);
        Emit(&e);
        for (const auto& [key, value] : v.get_ref<const Json::object_t&>()) {
          String(key);
          Node(value);
        }
        yaml_mapping_end_event_initialize(&e);
        Emit(&e);
        return;
      case Json::value_t::array:
        yaml_sequence_start_event_initialize(&e, nullptr, nullptr, 1, YAML_BLOCK_SEQUENCE_STYLE);
        Emit(&e);
        for (const Json& item : v.get_ref<const Json::array_t&>()) Node(item);
        yaml_sequence_end_event_initialize(&e);
        Emit(&e);
        return;
      case Json::value_t::string:
        String(v.get_ref<const std::string&>());
        return;
      case Json::value_t::boolean:
        RawScalar(v.get<bool>() ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
        return;
      case Json::value_t::number_integer:
        RawScalar(std::to_string(v.get<int64_t>()), YAML_PLAIN_SCALAR_STYLE);
        return;
      case Json::value_t::number_unsigned:
        RawScalar(std::to_string(v.get<uint64_t>()), YAML_PLAIN_SCALAR_STYLE);
        return;
      case Json::value_t::number_float: {
        double f = v.get<double>();
        if (std::isnan(f)) {
          RawScalar(".nan", YAML_PLAIN_SCALAR_STYLE);
        } else if (std::isinf(f)) {
          RawScalar(f > 0 ? ".inf" : "-.inf", YAML_PLAIN_SCALAR_STYLE);
        } else {
          // Shortest text that reads back as the same double ("0.5", "1e+300", "3").
          char buf[32];
          auto res = std::to_chars(buf, buf + sizeof(buf), f);
          RawScalar(std::string_view(buf, res.ptr - buf), YAML_PLAIN_SCALAR_STYLE);
        }
        return;
      }
      case Json::value_t::null:
      case Json::value_t::discarded:
      case Json::value_t::binary:
        RawScalar("null", YAML_PLAIN_SCALAR_STYLE);
        return;
    }
  }

  yaml_emitter_t emitter_;
  std::string* out_;
};

}  // namespace

std::string EmitYaml(const Json& value) {
  std::string out;
  Emitter emitter(&out);
  emitter.Document(value);
  return out;
}

std::string EmitYamlStream(const std::vector<Json>& docs) {
  std::string out;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (i > 0) out += "---\n";
    out += EmitYaml(docs[i]);
  }
  return out;
}

}  // namespace capstan::base
