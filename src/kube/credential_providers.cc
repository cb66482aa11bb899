// Copyright 2026 The capstan Authors.

#include "kube/credential_providers.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/subprocess.h"
#include "base/time.h"

namespace capstan::kube {
namespace {

using base::Result;
using base::Status;

std::string Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(kSpace);
  return std::string(s.substr(b, e - b + 1));
}

Status OpenError(const std::string& what, int err) {
  std::string msg = what + ": open: " + std::strerror(err);
  if (err == ENOENT || err == ENOTDIR) return Status::NotFound(std::move(msg));
  if (err == EACCES || err == EPERM) return Status::PermissionDenied(std::move(msg));
  return Status::Internal(std::move(msg));
}

// Reads all of |path|; |what| names it in errors.
Result<std::string> ReadWholeFile(const std::string& path, const std::string& what) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return OpenError(what, errno != 0 ? errno : ENOENT);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Plugin(const std::string& command) { return "exec plugin \"" + command + "\""; }

}  // namespace

// ---- TokenFileProvider ----

TokenFileProvider::TokenFileProvider(std::string path) : path_(std::move(path)) {}

Result<CredentialProvider::Credential> TokenFileProvider::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) {
    int err = errno;
    // A rotation in progress can leave the file briefly missing; keep serving the last token.
    if (stamp_.has_value() && err == ENOENT) return Credential{token_, "", ""};
    return OpenError("token file " + path_, err);
  }
  FileStamp now{st.st_dev, st.st_ino, st.st_size,
                static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  if (!stamp_.has_value() || *stamp_ != now) {
    CAPSTAN_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path_, "token file " + path_));
    std::string token = Trim(text);
    if (token.empty()) return Status::InvalidArgument("token file " + path_ + " is empty");
    token_ = std::move(token);
    stamp_ = now;
  }
  return Credential{token_, "", ""};
}

void TokenFileProvider::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  stamp_.reset();
}

// ---- ExecCredentialProvider ----

ExecCredentialProvider::ExecCredentialProvider(ExecPluginConfig config) : config_(std::move(config)) {}

Result<CredentialProvider::Credential> ExecCredentialProvider::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  // client-go (plugin/pkg/client/auth/exec) uses a cached credential until now is after its expiry.
  if (cached_.has_value() && (!expiry_.has_value() || config_.now() < *expiry_)) return *cached_;
  cached_.reset();
  expiry_.reset();
  return Run();
}

void ExecCredentialProvider::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  cached_.reset();
  expiry_.reset();
}

int ExecCredentialProvider::runs_for_testing() {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_;
}

Result<CredentialProvider::Credential> ExecCredentialProvider::Run() {
  const std::string who = Plugin(config_.command);
  base::Json info = {{"apiVersion", config_.api_version},
                     {"kind", "ExecCredential"},
                     {"spec", {{"interactive", false}}}};
  if (config_.cluster.has_value()) info["spec"]["cluster"] = *config_.cluster;

  base::SubprocessOptions opts;
  opts.argv.push_back(config_.command);
  opts.argv.insert(opts.argv.end(), config_.args.begin(), config_.args.end());
  for (const auto& [k, v] : config_.env) opts.env[k] = v;
  opts.env["KUBERNETES_EXEC_INFO"] = info.dump();
  opts.timeout = config_.timeout;
  opts.max_stdout_bytes = 1u << 20;
  ++runs_;
  auto run = base::RunSubprocess(opts);
  if (!run.ok()) {
    // RunSubprocess names the command as `command "x"`; say what it is to us instead.
    std::string msg = run.status().message();
    const std::string prefix = "command \"" + config_.command + "\": ";
    if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
    msg = who + ": " + msg;
    if (run.status().IsNotFound() && !config_.install_hint.empty()) msg += "\n\n" + config_.install_hint;
    return Status(run.status().code(), std::move(msg));
  }
  if (!run->success()) {
    std::string msg = who + ": " + run->Describe();
    std::string tail = run->StderrTail(1024);
    if (!tail.empty()) msg += ": " + tail;
    return Status::Unauthenticated(std::move(msg));
  }

  base::Json out = base::Json::parse(run->stdout_text, nullptr, /*allow_exceptions=*/false);
  // Never quote the output: it holds the credential.
  if (out.is_discarded() || !out.is_object()) {
    return Status::InvalidArgument(who + ": output is not an ExecCredential (invalid JSON)");
  }
  std::string api_version = base::GetString(out, "apiVersion");
  if (api_version != config_.api_version) {
    return Status::InvalidArgument(who + ": configured for API version " + config_.api_version +
                                   ", plugin returned version \"" + api_version + "\"");
  }
  if (base::GetString(out, "kind") != "ExecCredential") {
    return Status::InvalidArgument(who + ": output has kind \"" + base::GetString(out, "kind") +
                                   "\", want ExecCredential");
  }
  auto status = out.find("status");
  if (status == out.end() || !status->is_object()) {
    return Status::InvalidArgument(who + ": ExecCredential has no status");
  }
  Credential cred;
  cred.token = base::GetString(*status, "token");
  cred.client_cert_pem = base::GetString(*status, "clientCertificateData");
  cred.client_key_pem = base::GetString(*status, "clientKeyData");
  if (cred.client_cert_pem.empty() != cred.client_key_pem.empty()) {
    return Status::InvalidArgument(who + ": ExecCredential status has " +
                                   (cred.client_key_pem.empty() ? "clientCertificateData without clientKeyData"
                                                                : "clientKeyData without clientCertificateData"));
  }
  if (cred.token.empty() && cred.client_cert_pem.empty()) {
    return Status::InvalidArgument(who + ": ExecCredential status has neither token nor clientCertificateData");
  }
  std::string expiration = base::GetString(*status, "expirationTimestamp");
  if (!expiration.empty()) {
    // Microseconds are ample for an expiry (truncation makes it expire at most 1 µs early).
    Result<int64_t> micros = base::ParseRfc3339Micros(expiration);
    if (!micros.ok()) return micros.status().Annotate(who + ": status.expirationTimestamp");
    expiry_ = std::chrono::system_clock::time_point(std::chrono::microseconds(*micros));
  }
  cached_ = cred;
  return cred;
}

}  // namespace capstan::kube
