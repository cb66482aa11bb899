// Copyright 2026 The capstan Authors.

#include "diff/compare.h"

#include "diff/diff.h"

namespace capstan::diff {

namespace {

std::string Escape(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

void Walk(const base::Json& a, const base::Json& b, const std::string& path, size_t max, std::vector<std::string>& out) {
  if (out.size() >= max || a == b) return;
  if (a.is_object() && b.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end()) {
        if (out.size() < max) out.push_back(path + "/" + Escape(it.key()));
      } else {
        Walk(it.value(), *other, path + "/" + Escape(it.key()), max, out);
      }
    }
    for (auto it = b.begin(); it != b.end(); ++it) {
      if (!a.contains(it.key()) && out.size() < max) out.push_back(path + "/" + Escape(it.key()));
    }
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) Walk(a[i], b[i], path + "/" + std::to_string(i), max, out);
    return;
  }
  out.push_back(path.empty() ? "/" : path);
}

}  // namespace

std::vector<std::string> DifferingPaths(const base::Json& a, const base::Json& b, size_t max) {
  std::vector<std::string> out;
  Walk(a, b, "", max, out);
  return out;
}

Comparison Compare(const base::Json& target, const base::Json& live) {
  Comparison out;
  auto d = Diff(&target, &live);  // no rules: nothing can fail
  if (!d.ok()) {
    out.modified = true;
    return out;
  }
  out.modified = d->modified;
  if (out.modified) out.paths = DifferingPaths(d->normalized_live, d->predicted_live);
  return out;
}

}  // namespace capstan::diff
