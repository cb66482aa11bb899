// Copyright 2026 The capstan Authors.
//
// Loading follows client-go's clientcmd: ClientConfigLoadingRules.Load (merge: for each named
// cluster, user and context the first file that defines it wins, whole; current-context from the
// first file that sets it), ResolveLocalPaths (relative paths against the defining file's
// directory; an exec command only when it contains a '/'), and DirectClientConfig.ClientConfig
// (*-data wins over the file it names; the context's namespace, else "default").

#include "kube/kubeconfig.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "base/base64.h"
#include "base/json.h"
#include "base/yaml.h"
#include "kube/credential_providers.h"

namespace capstan::kube {
namespace {

using base::Json;
using base::Result;
using base::Status;

constexpr std::string_view kNoKubeconfig = "no kubeconfig: set KUBECONFIG or create ~/.kube/config";

// One kubeconfig file as read.
struct SourceFile {
  std::string path;
  std::string dir;  // for relative paths
  Json doc;
};

// A named cluster, user or context, and the file that defined it.
struct Entry {
  Json body;
  const SourceFile* file = nullptr;
};

struct Merged {
  std::vector<SourceFile> files;  // in priority order; entries point into it (never resized after)
  std::map<std::string, Entry> clusters, users, contexts;
  std::string current_context;
  const SourceFile* current_context_file = nullptr;
};

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return dir + "/" + path;
}

// Reads |path| whole; the error is "open <path>: <reason>".
Result<std::string> ReadFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno != 0 ? errno : ENOENT;
    std::string msg = "open " + path + ": " + std::strerror(err);
    if (err == ENOENT || err == ENOTDIR) return Status::NotFound(std::move(msg));
    if (err == EACCES || err == EPERM) return Status::PermissionDenied(std::move(msg));
    return Status::Internal(std::move(msg));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses the text of a kubeconfig file (YAML, or JSON which is YAML). An empty file (or only
// comments) is an empty config, as kubectl treats it. Syntax errors give the line and column, not
// the text around them.
Result<Json> ParseConfigText(const std::string& text, const std::string& path) {
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<base::YamlDocument> docs,
                           base::ParseYamlStream(text, "kubeconfig " + path));
  if (docs.empty()) return Json::object();
  if (docs.size() > 1) return Status::InvalidArgument("kubeconfig " + path + ": more than one YAML document");
  if (!docs[0].value.is_object()) return Status::InvalidArgument("kubeconfig " + path + ": not a mapping");
  return std::move(docs[0].value);
}

// Field access with errors naming "kubeconfig <file>: <where>.<field>".
class Fields {
 public:
  Fields(const SourceFile* file, std::string where) : file_(file), where_(std::move(where)) {}

  std::string Path(std::string_view field) const { return where_ + "." + std::string(field); }

  Status Error(std::string_view field, std::string_view problem) const {
    return Status::InvalidArgument(Prefix() + Path(field) + ": " + std::string(problem));
  }
  Status Annotated(const Status& s, std::string_view field) const {
    return s.Annotate(Prefix() + Path(field));
  }
  std::string Prefix() const { return "kubeconfig " + file_->path + ": "; }
  const SourceFile* file() const { return file_; }

  // A scalar at |field| as a string ("" when absent or null). Numbers and booleans are written out,
  // since YAML may have typed an unquoted value.
  Result<std::string> String(const Json& body, std::string_view field) const {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return std::string();
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number() || it->is_boolean()) return it->dump();
    return Error(field, "want a string");
  }

