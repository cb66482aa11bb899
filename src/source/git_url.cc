// Copyright 2026 The capstan Authors.

#include "source/git_url.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/log.h"

namespace capstan::source {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "[user@]host:path" with no "://" and no '/' before the first ':' (git's rule for scp syntax).
bool IsScpLike(std::string_view url) {
  if (url.find("://") != std::string_view::npos) return false;
  size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  size_t slash = url.find('/');
  return slash == std::string_view::npos || slash > colon;
}

// Argo CD util/git IsSSHURL: ^(ssh://)?([^/:]*?)@[^@]+$
bool IsArgoSshUrl(std::string_view url) {
  std::string_view rest = url;
  if (rest.substr(0, 6) == "ssh://") rest.remove_prefix(6);
  size_t at = rest.find('@');
  if (at == std::string_view::npos) return false;
  if (rest.substr(0, at).find_first_of("/:") != std::string_view::npos) return false;
  std::string_view after = rest.substr(at + 1);
  return !after.empty() && after.find('@') == std::string_view::npos;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xF]);
  }
  return out;
}

int RepoUrl::EffectivePort() const {
  if (port != 0) return port;
  if (scheme == "https") return 443;
  if (scheme == "http") return 80;
  if (scheme == "ssh") return 22;
  if (scheme == "git") return 9418;
  return 0;
}

base::Result<RepoUrl> ParseRepoUrl(std::string_view raw) {
  std::string_view url = Trim(raw);
  auto bad = [&](std::string_view why) {
    return base::Status::InvalidArgument("invalid repository URL \"" + base::RedactUrl(url) + "\": " +
                                         std::string(why));
  };
  if (url.empty()) return base::Status::InvalidArgument("invalid repository URL \"\": empty");
  RepoUrl out;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    if (IsScpLike(url)) {
      out.scheme = "ssh";
      out.scp_like = true;
      size_t colon = url.find(':');
      std::string_view hostpart = url.substr(0, colon);
      size_t at = hostpart.rfind('@');
      if (at != std::string_view::npos) {
        out.user = std::string(hostpart.substr(0, at));
        hostpart.remove_prefix(at + 1);
      }
      if (hostpart.empty()) return bad("no host");
      out.host = std::string(hostpart);
      out.path = std::string(url.substr(colon + 1));
      return out;
    }
    out.scheme = "file";
    out.path = std::string(url);
    return out;
  }
  out.scheme = Lower(url.substr(0, sep));
  if (out.scheme != "https" && out.scheme != "http" && out.scheme != "ssh" && out.scheme != "git" &&
      out.scheme != "file") {
    return bad("unsupported scheme \"" + out.scheme + "\"");
  }
  std::string_view rest = url.substr(sep + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  out.path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    out.user = std::string(userinfo.substr(0, userinfo.find(':')));
    authority.remove_prefix(at + 1);
  }
  if (out.scheme == "file") {
    out.host = std::string(authority);
    return out;
  }
  // host, [v6]:port or host:port
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after ']'");
      port = after.substr(1);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return bad("no host");
  out.host = std::string(host);
  if (!port.empty()) {
    int p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || ptr != port.data() + port.size() || p <= 0 || p > 65535) {
      return bad("bad port \"" + std::string(port) + "\"");
    }
    out.port = p;
  }
  return out;
}

UrlCredentials SplitUrlCredentials(std::string_view raw) {
  std::string_view url = Trim(raw);
  UrlCredentials out;
  out.url = std::string(url);
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    // scp-like: user@host:path carries no password
    if (IsScpLike(url)) {
      size_t colon = url.find(':');
      size_t at = url.substr(0, colon).rfind('@');
      if (at != std::string_view::npos) out.user = std::string(url.substr(0, at));
    }
    return out;
  }
  size_t host_start = sep + 3;
  size_t slash = url.find('/', host_start);
  std::string_view authority = url.substr(host_start, slash == std::string_view::npos ? url.npos : slash - host_start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return out;
  std::string_view userinfo = authority.substr(0, at);
  size_t colon = userinfo.find(':');
  out.user = std::string(userinfo.substr(0, colon));
  if (colon != std::string_view::npos) out.password = std::string(userinfo.substr(colon + 1));
  std::string scheme = Lower(url.substr(0, sep));
  std::string kept = (scheme == "ssh" && !out.user.empty()) ? out.user + "@" : "";
  out.url = std::string(url.substr(0, host_start)) + kept + std::string(url.substr(host_start + at + 1));
  return out;
}

std::string NormalizeRepoUrl(std::string_view raw) {
  std::string repo = Lower(Trim(raw));
  if (IsArgoSshUrl(repo) && repo.rfind("ssh://", 0) != 0) {
    size_t colon = repo.find(':');
    if (colon != std::string::npos) repo[colon] = '/';
    repo = "ssh://" + repo;
  }
  if (repo.size() >= 4 && repo.compare(repo.size() - 4, 4, ".git") == 0) repo.resize(repo.size() - 4);
  if (repo.rfind("ssh://", 0) == 0) repo.erase(0, 6);
  return repo;
}

bool SameRepoUrl(std::string_view a, std::string_view b) { return NormalizeRepoUrl(a) == NormalizeRepoUrl(b); }

std::string RepoCacheKey(std::string_view raw) {
  std::string url = SplitUrlCredentials(raw).url;
  std::string canonical = url;
  auto parsed = ParseRepoUrl(url);
  std::string slug;
  if (parsed.ok()) {
    const RepoUrl& u = *parsed;
    std::string path = u.path;
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".git") == 0) path.resize(path.size() - 4);
    canonical = u.scheme + "://" + (u.user.empty() ? "" : u.user + "@") + Lower(u.host) + ":" +
                std::to_string(u.EffectivePort()) + "/" + path;
    slug = Lower(u.host) + "-" + path;
  } else {
    slug = url;
  }
  std::string clean;
  for (char c : slug) {
    unsigned char uc = static_cast<unsigned char>(c);
    if (std::isalnum(uc) || c == '.' || c == '-' || c == '_') {
      clean.push_back(static_cast<char>(std::tolower(uc)));
    } else if (!clean.empty() && clean.back() != '-') {
      clean.push_back('-');
    }
  }
  while (!clean.empty() && (clean.front() == '-' || clean.front() == '.')) clean.erase(0, 1);
  while (!clean.empty() && clean.back() == '-') clean.pop_back();
  if (clean.size() > 60) clean = clean.substr(clean.size() - 60);
  if (clean.empty()) clean = "repo";
  return clean + "-" + Sha256Hex(canonical).substr(0, 16);
}

}  // namespace capstan::source
