// Copyright 2026 The capstan Authors.
//
// Repository URLs: the forms Argo CD accepts in `spec.source.repoURL` (https://, http://, ssh://,
// git://, file://, scp-like `git@host:org/repo.git`, and local paths), parsed into parts, normalised
// the way Argo CD compares them (util/git.NormalizeGitURL), and turned into a cache directory key.
//
// Credentials embedded in a URL ("https://user:secret@host/x") are split off by SplitUrlCredentials so
// that the URL handed to libgit2, logs and errors never carries them.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_SOURCE_GIT_URL_H_
#define CAPSTAN_SOURCE_GIT_URL_H_

#include <string>
#include <string_view>

#include "base/result.h"

namespace capstan::source {

struct RepoUrl {
  std::string scheme;    // "https", "http", "ssh", "git", "file"; "ssh" for scp-like; "file" for paths
  std::string user;      // the user of the userinfo (never the password)
  std::string host;      // "" for file
  int port = 0;          // 0 = the scheme's default
  std::string path;      // "/org/repo.git"; for scp-like the part after ':' ("org/repo.git")
  bool scp_like = false;

  // The port, or the scheme's default (443, 80, 22, 9418; 0 for file).
  int EffectivePort() const;
};

// Parses |url|. A string with no "scheme://" that is not scp-like ("[user@]host:path" with no '/'
// before the ':') is a local path (scheme "file"). kInvalidArgument for an empty URL, an unknown
// scheme, a URL with no host where one is needed, or a bad port; the message quotes the URL with its
// userinfo redacted.
base::Result<RepoUrl> ParseRepoUrl(std::string_view url);

// |url| split into the URL without any password (userinfo removed entirely for http(s), only the
// password for ssh) and the user and password it carried.
struct UrlCredentials {
  std::string url;
  std::string user;
  std::string password;
};
UrlCredentials SplitUrlCredentials(std::string_view url);

// Argo CD's util/git.NormalizeGitURL: trimmed and lower-cased; scp-like SSH URLs rewritten to
// ssh:// form (first ':' becomes '/'); a trailing ".git" removed; the "ssh://" prefix removed again.
// Used to compare URLs (SameRepoUrl) and to match credentials.
std::string NormalizeRepoUrl(std::string_view url);

// NormalizeRepoUrl(a) == NormalizeRepoUrl(b) (Argo CD's git.SameURL).
bool SameRepoUrl(std::string_view a, std::string_view b);

// A directory name for the cache of |url|: a readable slug of host and path plus a hash of the URL
// with its password removed, scheme and host lower-cased, a trailing '/' and ".git" removed (the path
// keeps its case: on most servers it matters). Only [a-z0-9._-] characters.
std::string RepoCacheKey(std::string_view url);

// The SHA-256 of |data| in lower-case hex (cache keys).
std::string Sha256Hex(std::string_view data);

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_GIT_URL_H_
