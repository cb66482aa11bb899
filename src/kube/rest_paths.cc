// Copyright 2026 The capstan Authors.

#include "kube/rest_paths.h"

namespace capstan::kube {

std::string UrlEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Query& Query::Add(std::string_view key, std::string_view value) {
  params_.emplace_back(std::string(key), std::string(value));
  return *this;
}

Query& Query::AddIfSet(std::string_view key, std::string_view value) {
  if (!value.empty()) Add(key, value);
  return *this;
}

std::string Query::str() const {
  std::string out;
  for (const auto& [k, v] : params_) {
    out += out.empty() ? '?' : '&';
    out += UrlEscape(k);
    out += '=';
    out += UrlEscape(v);
  }
  return out;
}

std::string GroupVersionPath(std::string_view group, std::string_view version) {
  if (group.empty()) return "/api/" + std::string(version);
  return "/apis/" + std::string(group) + "/" + std::string(version);
}

std::string ResourcePath(const ApiResource& res, std::string_view ns, std::string_view name,
                         std::string_view subresource) {
  std::string path = GroupVersionPath(res.gvk.group, res.gvk.version);
  if (res.namespaced && !ns.empty()) {
    path += "/namespaces/";
    path += UrlEscape(ns);
  }
  path += '/';
  path += res.resource;
  if (!name.empty()) {
    path += '/';
    path += UrlEscape(name);
    if (!subresource.empty()) {
      path += '/';
      path += UrlEscape(subresource);
    }
  }
  return path;
}

std::string DescribeKind(const core::Gvk& gvk) {
  return gvk.group.empty() ? gvk.kind : gvk.group + "/" + gvk.kind;
}

std::string DescribeObject(const core::Gvk& gvk, std::string_view ns, std::string_view name) {
  std::string out = DescribeKind(gvk);
  out += ' ';
  if (!ns.empty()) {
    out += ns;
    out += '/';
  }
  out += name;
  return out;
}

}  // namespace capstan::kube
