// Copyright 2026 The capstan Authors.
//
// Status is the outcome of an operation that could not be done or observed: a small value type, free
// on success, with a closed set of codes (STYLE.md §4.3). Domain outcomes — a failed hook, a Degraded
// resource — are not Statuses; they are values of their own types.
//
// A Status may carry one typed detail (e.g. kube::ApiError with the API server's reason and field
// causes); callers reach it with the owning module's accessor (kube::ApiErrorOf).
//
// Thread safety: a Status is immutable after construction and safe to share across threads.

#ifndef CAPSTAN_BASE_STATUS_H_
#define CAPSTAN_BASE_STATUS_H_

#include <memory>
#include <string>
#include <string_view>

namespace capstan::base {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input: a manifest, an annotation, a flag, a kubeconfig
  kNotFound,            // the object, file or revision does not exist
  kAlreadyExists,       // create of something that is there (HTTP 409 AlreadyExists)
  kConflict,            // write conflict (HTTP 409 Conflict, a stale resourceVersion)
  kUnauthenticated,     // no or bad credentials (HTTP 401, an expired token)
  kPermissionDenied,    // authenticated but not allowed (HTTP 403)
  kUnavailable,         // retryable: connection refused, 5xx, 429
  kTimeout,             // a deadline passed
  kCancelled,           // the caller asked to stop
  kFailedPrecondition,  // the world is not in the state the call needs (410 Gone, immutable field)
  kInternal,            // a bug or an unexpected answer
};

// Returns "InvalidArgument", "NotFound", ... for |code|.
std::string_view StatusCodeName(StatusCode code);

// A typed payload attached to a non-OK Status. Subclasses are immutable.
class StatusDetail {
 public:
  virtual ~StatusDetail() = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::shared_ptr<const StatusDetail> detail = nullptr);

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status Unauthenticated(std::string msg) { return {StatusCode::kUnauthenticated, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Timeout(std::string msg) { return {StatusCode::kTimeout, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) { return {StatusCode::kFailedPrecondition, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const;
  // The message without the code name; empty when OK.
  const std::string& message() const;
  // The detail attached at construction, or nullptr.
  const StatusDetail* detail() const;

  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code() == StatusCode::kAlreadyExists; }
  bool IsConflict() const { return code() == StatusCode::kConflict; }
  bool IsUnavailable() const { return code() == StatusCode::kUnavailable; }
  bool IsInvalidArgument() const { return code() == StatusCode::kInvalidArgument; }

  // Returns a Status with the same code and detail and the message "<context>: <message>", like Go's
  // fmt.Errorf("%s: %w"). OK stays OK.
  Status Annotate(std::string_view context) const;

  // "OK" or "<CodeName>: <message>".
  std::string ToString() const;

 private:
  struct Rep {
    StatusCode code;
    std::string message;
    std::shared_ptr<const StatusDetail> detail;
  };
  std::shared_ptr<const Rep> rep_;  // nullptr means OK
};

}  // namespace capstan::base

// Evaluates |expr| (a Status) and returns it from the calling function when it is not OK.
#define CAPSTAN_RETURN_IF_ERROR(expr)                    \
  do {                                                   \
    ::capstan::base::Status capstan_status_ = (expr);    \
    if (!capstan_status_.ok()) return capstan_status_;   \
  } while (0)

#endif  // CAPSTAN_BASE_STATUS_H_
