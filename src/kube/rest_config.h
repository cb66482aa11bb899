// Copyright 2026 The capstan Authors.
//
// RestConfig: everything needed to reach and authenticate to one API server, resolved from a
// kubeconfig context or from the in-cluster service account (kubeconfig.h). Secrets in it (token,
// key, passwords) are never logged; RestConfig has no ToString on purpose.
//
// Thread safety: a plain value; ExecCredentialProvider (when set) is thread-safe.

#ifndef CAPSTAN_KUBE_REST_CONFIG_H_
#define CAPSTAN_KUBE_REST_CONFIG_H_

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"

namespace capstan::kube {

// Supplies a bearer token or client certificate at request time (exec credential plugins, token
// files that rotate). Implementations cache until expiry and are safe for concurrent calls.
class CredentialProvider {
 public:
  struct Credential {
    std::string token;           // bearer token, or ""
    std::string client_cert_pem;  // or "" (with client_key_pem)
    std::string client_key_pem;
  };
  virtual ~CredentialProvider() = default;
  virtual base::Result<Credential> Get() = 0;
  // Called after a 401 so the next Get() fetches anew.
  virtual void Invalidate() = 0;
};

struct RestConfig {
  std::string server;               // "https://127.0.0.1:6443" (no trailing slash)
  std::string tls_server_name;      // SNI / verification name override, or ""
  bool insecure_skip_tls_verify = false;
  std::string ca_pem;               // CA bundle (PEM), or "" for the system bundle
  std::string client_cert_pem;      // static client certificate, or ""
  std::string client_key_pem;
  std::string bearer_token;         // static token, or ""
  std::string username;             // basic auth, or ""
  std::string password;
  std::shared_ptr<CredentialProvider> credentials;  // exec plugin / token file; overrides the static ones
  std::string default_namespace = "default";         // the context's namespace
  std::string context_name;         // for messages

  // Client behaviour.
  double qps = 100;                 // steady request rate; <= 0 disables the limiter
  int burst = 200;
  int max_connections = 32;         // connection pool size: at most this many requests in flight
  int timeout_seconds = 60;         // per request (watches excepted)
  int connect_timeout_seconds = 10;
  std::string user_agent = "capstan";
};

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_REST_CONFIG_H_
