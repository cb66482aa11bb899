// Copyright 2026 The capstan Authors.
//
// ApiError: what the API server said when it refused a request — its metav1.Status (code, reason,
// message, details.causes) — attached to the base::Status that RestClient returns.
//
// Thread safety: immutable values.

#ifndef CAPSTAN_KUBE_API_ERROR_H_
#define CAPSTAN_KUBE_API_ERROR_H_

#include <string>
#include <vector>

#include "base/json_fwd.h"
#include "base/status.h"

namespace capstan::kube {

struct ApiErrorCause {
  std::string reason;   // "FieldValueInvalid"
  std::string message;  // "Invalid value: ..."
  std::string field;    // "spec.containers[0].image"
};

struct ApiError : base::StatusDetail {
  int code = 0;          // HTTP status
  std::string reason;    // metav1.Status reason: "NotFound", "AlreadyExists", "Invalid", "Gone", ...
  std::string message;   // the server's message, verbatim
  std::vector<ApiErrorCause> causes;
};

// The ApiError attached to |s|, or nullptr (a transport error, or OK).
const ApiError* ApiErrorOf(const base::Status& s);

// True when |s| is the server's 410 Gone (resourceVersion too old): a watch must relist.
bool IsGone(const base::Status& s);

// Builds the Status for an HTTP error answer. |what| names the request's object, e.g.
// "apps/Deployment ns/web"; |body| is the response body (a metav1.Status when the server sent one).
// The message is "<what>: <server message>" followed by each field cause.
base::Status StatusFromResponse(int http_code, std::string_view body, std::string_view what);

// The StatusCode capstan uses for HTTP |http_code| with metav1.Status |reason|.
base::StatusCode CodeForHttp(int http_code, std::string_view reason);

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_API_ERROR_H_