  Result<bool> Bool(const Json& body, std::string_view field) const {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return false;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_string()) {
      std::string v = it->get<std::string>();
      if (v == "true") return true;
      if (v == "false" || v.empty()) return false;
    }
    return Error(field, "want true or false");
  }

  // The content of |data_field| (base64) if set, else of the file named by |file_field|.
  Result<std::string> DataOrFile(const Json& body, std::string_view data_field, std::string_view file_field) const {
    CAPSTAN_ASSIGN_OR_RETURN(std::string data, String(body, data_field));
    if (!data.empty()) {
      auto decoded = base::Base64Decode(data);
      if (!decoded.ok()) return Error(data_field, decoded.status().message());
      return *std::move(decoded);
    }
    CAPSTAN_ASSIGN_OR_RETURN(std::string file, String(body, file_field));
    if (file.empty()) return std::string();
    auto content = ReadFile(Resolve(file_->dir, file));
    if (!content.ok()) return Annotated(content.status(), file_field);
    return *std::move(content);
  }

 private:
  const SourceFile* file_;
  std::string where_;
};

// Adds the named entries of |list_key| ("clusters") from |file| that no earlier file defined.
Status MergeList(const SourceFile& file, std::string_view list_key, std::string_view body_key,
                 std::map<std::string, Entry>* out) {
  auto list = file.doc.find(list_key);
  if (list == file.doc.end() || list->is_null()) return Status::Ok();
  std::string prefix = "kubeconfig " + file.path + ": " + std::string(list_key);
  if (!list->is_array()) return Status::InvalidArgument(prefix + ": want a list");
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    std::string name = item.is_object() ? base::GetString(item, "name") : "";
    if (name.empty()) {
      return Status::InvalidArgument(prefix + "[" + std::to_string(i) + "]: want an entry with a name");
    }
    auto body = item.find(body_key);
    Json value = Json::object();
    if (body != item.end() && !body->is_null()) {
      if (!body->is_object()) {
        return Status::InvalidArgument(prefix + "[" + name + "]." + std::string(body_key) + ": want a mapping");
      }
      value = *body;
    }
    out->try_emplace(name, Entry{std::move(value), &file});
  }
  return Status::Ok();
}

