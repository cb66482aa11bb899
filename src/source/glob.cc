// Copyright 2026 The capstan Authors.
//
// A small recursive matcher over code points. Parsing follows gobwas/glob's lexer (lexer.go:
// fetchItem, fetchRange, fetchText) so that the same patterns are accepted and rejected.

#include "source/glob.h"

#include <functional>
#include <variant>

namespace capstan::source {

namespace {

// Decodes UTF-8 into code points; an invalid byte becomes U+FFFD, as Go's range over a string does.
std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

}  // namespace

struct Glob::Node {
  enum class Type { kText, kAny, kSingle, kList, kRange, kAnyOf };
  Type type = Type::kText;
  std::u32string text;                      // kText; the characters of kList
  char32_t lo = 0, hi = 0;                  // kRange
  bool negated = false;                     // kList, kRange
  bool super = false;                       // kAny: "**", matches separators too
  std::vector<std::vector<Node>> options;  // kAnyOf
};

namespace {

using Node = Glob::Node;
using Seq = std::vector<Node>;

Node Leaf(Node::Type type) {
  Node n;
  n.type = type;
  return n;
}

class Parser {
 public:
  explicit Parser(std::u32string p) : p_(std::move(p)) {}

  // Parses a sequence until end of input (depth 0) or an unescaped '}' / ',' inside braces.
  base::Status ParseSeq(Seq& out, int depth) {
    while (pos_ < p_.size()) {
      char32_t c = p_[pos_];
      if (depth > 0 && (c == U'}' || c == U',')) return base::Status::Ok();
      if (c == U'{') {
        ++pos_;
        Node n;
        n.type = Node::Type::kAnyOf;
        for (;;) {
          Seq alt;
          CAPSTAN_RETURN_IF_ERROR(ParseSeq(alt, depth + 1));
          n.options.push_back(std::move(alt));
          if (pos_ >= p_.size()) return Error("unexpected end of input");
          if (p_[pos_++] == U'}') break;  // else ','
        }
        out.push_back(std::move(n));
      } else if (c == U'[') {
        ++pos_;
        CAPSTAN_RETURN_IF_ERROR(ParseRange(out));
      } else if (c == U'?') {
        ++pos_;
        out.push_back(Leaf(Node::Type::kSingle));
      } else if (c == U'*') {
        ++pos_;
        bool super = pos_ < p_.size() && p_[pos_] == U'*';  // "**": the same without separators
        if (super) ++pos_;
        if (out.empty() || out.back().type != Node::Type::kAny) {
          out.push_back(Leaf(Node::Type::kAny));
        }
        out.back().super = out.back().super || super;
      } else {
        Node n;
        n.type = Node::Type::kText;
        n.text = ReadText(depth > 0 ? U"?*[{}," : U"?*[{");
        if (!n.text.empty()) out.push_back(std::move(n));
      }
    }
    return base::Status::Ok();
  }

 private:
  // gobwas fetchText: characters up to an unescaped breaker; '\' takes the next one literally.
  std::u32string ReadText(std::u32string_view breakers) {
    std::u32string data;
    bool escaped = false;
    while (pos_ < p_.size()) {
      char32_t c = p_[pos_];
      if (!escaped) {
        if (c == U'\\') {
          escaped = true;
          ++pos_;
          continue;
        }
        if (breakers.find(c) != std::u32string_view::npos) break;
      }
      escaped = false;
      data.push_back(c);
      ++pos_;
    }
    return data;
  }

  // gobwas fetchRange: '[' ['!'] (lo '-' hi | text) ']'.
  base::Status ParseRange(Seq& out) {
    Node n;
    n.type = Node::Type::kList;
    if (pos_ >= p_.size()) return Error("unexpected end of input");
    if (p_[pos_] == U'!') {
      n.negated = true;
      ++pos_;
    }
    if (pos_ >= p_.size()) return Error("unexpected end of input");
    if (pos_ + 1 < p_.size() && p_[pos_ + 1] == U'-') {
      n.type = Node::Type::kRange;
      n.lo = p_[pos_];
      pos_ += 2;
      if (pos_ >= p_.size()) return Error("unexpected end of input");
      n.hi = p_[pos_++];
    } else {
      n.text = ReadText(U"]");
    }
    if (pos_ >= p_.size()) return Error("unexpected end of input");
    if (p_[pos_] != U']') return Error("expected close range character");
    ++pos_;
    out.push_back(std::move(n));
    return base::Status::Ok();
  }

  base::Status Error(std::string_view what) const {
    return base::Status::InvalidArgument(std::string(what) + " at offset " + std::to_string(pos_));
  }

  std::u32string p_;
  size_t pos_ = 0;
};

bool MatchOne(const Node& n, char32_t c, std::u32string_view separators) {
  switch (n.type) {
    case Node::Type::kSingle:
      return separators.find(c) == std::u32string_view::npos;
    case Node::Type::kList:
      return (n.text.find(c) != std::u32string::npos) != n.negated;
    case Node::Type::kRange:
      return (c >= n.lo && c <= n.hi) != n.negated;
    default:
      return false;
  }
}

// Matches seq[i..] against text[pos..], then calls |k| with the end position; true when some way
// of matching makes |k| true.
bool MatchSeq(const Seq& seq, size_t i, const std::u32string& text, size_t pos, std::u32string_view seps,
              const std::function<bool(size_t)>& k) {
  while (i < seq.size()) {
    const Node& n = seq[i];
    switch (n.type) {
      case Node::Type::kText:
        if (text.compare(pos, n.text.size(), n.text) != 0) return false;
        pos += n.text.size();
        ++i;
        continue;
      case Node::Type::kSingle:
      case Node::Type::kList:
      case Node::Type::kRange:
        if (pos >= text.size() || !MatchOne(n, text[pos], seps)) return false;
        ++pos;
        ++i;
        continue;
      case Node::Type::kAny: {
        size_t limit = text.size();  // a plain `*` stops at the first separator
        if (!n.super && !seps.empty()) {
          for (size_t j = pos; j < text.size(); ++j) {
            if (seps.find(text[j]) != std::u32string_view::npos) {
              limit = j;
              break;
            }
          }
        }
        for (size_t end = limit + 1; end-- > pos;) {
          if (MatchSeq(seq, i + 1, text, end, seps, k)) return true;
        }
        return false;
      }
      case Node::Type::kAnyOf:
        for (const Seq& alt : n.options) {
          bool ok = MatchSeq(alt, 0, text, pos, seps,
                             [&](size_t after) { return MatchSeq(seq, i + 1, text, after, seps, k); });
          if (ok) return true;
        }
        return false;
    }
  }
  return k(pos);
}

}  // namespace

base::Result<Glob> Glob::Compile(std::string_view pattern) { return Compile(pattern, U""); }

base::Result<Glob> Glob::Compile(std::string_view pattern, std::u32string_view separators) {
  Parser parser(DecodeUtf8(pattern));
  auto seq = std::make_shared<Seq>();
  base::Status s = parser.ParseSeq(*seq, 0);
  if (!s.ok()) {
    return base::Status::InvalidArgument("invalid glob \"" + std::string(pattern) + "\": " + s.message());
  }
  Glob g;
  g.pattern_ = std::string(pattern);
  g.separators_ = std::u32string(separators);
  g.seq_ = std::move(seq);
  return g;
}

bool Glob::Match(std::string_view text) const {
  if (!seq_) return false;
  std::u32string t = DecodeUtf8(text);
  return MatchSeq(*seq_, 0, t, 0, separators_, [&](size_t end) { return end == t.size(); });
}

}  // namespace capstan::source
