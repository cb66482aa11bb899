// Copyright 2026 The capstan Authors.

#include "kube/api_error.h"

#include <memory>

#include "base/json.h"

namespace capstan::kube {

const ApiError* ApiErrorOf(const base::Status& s) { return dynamic_cast<const ApiError*>(s.detail()); }

bool IsGone(const base::Status& s) {
  const ApiError* e = ApiErrorOf(s);
  return e != nullptr && e->code == 410;
}

base::StatusCode CodeForHttp(int http_code, std::string_view reason) {
  using base::StatusCode;
  switch (http_code) {
    case 400: return StatusCode::kInvalidArgument;
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404: return StatusCode::kNotFound;
    case 409: return reason == "AlreadyExists" ? StatusCode::kAlreadyExists : StatusCode::kConflict;
    case 410: return StatusCode::kFailedPrecondition;
    case 415: return StatusCode::kInvalidArgument;
    case 422: return StatusCode::kInvalidArgument;
    case 429: return StatusCode::kUnavailable;
    case 504: return StatusCode::kTimeout;
  }
  if (http_code >= 500) return StatusCode::kUnavailable;
  return StatusCode::kInternal;
}

base::Status StatusFromResponse(int http_code, std::string_view body, std::string_view what) {
  auto err = std::make_shared<ApiError>();
  err->code = http_code;
  base::Json status = base::Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!status.is_discarded() && status.is_object() && base::GetString(status, "kind") == "Status") {
    err->reason = base::GetString(status, "reason");
    err->message = base::GetString(status, "message");
    auto details = status.find("details");
    if (details != status.end() && details->is_object()) {
      auto causes = details->find("causes");
      if (causes != details->end() && causes->is_array()) {
        for (const auto& c : *causes) {
          err->causes.push_back(
              {base::GetString(c, "reason"), base::GetString(c, "message"), base::GetString(c, "field")});
        }
      }
    }
  } else {
    // Not a metav1.Status (a proxy, or a plain-text error): keep a bounded piece of the body.
    err->message = std::string(body.substr(0, 512));
    if (err->message.empty()) err->message = "HTTP " + std::to_string(http_code);
  }
  std::string msg(what);
  if (!msg.empty()) msg += ": ";
  msg += err->message;
  // The server's message for 422 already lists the causes; add only those it left out.
  for (const ApiErrorCause& c : err->causes) {
    if (!c.field.empty() && msg.find(c.field) == std::string::npos) {
      msg += "; " + c.field + ": " + c.message;
    }
  }
  base::StatusCode code = CodeForHttp(http_code, err->reason);
  return base::Status(code, std::move(msg), std::move(err));
}

}  // namespace capstan::kube