// The files to read: |opts.paths|, else $KUBECONFIG, else ~/.kube/config. Explicit paths must exist;
// KUBECONFIG entries that do not are skipped, as kubectl does.
Result<std::vector<std::string>> ConfigPaths(const KubeconfigOptions& opts) {
  std::vector<std::string> out;
  auto add = [&](const std::string& p) {
    if (!p.empty() && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  if (!opts.paths.empty()) {
    for (const std::string& p : opts.paths) add(p);
    return out;
  }
  const char* env = std::getenv("KUBECONFIG");
  if (env != nullptr && *env != '\0') {
    std::string_view list(env);
    while (!list.empty()) {
      size_t colon = list.find(':');
      std::string p(list.substr(0, colon));
      if (FileExists(p)) add(p);
      list = colon == std::string_view::npos ? std::string_view() : list.substr(colon + 1);
    }
    if (out.empty()) return Status::NotFound(std::string(kNoKubeconfig) + " (no file of $KUBECONFIG exists)");
    return out;
  }
  const char* home = std::getenv("HOME");
  std::string def = std::string(home != nullptr ? home : "") + "/.kube/config";
  if (home == nullptr || !FileExists(def)) return Status::NotFound(std::string(kNoKubeconfig));
  out.push_back(def);
  return out;
}

Result<Merged> LoadMerged(const std::vector<std::string>& paths) {
  Merged m;
  m.files.reserve(paths.size());
  for (const std::string& path : paths) {
    auto text = ReadFile(path);
    if (!text.ok()) return text.status().Annotate("kubeconfig");
    CAPSTAN_ASSIGN_OR_RETURN(Json doc, ParseConfigText(*text, path));
    m.files.push_back(SourceFile{path, DirOf(path), std::move(doc)});
  }
  for (const SourceFile& f : m.files) {
    CAPSTAN_RETURN_IF_ERROR(MergeList(f, "clusters", "cluster", &m.clusters));
    CAPSTAN_RETURN_IF_ERROR(MergeList(f, "users", "user", &m.users));
    CAPSTAN_RETURN_IF_ERROR(MergeList(f, "contexts", "context", &m.contexts));
    std::string current = base::GetString(f.doc, "current-context");
    if (m.current_context.empty() && !current.empty()) {
      m.current_context = current;
      m.current_context_file = &f;
    }
  }
  return m;
}

// Fills the server and TLS fields of |cfg| from cluster |name|.
Status ApplyCluster(const std::string& name, const Entry& e, RestConfig* cfg) {
  Fields f(e.file, "clusters[" + name + "]");
  CAPSTAN_ASSIGN_OR_RETURN(cfg->server, f.String(e.body, "server"));
  if (cfg->server.empty()) return f.Error("server", "not set");
  while (cfg->server.size() > 1 && cfg->server.back() == '/') cfg->server.pop_back();
  CAPSTAN_ASSIGN_OR_RETURN(cfg->tls_server_name, f.String(e.body, "tls-server-name"));
  CAPSTAN_ASSIGN_OR_RETURN(cfg->insecure_skip_tls_verify, f.Bool(e.body, "insecure-skip-tls-verify"));
  CAPSTAN_ASSIGN_OR_RETURN(cfg->ca_pem, f.DataOrFile(e.body, "certificate-authority-data", "certificate-authority"));
  return Status::Ok();
}

// ExecCredential spec.cluster (client.authentication.k8s.io Cluster) for provideClusterInfo.
Json ExecClusterInfo(const RestConfig& cfg) {
  Json c = {{"server", cfg.server}};
  if (!cfg.tls_server_name.empty()) c["tls-server-name"] = cfg.tls_server_name;
  if (cfg.insecure_skip_tls_verify) c["insecure-skip-tls-verify"] = true;
  if (!cfg.ca_pem.empty()) c["certificate-authority-data"] = base::Base64Encode(cfg.ca_pem);
  return c;
}

Result<std::shared_ptr<CredentialProvider>> MakeExecProvider(const Fields& user, const Json& exec,
                                                             const RestConfig& cfg) {
  Fields f(user.file(), user.Path("exec"));
  ExecPluginConfig pc;
  CAPSTAN_ASSIGN_OR_RETURN(pc.command, f.String(exec, "command"));
  if (pc.command.empty()) return f.Error("command", "not set");
  // client-go resolves the command against the kubeconfig only when it is a path, not a $PATH name.
  if (pc.command.find('/') != std::string::npos) pc.command = Resolve(user.file()->dir, pc.command);
  CAPSTAN_ASSIGN_OR_RETURN(pc.api_version, f.String(exec, "apiVersion"));
  if (pc.api_version.empty()) return f.Error("apiVersion", "not set");
  if (pc.api_version != kExecApiV1 && pc.api_version != kExecApiV1beta1) {
    return f.Error("apiVersion", "\"" + pc.api_version + "\" is not supported (want " + std::string(kExecApiV1) +
                                     " or " + std::string(kExecApiV1beta1) + ")");
  }
  if (auto args = exec.find("args"); args != exec.end() && !args->is_null()) {
    if (!args->is_array()) return f.Error("args", "want a list of strings");
    for (const Json& a : *args) {
      if (a.is_string()) {
        pc.args.push_back(a.get<std::string>());
      } else if (a.is_number() || a.is_boolean()) {
        pc.args.push_back(a.dump());
      } else {
        return f.Error("args", "want a list of strings");
      }
    }
  }
  if (auto env = exec.find("env"); env != exec.end() && !env->is_null()) {
    if (!env->is_array()) return f.Error("env", "want a list of {name, value}");
    for (size_t i = 0; i < env->size(); ++i) {
      Fields ef(user.file(), f.Path("env") + "[" + std::to_string(i) + "]");
      const Json& item = (*env)[i];
      if (!item.is_object()) return f.Error("env", "want a list of {name, value}");
      CAPSTAN_ASSIGN_OR_RETURN(std::string name, ef.String(item, "name"));
      if (name.empty()) return ef.Error("name", "not set");
      CAPSTAN_ASSIGN_OR_RETURN(std::string value, ef.String(item, "value"));
      pc.env.emplace_back(std::move(name), std::move(value));
    }
  }
  CAPSTAN_ASSIGN_OR_RETURN(std::string interactive, f.String(exec, "interactiveMode"));
  if (interactive == "Always") {
    return f.Error("interactiveMode", "Always needs a terminal; capstan runs exec plugins without one");
  }
  CAPSTAN_ASSIGN_OR_RETURN(pc.install_hint, f.String(exec, "installHint"));
  CAPSTAN_ASSIGN_OR_RETURN(bool provide_cluster, f.Bool(exec, "provideClusterInfo"));
  if (provide_cluster) pc.cluster = ExecClusterInfo(cfg);
  return std::shared_ptr<CredentialProvider>(std::make_shared<ExecCredentialProvider>(std::move(pc)));
}

// Fills the credentials of |cfg| from user |name|. REQUIRES: the cluster is applied (exec may need
// it for provideClusterInfo).
Status ApplyUser(const std::string& name, const Entry& e, RestConfig* cfg) {
  Fields f(e.file, "users[" + name + "]");
  if (auto ap = e.body.find("auth-provider"); ap != e.body.end() && !ap->is_null()) {
    return f.Error("auth-provider", "not supported (use an exec credential plugin)");
  }
  CAPSTAN_ASSIGN_OR_RETURN(cfg->client_cert_pem,
                           f.DataOrFile(e.body, "client-certificate-data", "client-certificate"));
  CAPSTAN_ASSIGN_OR_RETURN(cfg->client_key_pem, f.DataOrFile(e.body, "client-key-data", "client-key"));
  if (cfg->client_cert_pem.empty() != cfg->client_key_pem.empty()) {
    return f.Error(cfg->client_cert_pem.empty() ? "client-certificate" : "client-key",
                   cfg->client_cert_pem.empty() ? "not set, but client-key is" : "not set, but client-certificate is");
  }
  CAPSTAN_ASSIGN_OR_RETURN(cfg->bearer_token, f.String(e.body, "token"));
  CAPSTAN_ASSIGN_OR_RETURN(cfg->username, f.String(e.body, "username"));
  CAPSTAN_ASSIGN_OR_RETURN(cfg->password, f.String(e.body, "password"));
  CAPSTAN_ASSIGN_OR_RETURN(std::string token_file, f.String(e.body, "tokenFile"));
  if (!token_file.empty()) {
    auto provider = std::make_shared<TokenFileProvider>(Resolve(e.file->dir, token_file));
    // Read it now so a missing file is reported at load time, naming the field.
    auto first = provider->Get();
    if (!first.ok()) return f.Annotated(first.status(), "tokenFile");
    cfg->credentials = std::move(provider);
  }
  if (auto exec = e.body.find("exec"); exec != e.body.end() && !exec->is_null()) {
    if (!exec->is_object()) return f.Error("exec", "want a mapping");
    CAPSTAN_ASSIGN_OR_RETURN(cfg->credentials, MakeExecProvider(f, *exec, *cfg));
  }
  return Status::Ok();
}

std::string JoinPaths(const std::vector<SourceFile>& files) {
  std::string out;
  for (const SourceFile& f : files) {
    if (!out.empty()) out += ":";
    out += f.path;
  }
  return out;
}

// "host:port", with an IPv6 host in brackets.
std::string JoinHostPort(const std::string& host, const std::string& port) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]:" + port;
  return host + ":" + port;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

}  // namespace

