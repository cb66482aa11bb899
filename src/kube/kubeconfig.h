// Copyright 2026 The capstan Authors.
//
// Loading a RestConfig the way kubectl does: from kubeconfig files (KUBECONFIG may list several,
// merged by kubectl's rules: for each map entry the first file that defines it wins; current-context
// from the first file that sets it), or from the in-cluster service account.
//
// Supported: contexts; cluster server, certificate-authority / -data, insecure-skip-tls-verify (off
// by default), tls-server-name; user client-certificate / -data, client-key / -data, token,
// tokenFile, username/password, exec credential plugins (client.authentication.k8s.io v1 and
// v1beta1); the context's namespace. Relative paths resolve against the file that names them.
//
// Errors: kInvalidArgument or kNotFound naming the file and the field ("kubeconfig /x/config:
// users[admin].client-key: open /x/k.pem: No such file or directory", "kubeconfig /x/config: context
// \"foo\" not found"). Secret values never appear in messages. No kubeconfig at all: kNotFound "no
// kubeconfig: set KUBECONFIG or create ~/.kube/config". Explicit |paths| must exist; files listed in
// $KUBECONFIG that do not are skipped, as kubectl does.
//
// Credentials that change (tokenFile, exec plugins, the in-cluster token) come as a
// RestConfig::credentials provider (credential_providers.h); exec plugins run without a terminal, so
// interactiveMode: Always is refused.
//
// Thread safety: the functions are thread-compatible; the returned RestConfig is a value.

#ifndef CAPSTAN_KUBE_KUBECONFIG_H_
#define CAPSTAN_KUBE_KUBECONFIG_H_

#include <string>
#include <vector>

#include "base/result.h"
#include "kube/rest_config.h"

namespace capstan::kube {

struct KubeconfigOptions {
  // Files to merge, in priority order. Empty: $KUBECONFIG split on ':', else ~/.kube/config.
  std::vector<std::string> paths;
  std::string context;    // "" = current-context
  std::string namespace_; // "" = the context's namespace, else "default"
};

// Loads the RestConfig of the chosen context.
base::Result<RestConfig> LoadKubeconfig(const KubeconfigOptions& opts = {});

struct InClusterOptions {
  // Where the service account's files are (token, ca.crt, namespace); tests point it elsewhere.
  std::string secrets_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  // Host and port; "" = $KUBERNETES_SERVICE_HOST / $KUBERNETES_SERVICE_PORT.
  std::string host;
  std::string port;
};

// The RestConfig of a pod's service account. kNotFound when not running in a cluster. The token is
// re-read from its file when it changes (projected tokens rotate).
base::Result<RestConfig> LoadInCluster(const InClusterOptions& opts = {});

// In-cluster when $KUBERNETES_SERVICE_HOST is set and no kubeconfig is named, else LoadKubeconfig.
base::Result<RestConfig> LoadDefault(const KubeconfigOptions& opts = {});

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_KUBECONFIG_H_
