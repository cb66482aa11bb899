// Copyright 2026 The capstan Authors.
//
// Helpers shared by FakeClient's source files (fake_client.cc, fake_client_read.cc); not for use
// elsewhere.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_KUBE_FAKE_CLIENT_INTERNAL_H_
#define CAPSTAN_KUBE_FAKE_CLIENT_INTERNAL_H_

#include <string>
#include <string_view>

#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::kube::fake_internal {

// "deployments.apps", "configmaps": how the server names a resource in its messages.
std::string Qualified(const ApiResource& res);
// The Status RestClient builds from the server's metav1.Status answer (with an ApiError).
Status ApiErr(int code, std::string_view reason, std::string_view message, std::string_view what);
// 404 `<resource> "<name>" not found`.
Status NotFoundErr(const ApiResource& res, std::string_view name, std::string_view what);
// "apps/Deployment", "ConfigMap".
std::string GroupKind(const core::Gvk& gvk);
// Appends " <detail>" to |line| when |on|.
void AddDetail(std::string* line, bool on, std::string_view detail);

}  // namespace capstan::kube::fake_internal

#endif  // CAPSTAN_KUBE_FAKE_CLIENT_INTERNAL_H_