Result<RestConfig> LoadKubeconfig(const KubeconfigOptions& opts) {
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<std::string> paths, ConfigPaths(opts));
  CAPSTAN_ASSIGN_OR_RETURN(Merged m, LoadMerged(paths));
  const std::string all_files = "kubeconfig " + JoinPaths(m.files);

  std::string context_name = opts.context.empty() ? m.current_context : opts.context;
  if (context_name.empty()) {
    return Status::InvalidArgument(all_files + ": current-context is not set and no context was given");
  }
  auto ctx_it = m.contexts.find(context_name);
  if (ctx_it == m.contexts.end()) {
    return Status::NotFound(all_files + ": context \"" + context_name + "\" not found");
  }
  const Entry& ctx = ctx_it->second;
  Fields cf(ctx.file, "contexts[" + context_name + "]");

  RestConfig cfg;
  cfg.context_name = context_name;
  CAPSTAN_ASSIGN_OR_RETURN(std::string cluster_name, cf.String(ctx.body, "cluster"));
  if (cluster_name.empty()) return cf.Error("cluster", "not set");
  auto cluster = m.clusters.find(cluster_name);
  if (cluster == m.clusters.end()) {
    return Status::NotFound(cf.Prefix() + cf.Path("cluster") + ": cluster \"" + cluster_name + "\" not found");
  }
  CAPSTAN_RETURN_IF_ERROR(ApplyCluster(cluster_name, cluster->second, &cfg));

  CAPSTAN_ASSIGN_OR_RETURN(std::string user_name, cf.String(ctx.body, "user"));
  if (!user_name.empty()) {
    auto user = m.users.find(user_name);
    if (user == m.users.end()) {
      return Status::NotFound(cf.Prefix() + cf.Path("user") + ": user \"" + user_name + "\" not found");
    }
    CAPSTAN_RETURN_IF_ERROR(ApplyUser(user_name, user->second, &cfg));
  }

  CAPSTAN_ASSIGN_OR_RETURN(std::string ns, cf.String(ctx.body, "namespace"));
  cfg.default_namespace = !opts.namespace_.empty() ? opts.namespace_ : !ns.empty() ? ns : "default";
  return cfg;
}

