// Copyright 2026 The capstan Authors.
//
// Glob patterns as Argo CD matches `directory.include` / `directory.exclude`: util/glob.Match, which
// compiles the pattern with github.com/gobwas/glob and NO separators. So `*` and `**` both match any
// run of characters including '/', `?` matches any one character (a UTF-8 code point), `[abc]`,
// `[!abc]`, `[a-z]`, `[!a-z]` match one character (one list or one range per bracket, as gobwas's
// lexer reads it: `[a-z0-9]` is a syntax error there and here), `{a,b*,c}` matches any of the
// alternatives (nested braces allowed, empty alternatives allowed), and `\x` is a literal x. `}` and
// `,` outside braces and `]` outside brackets are literal. The whole text must match.
// Compiled WITH separators (glob.Compile(pattern, '/') as AppProject sourceRepos are), `*` and `?`
// never match a separator while `**` still matches anything.
//
// Thread safety: a Glob is immutable after Compile and safe to share.

#ifndef CAPSTAN_SOURCE_GLOB_H_
#define CAPSTAN_SOURCE_GLOB_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace capstan::source {

class Glob {
 public:
  // Compiles |pattern|. kInvalidArgument for a pattern gobwas/glob rejects: an unclosed '[' or '{',
  // a bracket holding more than one range ("expected close range character"), e.g.
  // `invalid glob "[a-z0-9]": expected close range character at offset 4`.
  static base::Result<Glob> Compile(std::string_view pattern);
  // The same with |separators| (code points `*` and `?` do not match).
  static base::Result<Glob> Compile(std::string_view pattern, std::u32string_view separators);

  // True when the whole of |text| matches.
  bool Match(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }

  struct Node;

 private:
  std::string pattern_;
  std::u32string separators_;
  std::shared_ptr<const std::vector<Node>> seq_;
};

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_GLOB_H_
