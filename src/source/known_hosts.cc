// Copyright 2026 The capstan Authors.

#include "source/known_hosts.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "base/base64.h"

namespace capstan::source {

namespace {

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

// OpenSSH match_pattern: '*' and '?' wildcards, case-insensitive (hostnames are lower-cased there).
bool WildcardMatch(std::string_view pat, std::string_view s) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  auto eq = [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); };
  while (t < s.size()) {
    if (p < pat.size() && (pat[p] == '?' || eq(pat[p], s[t]))) {
      ++p;
      ++t;
    } else if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

bool HashedMatch(std::string_view entry, std::string_view name) {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  if (entry.substr(0, 3) != "|1|") return false;
  std::string_view rest = entry.substr(3);
  size_t bar = rest.find('|');
  if (bar == std::string_view::npos) return false;
  auto salt = base::Base64Decode(rest.substr(0, bar));
  auto want = base::Base64Decode(rest.substr(bar + 1));
  if (!salt.ok() || !want.ok()) return false;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), salt->data(), static_cast<int>(salt->size()), reinterpret_cast<const unsigned char*>(name.data()),
       name.size(), md, &len);
  return len == want->size() && std::equal(md, md + len, reinterpret_cast<const unsigned char*>(want->data()));
}

// OpenSSH match_hostname: a comma-separated pattern list; a matching negated pattern wins.
bool HostMatches(std::string_view patterns, std::string_view name) {
  if (patterns.substr(0, 3) == "|1|") return HashedMatch(patterns, name);
  bool matched = false;
  size_t i = 0;
  while (i <= patterns.size()) {
    size_t j = patterns.find(',', i);
    if (j == std::string_view::npos) j = patterns.size();
    std::string_view pat = patterns.substr(i, j - i);
    bool negated = !pat.empty() && pat.front() == '!';
    if (negated) pat.remove_prefix(1);
    if (!pat.empty() && WildcardMatch(pat, name)) {
      if (negated) return false;
      matched = true;
    }
    i = j + 1;
  }
  return matched;
}

}  // namespace

std::string KnownHostsName(std::string_view host, int port) {
  if (port == 0 || port == 22) return std::string(host);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

std::string SshKeyType(std::string_view key) {
  if (key.size() < 4) return "unknown";
  uint32_t n = (static_cast<unsigned char>(key[0]) << 24) | (static_cast<unsigned char>(key[1]) << 16) |
               (static_cast<unsigned char>(key[2]) << 8) | static_cast<unsigned char>(key[3]);
  if (n == 0 || n > 64 || key.size() < 4 + n) return "unknown";
  return std::string(key.substr(4, n));
}

std::string SshFingerprint(std::string_view key) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(key.data(), key.size(), md, &len, EVP_sha256(), nullptr);
  std::string b64 = base::Base64Encode(std::string_view(reinterpret_cast<const char*>(md), len));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

HostKeyMatch CheckHostKey(std::string_view known_hosts, std::string_view host, int port, std::string_view key) {
  std::string name = KnownHostsName(host, port);
  std::string type = SshKeyType(key);
  bool other_key_same_type = false;
  bool matched = false;
  size_t i = 0;
  while (i < known_hosts.size()) {
    size_t j = known_hosts.find('\n', i);
    if (j == std::string_view::npos) j = known_hosts.size();
    std::string_view line = known_hosts.substr(i, j - i);
    i = j + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string_view> f = Fields(line);
    if (f.empty() || f[0].front() == '#') continue;
    bool revoked = false;
    if (f[0].front() == '@') {
      if (f[0] == "@revoked") {
        revoked = true;
      } else {
        continue;  // @cert-authority and unknown markers: not supported
      }
      f.erase(f.begin());
    }
    if (f.size() < 3 || !HostMatches(f[0], name)) continue;
    auto blob = base::Base64Decode(f[2]);
    if (!blob.ok()) continue;
    bool same_key = *blob == key;
    if (revoked) {
      if (same_key) return HostKeyMatch::kMismatch;
      continue;
    }
    if (same_key) {
      matched = true;
    } else if (f[1] == type) {
      other_key_same_type = true;
    }
  }
  if (matched) return HostKeyMatch::kMatch;
  return other_key_same_type ? HostKeyMatch::kMismatch : HostKeyMatch::kUnknown;
}

}  // namespace capstan::source
