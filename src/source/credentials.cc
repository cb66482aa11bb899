// Copyright 2026 The capstan Authors.

#include "source/credentials.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/base64.h"
#include "base/log.h"
#include "base/yaml.h"
#include "source/git_url.h"

namespace capstan::source {

namespace fs = std::filesystem;

namespace {

// Go's strconv.ParseBool.
base::Result<bool> ParseGoBool(std::string_view v) {
  if (v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "true" || v == "True") return true;
  if (v == "0" || v == "f" || v == "F" || v == "FALSE" || v == "false" || v == "False") return false;
  return base::Status::InvalidArgument("not a boolean");
}

constexpr std::string_view kUnsupportedFields[] = {
    "tlsClientCertData", "tlsClientCertKey", "githubAppPrivateKey", "githubAppID", "githubAppInstallationID",
    "githubAppEnterpriseBaseUrl", "gcpServiceAccountKey", "enableLfs", "useAzureWorkloadIdentity",
    "forceHttpBasicAuth", "noProxy", "enableOCI"};

std::string HomeDir() {
  const char* home = std::getenv("HOME");
  return home ? home : "";
}

std::string ExpandPath(std::string_view p, const fs::path& base_dir) {
  if (p == "~") return HomeDir();
  if (p.rfind("~/", 0) == 0) return HomeDir() + std::string(p.substr(1));
  fs::path path(p);
  if (path.is_relative()) path = base_dir / path;
  return path.string();
}

base::Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Status::InvalidArgument("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > (1u << 20)) return base::Status::InvalidArgument(path + " is over 1 MiB");
  return s;
}

}  // namespace

base::Result<RepoCredentialEntry> ParseRepositorySecret(const base::Json& secret) {
  std::string ns = base::GetStringAt(secret, "metadata/namespace");
  std::string name = base::GetStringAt(secret, "metadata/name");
  RepoCredentialEntry e;
  e.origin = "secret " + (ns.empty() ? name : ns + "/" + name);
  auto bad = [&](std::string_view what) { return base::Status::InvalidArgument(e.origin + ": " + std::string(what)); };
  if (!secret.is_object() || base::GetString(secret, "kind") != "Secret") return bad("not a Secret");
  std::string type_label;
  if (auto m = secret.find("metadata"); m != secret.end() && m->is_object()) {
    if (auto l = m->find("labels"); l != m->end() && l->is_object()) type_label = base::GetString(*l, kSecretTypeLabel);
  }
  if (type_label == "repository") {
    e.kind = CredentialKind::kRepository;
  } else if (type_label == "repo-creds") {
    e.kind = CredentialKind::kRepoCreds;
  } else if (type_label.empty()) {
    return bad("no label " + std::string(kSecretTypeLabel));
  } else {
    return bad("label " + std::string(kSecretTypeLabel) + " is \"" + type_label +
               "\", not repository or repo-creds");
  }
  // data (base64), then stringData over it, as the API server merges them.
  std::map<std::string, std::string> fields;
  if (auto data = secret.find("data"); data != secret.end() && data->is_object()) {
    for (auto it = data->begin(); it != data->end(); ++it) {
      if (!it->is_string()) return bad("data." + it.key() + " is not a string");
      auto decoded = base::Base64Decode(it->get_ref<const std::string&>());
      if (!decoded.ok()) return bad("data." + it.key() + ": " + decoded.status().message());
      fields[it.key()] = std::move(*decoded);
    }
  }
  if (auto sd = secret.find("stringData"); sd != secret.end() && sd->is_object()) {
    for (auto it = sd->begin(); it != sd->end(); ++it) {
      if (!it->is_string()) return bad("stringData." + it.key() + " is not a string");
      fields[it.key()] = it->get<std::string>();
    }
  }
  auto get = [&](const char* k) -> std::string {
    auto it = fields.find(k);
    return it == fields.end() ? "" : it->second;
  };
  e.url = get("url");
  if (e.url.empty()) return bad("no url in data");
  if (std::string t = get("type"); !t.empty()) e.type = t;
  e.name = get("name");
  e.project = get("project");
  Credentials& c = e.credentials;
  c.username = get("username");
  c.password = get("password");
  c.bearer_token = get("bearerToken");
  c.ssh_private_key = get("sshPrivateKey");
  c.proxy = get("proxy");
  for (const char* key : {"insecure", "insecureIgnoreHostKey"}) {
    if (auto it = fields.find(key); it != fields.end() && !it->second.empty()) {
      auto b = ParseGoBool(it->second);
      if (!b.ok()) return bad(std::string(key) + ": not a boolean");
      c.insecure = c.insecure || *b;
    }
  }
  for (std::string_view f : kUnsupportedFields) {
    if (auto it = fields.find(std::string(f)); it != fields.end() && !it->second.empty()) {
      e.unsupported.emplace_back(f);
    }
  }
  return e;
}

const RepoCredentialEntry* MatchCredentials(std::string_view repo_url, const std::vector<RepoCredentialEntry>& entries) {
  for (const RepoCredentialEntry& e : entries) {
    if (e.type == "git" && e.kind == CredentialKind::kRepository && SameRepoUrl(e.url, repo_url)) return &e;
  }
  std::string url = NormalizeRepoUrl(repo_url);
  const RepoCredentialEntry* best = nullptr;
  size_t best_len = 0;
  for (const RepoCredentialEntry& e : entries) {
    if (e.type != "git" || e.kind != CredentialKind::kRepoCreds) continue;
    std::string prefix = NormalizeRepoUrl(e.url);
    if (!prefix.empty() && url.rfind(prefix, 0) == 0 && prefix.size() > best_len) {
      best = &e;
      best_len = prefix.size();
    }
  }
  return best;
}

std::string DefaultCredentialsFilePath() {
  if (const char* f = std::getenv("CAPSTAN_REPOSITORIES_FILE"); f && *f) return f;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return std::string(x) + "/capstan/repositories.yaml";
  return HomeDir() + "/.config/capstan/repositories.yaml";
}

std::string ReadUserKnownHosts() {
  auto r = ReadSmallFile(HomeDir() + "/.ssh/known_hosts");
  return r.ok() ? *r : "";
}

base::Result<std::vector<RepoCredentialEntry>> LoadCredentialsFile(const std::string& path, bool missing_ok) {
  std::vector<RepoCredentialEntry> out;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (missing_ok) return out;
    return base::Status::NotFound("credentials file " + path + " does not exist");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Status::InvalidArgument("cannot read credentials file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    CAPSTAN_LOG_WARN("credentials file {} is readable by other users (mode {:o}); chmod 600 it", path,
                     st.st_mode & 0777);
  }
  CAPSTAN_ASSIGN_OR_RETURN(base::Json doc, base::ParseYaml(ss.str(), path));
  if (!doc.is_object()) return base::Status::InvalidArgument(path + ": not a mapping");
  fs::path base_dir = fs::path(path).parent_path();

