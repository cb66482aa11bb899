// Copyright 2026 The capstan Authors.
//
// Repository credentials: what a caller hands to source::Repository, and where they come from —
// Argo CD repository Secrets (labelled argocd.argoproj.io/secret-type: repository, an exact URL, or
// repo-creds, a URL prefix; DESIGN §8.6) for the controller, or a local file for the CLI
// (~/.config/capstan/repositories.yaml). Matching follows Argo CD: a `repository` whose URL is the
// same (SameRepoUrl) wins, else the `repo-creds` with the longest matching prefix
// (util/db getRepositoryCredentialIndex).
//
// Credentials are never written to logs, errors or status: messages name the Secret or file and the
// field, never a value.
//
// Thread safety: plain values and pure functions (LoadCredentialsFile reads files).

#ifndef CAPSTAN_SOURCE_CREDENTIALS_H_
#define CAPSTAN_SOURCE_CREDENTIALS_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace capstan::source {

struct Credentials {
  std::string username{};
  std::string password{};         // a password or a token (HTTPS basic auth)
  std::string bearer_token{};     // sent as "Authorization: Bearer <token>" (Argo CD bearerToken)
  std::string ssh_private_key{};  // PEM or OpenSSH private key text
  std::string ssh_known_hosts{};  // known_hosts lines trusted for SSH; none trusted when empty
  std::string tls_ca_pem{};       // extra CA certificates trusted for HTTPS (PEM)
  std::string proxy{};            // an HTTP(S) proxy URL; "" = none
  bool insecure = false;          // Argo CD `insecure`: skip TLS verification and the SSH host key check

  bool HasAuth() const { return !username.empty() || !password.empty() || !bearer_token.empty() || !ssh_private_key.empty(); }
};

enum class CredentialKind {
  kRepository,  // credentials for one repository URL
  kRepoCreds,   // a credential template for every repository URL under a prefix
};

struct RepoCredentialEntry {
  CredentialKind kind = CredentialKind::kRepository;
  std::string url{};
  std::string type = "git";   // "git", "helm" or "oci"; only git entries match Git sources
  std::string name{};
  std::string project{};
  std::string origin{};       // where it came from, for messages: "secret capstan/repo-a", "file ~/…:3"
  Credentials credentials{};
  std::vector<std::string> unsupported{};  // fields set that capstan does not use yet (e.g. githubAppPrivateKey)
};

inline constexpr std::string_view kSecretTypeLabel = "argocd.argoproj.io/secret-type";

// Parses a Kubernetes Secret (|secret| as the API returns it: base64 `data`; `stringData` too, which
// wins key by key, for manifests) labelled kSecretTypeLabel=repository or repo-creds, with Argo CD's
// fields: url (required), type, name, project, username, password, bearerToken, sshPrivateKey,
// insecure / insecureIgnoreHostKey (booleans as Go's strconv.ParseBool reads them), proxy, and the
// fields capstan records in |unsupported| (tlsClientCertData, tlsClientCertKey, githubApp*,
// gcpServiceAccountKey, enableLfs, useAzureWorkloadIdentity, forceHttpBasicAuth, noProxy, enableOCI).
// Errors (kInvalidArgument, naming the Secret and field, never a value): not a Secret, missing or
// unknown secret-type label, bad base64, bad boolean, missing url.
base::Result<RepoCredentialEntry> ParseRepositorySecret(const base::Json& secret);

// The entry for |repo_url| among |entries| (git type only), or nullptr: a kRepository with the same
// URL, else the kRepoCreds whose normalised URL is the longest prefix of the normalised |repo_url|.
const RepoCredentialEntry* MatchCredentials(std::string_view repo_url, const std::vector<RepoCredentialEntry>& entries);

// The CLI's credentials file: $CAPSTAN_REPOSITORIES_FILE, else $XDG_CONFIG_HOME/capstan/repositories.yaml,
// else ~/.config/capstan/repositories.yaml.
std::string DefaultCredentialsFilePath();

// Reads the credentials file at |path| (format in src/source/README.md: `repositories:` entries are
// kRepository, `credentialTemplates:` entries kRepoCreds; each has url and Argo CD's field names, plus
// passwordFile, sshPrivateKeyFile, sshKnownHostsFile, tlsCAFile / tlsCA read from files relative to
// the credentials file; "~/" is expanded). A missing file is an empty list when |missing_ok|.
// Errors: kNotFound (missing, !missing_ok), kInvalidArgument (bad YAML, a field of the wrong type, a
// referenced file that cannot be read), each naming the file and entry.
base::Result<std::vector<RepoCredentialEntry>> LoadCredentialsFile(const std::string& path, bool missing_ok = true);

// ~/.ssh/known_hosts of the current user, or "" when absent (the CLI's default known_hosts).
std::string ReadUserKnownHosts();

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_CREDENTIALS_H_
