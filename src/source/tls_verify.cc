// Copyright 2026 The capstan Authors.

#include "source/tls_verify.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace capstan::source {

namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using CtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

}  // namespace

base::Status VerifyServerCertificate(std::string_view der, std::string_view host, std::string_view ca_pem) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return base::Status::FailedPrecondition("TLS: the server's certificate cannot be parsed");

  StorePtr store(X509_STORE_new());
  BioPtr bio(BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size())));
  int loaded = 0;
  while (X509* ca = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store.get(), ca);
    X509_free(ca);
    ++loaded;
  }
  ERR_clear_error();
  if (loaded == 0) return base::Status::InvalidArgument("TLS: the trusted CA data holds no PEM certificate");

  X509_VERIFY_PARAM* param = X509_STORE_get0_param(store.get());
  std::string h(host);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, h.c_str()) != 1) {
    X509_VERIFY_PARAM_set1_host(param, h.c_str(), h.size());
  }
  // A self-signed server certificate listed as trusted is accepted, as with curl's --cacert.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);

  CtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr);
  if (X509_verify_cert(ctx.get()) == 1) return base::Status::Ok();
  int err = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  return base::Status::FailedPrecondition("TLS: certificate of " + h + " is not trusted: " +
                                          X509_verify_cert_error_string(err));
}

}  // namespace capstan::source
