// Copyright 2026 The capstan Authors.
//
// Verifying an HTTPS server's certificate against CA certificates the caller trusts (a repository's
// private CA), with OpenSSL. libgit2 1.5 verifies against the system bundle through mbedTLS; when that
// fails, the fetch's certificate-check callback asks this function instead, so a per-repository CA
// needs no process-wide setting (GIT_OPT_SET_SSL_CERT_LOCATIONS is global and would leak between
// repositories fetched concurrently).
//
// Thread safety: pure function.

#ifndef CAPSTAN_SOURCE_TLS_VERIFY_H_
#define CAPSTAN_SOURCE_TLS_VERIFY_H_

#include <string_view>

#include "base/status.h"

namespace capstan::source {

// OK when the DER certificate |der| chains to a certificate of |ca_pem| (PEM, one or more; the server
// certificate itself may be listed), is valid now, and names |host| (DNS name or IP address).
// kFailedPrecondition otherwise, with OpenSSL's reason ("certificate has expired", "unable to get
// local issuer certificate", "hostname mismatch"); kInvalidArgument when |ca_pem| holds no certificate.
base::Status VerifyServerCertificate(std::string_view der, std::string_view host, std::string_view ca_pem);

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_TLS_VERIFY_H_
