// Copyright 2026 The capstan Authors.

#include "diff/compare.h"

#include "base/base64.h"

namespace capstan::diff {

namespace {

constexpr size_t kMaxPaths = 10;

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

void Contained(const base::Json& t, const base::Json& l, const std::string& path, Comparison& out) {
  if (out.paths.size() >= kMaxPaths) return;
  if (t.is_null()) return;
  auto differ = [&] {
    out.modified = true;
    out.paths.push_back(path.empty() ? "/" : path);
  };
  if (t.is_object()) {
    if (!l.is_object()) return differ();
    for (auto it = t.begin(); it != t.end(); ++it) {
      auto lit = l.find(it.key());
      std::string sub = path + "/" + Escape(it.key());
      if (lit == l.end()) {
        if (!it.value().is_null()) {
          out.modified = true;
          out.paths.push_back(sub);
          if (out.paths.size() >= kMaxPaths) return;
        }
        continue;
      }
      Contained(it.value(), *lit, sub, out);
    }
    return;
  }
  if (t.is_array()) {
    if (!l.is_array() || l.size() != t.size()) return differ();
    for (size_t i = 0; i < t.size(); ++i) Contained(t[i], l[i], path + "/" + std::to_string(i), out);
    return;
  }
  if (t.is_number() && l.is_number()) {
    if (t.get<double>() != l.get<double>()) differ();
    return;
  }
  if (t != l) differ();
}

// The parts of |obj| that a comparison looks at.
base::Json Comparable(const base::Json& obj) {
  base::Json out = base::Json::object();
  if (!obj.is_object()) return out;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (it.key() == "status" || it.key() == "metadata") continue;
    out[it.key()] = it.value();
  }
  if (auto md = obj.find("metadata"); md != obj.end() && md->is_object()) {
    for (const char* key : {"labels", "annotations"}) {
      if (auto f = md->find(key); f != md->end() && f->is_object()) out["metadata"][key] = *f;
    }
    if (out.contains("metadata") && out["metadata"].contains("annotations")) {
      out["metadata"]["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
    }
  }
  // A Secret's stringData is stored as base64 data.
  if (base::GetString(obj, "kind") == "Secret" && out.contains("stringData") && out["stringData"].is_object()) {
    for (auto it = out["stringData"].begin(); it != out["stringData"].end(); ++it) {
      if (it.value().is_string()) out["data"][it.key()] = base::Base64Encode(it.value().get<std::string>());
    }
    out.erase("stringData");
  }
  return out;
}

}  // namespace

Comparison Compare(const base::Json& target, const base::Json& live) {
  Comparison out;
  Contained(Comparable(target), Comparable(live), "", out);
  return out;
}

}  // namespace capstan::diff
