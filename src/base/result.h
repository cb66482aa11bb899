// Copyright 2026 The capstan Authors.
//
// Result<T> holds either a T or a non-OK Status, shaped like std::expected (swap for it on C++23).
//
// Thread safety: as for T.

#ifndef CAPSTAN_BASE_RESULT_H_
#define CAPSTAN_BASE_RESULT_H_

#include <cassert>
#include <utility>
#include <variant>

#include "base/status.h"

namespace capstan::base {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  // REQUIRES: !status.ok()
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The value, or |fallback| on error.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace capstan::base

#define CAPSTAN_CONCAT_INNER_(a, b) a##b
#define CAPSTAN_CONCAT_(a, b) CAPSTAN_CONCAT_INNER_(a, b)

// CAPSTAN_ASSIGN_OR_RETURN(auto x, Foo()); declares x from Foo()'s value, or returns its Status.
#define CAPSTAN_ASSIGN_OR_RETURN(lhs, expr) \
  CAPSTAN_ASSIGN_OR_RETURN_IMPL_(CAPSTAN_CONCAT_(capstan_result_, __LINE__), lhs, expr)
#define CAPSTAN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()

#endif  // CAPSTAN_BASE_RESULT_H_