  for (auto [section, kind] : {std::pair{"repositories", CredentialKind::kRepository},
                               std::pair{"credentialTemplates", CredentialKind::kRepoCreds}}) {
    auto list = doc.find(section);
    if (list == doc.end() || list->is_null()) continue;
    if (!list->is_array()) return base::Status::InvalidArgument(path + ": " + section + " is not a list");
    int index = 0;
    for (const base::Json& item : *list) {
      std::string where = path + ": " + section + "[" + std::to_string(index++) + "]";
      auto bad = [&](std::string_view what) { return base::Status::InvalidArgument(where + ": " + std::string(what)); };
      if (!item.is_object()) return bad("not a mapping");
      for (auto it = item.begin(); it != item.end(); ++it) {
        if (!it->is_string() && !it->is_boolean()) return bad(it.key() + " is not a string");
      }
      auto str = [&](const char* k) { return base::GetString(item, k); };
      auto file = [&](const char* k, std::string* dst) -> base::Status {
        std::string p = str(k);
        if (p.empty()) return base::Status::Ok();
        auto content = ReadSmallFile(ExpandPath(p, base_dir));
        if (!content.ok()) return bad(std::string(k) + ": " + content.status().message());
        *dst = std::move(*content);
        return base::Status::Ok();
      };
      RepoCredentialEntry e;
      e.kind = kind;
      e.origin = "file " + where;
      e.url = str("url");
      if (e.url.empty()) return bad("no url");
      if (std::string t = str("type"); !t.empty()) e.type = t;
      e.name = str("name");
      e.project = str("project");
      Credentials& c = e.credentials;
      c.username = str("username");
      c.password = str("password");
      c.bearer_token = str("bearerToken");
      c.ssh_private_key = str("sshPrivateKey");
      c.ssh_known_hosts = str("sshKnownHosts");
      c.tls_ca_pem = str("tlsCA");
      c.proxy = str("proxy");
      CAPSTAN_RETURN_IF_ERROR(file("passwordFile", &c.password));
      CAPSTAN_RETURN_IF_ERROR(file("bearerTokenFile", &c.bearer_token));
      CAPSTAN_RETURN_IF_ERROR(file("sshPrivateKeyFile", &c.ssh_private_key));
      CAPSTAN_RETURN_IF_ERROR(file("sshKnownHostsFile", &c.ssh_known_hosts));
      CAPSTAN_RETURN_IF_ERROR(file("tlsCAFile", &c.tls_ca_pem));
      // A token file usually ends in a newline that is not part of the token.
      while (!c.password.empty() && (c.password.back() == '\n' || c.password.back() == '\r')) c.password.pop_back();
      while (!c.bearer_token.empty() && (c.bearer_token.back() == '\n' || c.bearer_token.back() == '\r')) c.bearer_token.pop_back();
      if (auto ins = item.find("insecure"); ins != item.end()) {
        if (ins->is_boolean()) {
          c.insecure = ins->get<bool>();
        } else {
          auto b = ParseGoBool(ins->get<std::string>());
          if (!b.ok()) return bad("insecure: not a boolean");
          c.insecure = *b;
        }
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace capstan::source
