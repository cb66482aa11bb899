// Copyright 2026 The capstan Authors.

#include "kube/credential_providers.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "base/subprocess.h"

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

int ParseDigits(std::string_view s, size_t pos, size_t n, bool* ok) {
  if (pos + n > s.size()) {
    *ok = false;
    return 0;
  }
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      *ok = false;
      return 0;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
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
    auto t = ParseRfc3339(expiration);
    if (!t.ok()) return Status::InvalidArgument(who + ": status.expirationTimestamp: " + t.status().message());
    expiry_ = *t;
  }
  cached_ = cred;
  return cred;
}

// ---- RFC 3339 ----

Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s) {
  auto bad = [&] { return Status::InvalidArgument("invalid RFC 3339 time \"" + std::string(s) + "\""); };
  bool ok = true;
  int year = ParseDigits(s, 0, 4, &ok);
  int month = ParseDigits(s, 5, 2, &ok);
  int day = ParseDigits(s, 8, 2, &ok);
  int hour = ParseDigits(s, 11, 2, &ok);
  int minute = ParseDigits(s, 14, 2, &ok);
  int second = ParseDigits(s, 17, 2, &ok);
  if (!ok || s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':') {
    return bad();
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return bad();
  size_t pos = 19;
  int64_t nanos = 0;
  if (s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100'000'000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      nanos += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad();
  }
  int offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    int oh = ParseDigits(s, pos + 1, 2, &ok);
    int om = ParseDigits(s, pos + 4, 2, &ok);
    if (!ok || s.size() < pos + 6 || s[pos + 3] != ':' || oh > 23 || om > 59) return bad();
    offset_seconds = sign * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  time_t t = timegm(&tm);
  return std::chrono::system_clock::from_time_t(t - offset_seconds) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(nanos));
}

}  // namespace capstan::kube
