// Copyright 2026 The capstan Authors.

#include "diff/unified.h"

#include <algorithm>
#include <vector>

#include "base/yaml.h"

namespace capstan::diff {

namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// One line of the edit script: ' ' kept, '-' removed, '+' added, with its line numbers (0-based)
// in |from| and |to|.
struct Edit {
  char op;
  size_t a;
  size_t b;
  std::string_view line;
};

// The shortest edit script by longest common subsequence, after common prefix and suffix.
std::vector<Edit> Script(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  size_t n = a.size() - pre - suf, m = b.size() - pre - suf;
  // lcs[i][j]: LCS length of a[pre+i..] and b[pre+j..] (the middle parts).
  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      at(i, j) = a[pre + i] == b[pre + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  std::vector<Edit> out;
  for (size_t i = 0; i < pre; ++i) out.push_back({' ', i, i, a[i]});
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[pre + i] == b[pre + j]) {
      out.push_back({' ', pre + i, pre + j, a[pre + i]});
      ++i, ++j;
    } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {  // removals before additions
      out.push_back({'-', pre + i, pre + j, a[pre + i]});
      ++i;
    } else {
      out.push_back({'+', pre + i, pre + j, b[pre + j]});
      ++j;
    }
  }
  for (size_t k = 0; k < suf; ++k) out.push_back({' ', pre + n + k, pre + m + k, a[pre + n + k]});
  return out;
}

std::string Range(size_t start, size_t count) {
  // Unified diff: 1-based start; an empty range names the line before it.
  return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
}

}  // namespace

std::string UnifiedDiff(std::string_view from, std::string_view to, int context) {
  std::vector<std::string_view> a = Lines(from), b = Lines(to);
  std::vector<Edit> edits = Script(a, b);
  std::string out;
  size_t k = 0;
  const size_t ctx = static_cast<size_t>(std::max(context, 0));
  while (k < edits.size()) {
    while (k < edits.size() && edits[k].op == ' ') ++k;
    if (k == edits.size()) break;
    // A hunk: from |ctx| lines before this change to |ctx| lines after the last change that is at
    // most 2*ctx kept lines from the previous one.
    size_t start = k >= ctx ? k - ctx : 0;
    size_t end = k;  // one past the last change
    for (size_t x = k; x < edits.size(); ++x) {
      if (edits[x].op != ' ') {
        end = x + 1;
      } else if (x - end >= 2 * ctx) {
        break;
      }
    }
    size_t stop = std::min(edits.size(), end + ctx);
    size_t a_count = 0, b_count = 0;
    for (size_t x = start; x < stop; ++x) {
      if (edits[x].op != '+') ++a_count;
      if (edits[x].op != '-') ++b_count;
    }
    out += "@@ -" + Range(edits[start].a, a_count) + " +" + Range(edits[start].b, b_count) + " @@\n";
    for (size_t x = start; x < stop; ++x) {
      out += edits[x].op;
      out += edits[x].line;
      out += '\n';
    }
    k = stop;
  }
  if (out.empty()) return out;
  return "--- live\n+++ target\n" + out;
}

std::string ResourceHeader(std::string_view group, std::string_view kind, std::string_view namespace_,
                           std::string_view name) {
  std::string out = "===== ";
  out.append(group).append("/").append(kind).append(" ").append(namespace_).append("/").append(name);
  return out + " ======\n";
}

std::string ResourceDiff(std::string_view group, std::string_view kind, std::string_view namespace_,
                         std::string_view name, const base::Json& live, const base::Json& predicted) {
  std::string from = live.is_null() ? "" : base::EmitYaml(live);
  std::string to = predicted.is_null() ? "" : base::EmitYaml(predicted);
  return ResourceHeader(group, kind, namespace_, name) + UnifiedDiff(from, to);
}

}  // namespace capstan::diff