Result<RestConfig> LoadInCluster(const InClusterOptions& opts) {
  std::string host = !opts.host.empty() ? opts.host : Env("KUBERNETES_SERVICE_HOST");
  std::string port = !opts.port.empty() ? opts.port : Env("KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    return Status::NotFound(
        "in-cluster config: not running in a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
        "are not set)");
  }
  RestConfig cfg;
  cfg.server = "https://" + JoinHostPort(host, port);
  cfg.context_name = "in-cluster";

  auto provider = std::make_shared<TokenFileProvider>(opts.secrets_dir + "/token");
  auto token = provider->Get();
  if (!token.ok()) return token.status().Annotate("in-cluster config");
  cfg.bearer_token = token->token;
  cfg.credentials = std::move(provider);

  // client-go goes on without the CA when ca.crt cannot be read (TLS then uses the system bundle).
  std::string ca_path = opts.secrets_dir + "/ca.crt";
  if (FileExists(ca_path)) {
    auto ca = ReadFile(ca_path);
    if (!ca.ok()) return ca.status().Annotate("in-cluster config");
    cfg.ca_pem = *std::move(ca);
  }
  std::string ns_path = opts.secrets_dir + "/namespace";
  if (FileExists(ns_path)) {
    auto ns = ReadFile(ns_path);
    if (!ns.ok()) return ns.status().Annotate("in-cluster config");
    std::string trimmed = *ns;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
    if (!trimmed.empty()) cfg.default_namespace = trimmed;
  }
  return cfg;
}

Result<RestConfig> LoadDefault(const KubeconfigOptions& opts) {
  bool named = !opts.paths.empty() || !Env("KUBECONFIG").empty();
  if (!named && !Env("KUBERNETES_SERVICE_HOST").empty()) {
    CAPSTAN_ASSIGN_OR_RETURN(RestConfig cfg, LoadInCluster());
    if (!opts.namespace_.empty()) cfg.default_namespace = opts.namespace_;
    return cfg;
  }
  return LoadKubeconfig(opts);
}

}  // namespace capstan::kube
