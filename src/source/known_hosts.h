// Copyright 2026 The capstan Authors.
//
// SSH host key checking against known_hosts text (OpenSSH's format, sshd(8) "SSH_KNOWN_HOSTS FILE
// FORMAT"): host patterns with wildcards and negation, "[host]:port" for ports other than 22,
// hashed names ("|1|salt|hash", HMAC-SHA1), @revoked lines. @cert-authority lines are ignored
// (certificates are not supported). There is no blind trust: a host that is not listed is refused.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_SOURCE_KNOWN_HOSTS_H_
#define CAPSTAN_SOURCE_KNOWN_HOSTS_H_

#include <string>
#include <string_view>

namespace capstan::source {

enum class HostKeyMatch {
  kMatch,     // a line for the host holds this key
  kMismatch,  // lines for the host hold other keys of the same type, or the key is @revoked
  kUnknown,   // no line for the host with a key of this type
};

// Checks the raw public key blob |key| (as in the SSH wire format: string type, then key data; the
// same bytes as the base64 field of a known_hosts line) offered by |host| on |port|.
HostKeyMatch CheckHostKey(std::string_view known_hosts, std::string_view host, int port, std::string_view key);

// The key type named in a key blob ("ssh-ed25519"), or "unknown".
std::string SshKeyType(std::string_view key);

// OpenSSH's fingerprint of a key blob: "SHA256:" + unpadded base64 of its SHA-256.
std::string SshFingerprint(std::string_view key);

// "host" for port 22 (or 0), else "[host]:port": the name known_hosts lines use.
std::string KnownHostsName(std::string_view host, int port);

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_KNOWN_HOSTS_H_
