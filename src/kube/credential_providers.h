// Copyright 2026 The capstan Authors.
//
// The CredentialProviders a kubeconfig or a pod's service account can name:
//  - TokenFileProvider: a bearer token kept in a file that is rotated under us (user.tokenFile, the
//    projected service-account token). The file is re-read when it changes; checking costs a stat().
//  - ExecCredentialProvider: a client-go exec credential plugin (user.exec), run without a shell,
//    without stdin, with KUBERNETES_EXEC_INFO describing the request; its ExecCredential answer is
//    cached until status.expirationTimestamp (forever without one) or until Invalidate().
//
// Neither ever puts a credential in a Status: errors name the file or the plugin command, and a
// plugin's stderr tail (its own message) but never its stdout, which holds the token.
//
// Thread safety: both are safe for concurrent use; concurrent Get() calls on an exec provider wait
// for one plugin run rather than starting several.

#ifndef CAPSTAN_KUBE_CREDENTIAL_PROVIDERS_H_
#define CAPSTAN_KUBE_CREDENTIAL_PROVIDERS_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "kube/rest_config.h"

namespace capstan::kube {

// Reads a bearer token from |path|, trimmed of surrounding whitespace (as client-go does), again
// whenever the file's identity, size or mtime changed since the last read or after Invalidate().
class TokenFileProvider : public CredentialProvider {
 public:
  explicit TokenFileProvider(std::string path);

  // The token. kNotFound / kPermissionDenied when the file cannot be read ("token file /x: open:
  // No such file or directory"), kInvalidArgument when it is empty.
  base::Result<Credential> Get() override;
  void Invalidate() override;

 private:
  struct FileStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = -1;
    int64_t mtime_ns = -1;
    bool operator==(const FileStamp&) const = default;
  };

  const std::string path_;
  std::mutex mu_;
  std::optional<FileStamp> stamp_;  // GUARDED_BY(mu_): of the read that filled token_
  std::string token_;               // GUARDED_BY(mu_)
};

// The apiVersions of ExecCredential capstan speaks.
inline constexpr std::string_view kExecApiV1 = "client.authentication.k8s.io/v1";
inline constexpr std::string_view kExecApiV1beta1 = "client.authentication.k8s.io/v1beta1";

struct ExecPluginConfig {
  // The program (a path, or a name looked up in $PATH) and its arguments.
  std::string command;
  std::vector<std::string> args;
  // Added to the plugin's environment, in order.
  std::vector<std::pair<std::string, std::string>> env;
  // kExecApiV1 or kExecApiV1beta1; the plugin must answer with the same.
  std::string api_version = std::string(kExecApiV1);
  // Appended to the "not found" error, as kubectl does.
  std::string install_hint;
  // spec.cluster of KUBERNETES_EXEC_INFO, when the kubeconfig sets provideClusterInfo.
  std::optional<base::Json> cluster;
  // How long one run may take.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  // The clock expiry is checked against; tests substitute their own.
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

class ExecCredentialProvider : public CredentialProvider {
 public:
  explicit ExecCredentialProvider(ExecPluginConfig config);

  // The cached credential while it has not expired; otherwise runs the plugin. Errors (never quoting
  // the plugin's stdout):
  //  kNotFound         the command does not exist: `exec plugin "cmd": executable file not found`,
  //                    then the install hint
  //  kUnauthenticated  it failed: `exec plugin "cmd": exit status 1: <stderr tail>`
  //  kTimeout          it ran past the timeout (its process group is killed)
  //  kInvalidArgument  its stdout is not an ExecCredential of the configured apiVersion with a
  //                    status holding a token or a client certificate and key
  base::Result<Credential> Get() override;
  // Drops the cached credential so the next Get() runs the plugin again (after a 401).
  void Invalidate() override;

  // How many times the plugin has been run.
  int runs_for_testing();

 private:
  base::Result<Credential> Run();  // REQUIRES(mu_)

  const ExecPluginConfig config_;
  std::mutex mu_;
  std::optional<Credential> cached_;                                  // GUARDED_BY(mu_)
  std::optional<std::chrono::system_clock::time_point> expiry_;      // GUARDED_BY(mu_)
  int runs_ = 0;                                                      // GUARDED_BY(mu_)
};

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_CREDENTIAL_PROVIDERS_H_
