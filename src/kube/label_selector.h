// Copyright 2026 The capstan Authors.
//
// Label and field selectors as the API server reads them from ?labelSelector= and ?fieldSelector=
// (k8s.io/apimachinery/pkg/labels and pkg/fields): parsed once, then matched against objects. Used
// where capstan filters objects itself (FakeClient, caches).
//
// Label selector terms, comma-separated: `k=v`, `k==v`, `k!=v` (also true when k is absent), `k`,
// `!k`, `k in (a,b)`, `k notin (a,b)` (also true when k is absent), `k>5`, `k<5` (integer values).
// Field selector terms: `path=v`, `path==v`, `path!=v`, where path is a dotted field path
// ("metadata.name", "status.phase"); a missing field reads as "".
//
// Thread safety: immutable after Parse; Matches is safe to call concurrently.

#ifndef CAPSTAN_KUBE_LABEL_SELECTOR_H_
#define CAPSTAN_KUBE_LABEL_SELECTOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace capstan::kube {

class LabelSelector {
 public:
  // The selector matching everything.
  LabelSelector() = default;

  // Parses |text| ("" matches everything). kInvalidArgument naming the term on a syntax error.
  static base::Result<LabelSelector> Parse(std::string_view text);

  // True when |labels| (metadata.labels: an object of strings, or null/absent) meets every term.
  bool Matches(const base::Json& labels) const;
  // True when |obj|'s metadata.labels match.
  bool MatchesObject(const base::Json& obj) const;

  bool empty() const { return terms_.empty(); }

 private:
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist, kGreaterThan, kLessThan };
  struct Term {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  std::vector<Term> terms_;
};

class FieldSelector {
 public:
  FieldSelector() = default;

  // Parses |text| ("" matches everything). kInvalidArgument on a term without an operator.
  static base::Result<FieldSelector> Parse(std::string_view text);

  // True when every term holds for |obj|.
  bool Matches(const base::Json& obj) const;

  bool empty() const { return terms_.empty(); }

 private:
  struct Term {
    std::vector<std::string> path;
    bool equals;
    std::string value;
  };
  std::vector<Term> terms_;
};

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_LABEL_SELECTOR_H_
