// Copyright 2026 The capstan Authors.

#include "kube/label_selector.h"

#include <cstdlib>

namespace capstan::kube {
namespace {

using base::Json;
using base::Result;
using base::Status;

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

// Splits |text| on commas outside parentheses.
std::vector<std::string_view> SplitTerms(std::string_view text) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && depth == 0)) {
      out.push_back(Trim(text.substr(start, i - start)));
      start = i + 1;
    } else if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    }
  }
  return out;
}

bool ValidKey(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

Status Bad(std::string_view selector, std::string_view term, std::string_view why) {
  return Status::InvalidArgument("invalid selector \"" + std::string(selector) + "\": term \"" + std::string(term) +
                                 "\": " + std::string(why));
}

// The string value of label |key| in |labels|, or nullptr.
const Json* Label(const Json& labels, const std::string& key) {
  if (!labels.is_object()) return nullptr;
  auto it = labels.find(key);
  if (it == labels.end() || !it->is_string()) return nullptr;
  return &*it;
}

}  // namespace

Result<LabelSelector> LabelSelector::Parse(std::string_view text) {
  LabelSelector sel;
  if (Trim(text).empty()) return sel;
  for (std::string_view term : SplitTerms(text)) {
    if (term.empty()) return Bad(text, term, "empty term");
    Term t;
    // Set-based: "k in (a,b)" / "k notin (a,b)".
    size_t paren = term.find('(');
    if (paren != std::string_view::npos) {
      if (term.back() != ')') return Bad(text, term, "missing ')'");
      std::string_view head = Trim(term.substr(0, paren));
      size_t space = head.find_last_of(" \t");
      if (space == std::string_view::npos) return Bad(text, term, "want 'in' or 'notin'");
      std::string_view op = head.substr(space + 1);
      t.key = std::string(Trim(head.substr(0, space)));
      if (op == "in") {
        t.op = Op::kIn;
      } else if (op == "notin") {
        t.op = Op::kNotIn;
      } else {
        return Bad(text, term, "want 'in' or 'notin'");
      }
      std::string_view list = term.substr(paren + 1, term.size() - paren - 2);
      size_t start = 0;
      for (size_t i = 0; i <= list.size(); ++i) {
        if (i == list.size() || list[i] == ',') {
          std::string_view v = Trim(list.substr(start, i - start));
          if (!v.empty()) t.values.emplace_back(v);
          start = i + 1;
        }
      }
      if (t.values.empty()) return Bad(text, term, "empty value list");
    } else if (term.front() == '!') {
      t.op = Op::kDoesNotExist;
      t.key = std::string(Trim(term.substr(1)));
    } else if (size_t pos = term.find_first_of("=!<>"); pos != std::string_view::npos) {
      std::string_view key = Trim(term.substr(0, pos));
      std::string_view rest = term.substr(pos);
      std::string_view value;
      if (rest.substr(0, 2) == "==" || rest.substr(0, 2) == "!=") {
        t.op = rest[0] == '=' ? Op::kEquals : Op::kNotEquals;
        value = rest.substr(2);
      } else if (rest[0] == '=') {
        t.op = Op::kEquals;
        value = rest.substr(1);
      } else if (rest[0] == '>' || rest[0] == '<') {
        t.op = rest[0] == '>' ? Op::kGreaterThan : Op::kLessThan;
        value = rest.substr(1);
        char* end = nullptr;
        std::string v(Trim(value));
        std::strtoll(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0') return Bad(text, term, "want an integer");
      } else {
        return Bad(text, term, "unknown operator");
      }
      t.key = std::string(key);
      t.values.emplace_back(Trim(value));
    } else {
      t.op = Op::kExists;
      t.key = std::string(term);
    }
    if (!ValidKey(t.key)) return Bad(text, term, "invalid label key");
    sel.terms_.push_back(std::move(t));
  }
  return sel;
}

bool LabelSelector::Matches(const Json& labels) const {
  for (const Term& t : terms_) {
    const Json* v = Label(labels, t.key);
    switch (t.op) {
      case Op::kExists:
        if (v == nullptr) return false;
        break;
      case Op::kDoesNotExist:
        if (v != nullptr) return false;
        break;
      case Op::kEquals:
        if (v == nullptr || v->get_ref<const std::string&>() != t.values[0]) return false;
        break;
      case Op::kNotEquals:
        if (v != nullptr && v->get_ref<const std::string&>() == t.values[0]) return false;
        break;
      case Op::kIn:
      case Op::kNotIn: {
        bool found = false;
        if (v != nullptr) {
          for (const std::string& want : t.values) found = found || v->get_ref<const std::string&>() == want;
        }
        if (found != (t.op == Op::kIn)) return false;
        break;
      }
      case Op::kGreaterThan:
      case Op::kLessThan: {
        if (v == nullptr) return false;
        const std::string& s = v->get_ref<const std::string&>();
        char* end = nullptr;
        long long have = std::strtoll(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0') return false;
        long long want = std::strtoll(t.values[0].c_str(), nullptr, 10);
        if (t.op == Op::kGreaterThan ? !(have > want) : !(have < want)) return false;
        break;
      }
    }
  }
  return true;
}

bool LabelSelector::MatchesObject(const Json& obj) const {
  if (terms_.empty()) return true;
  static const Json kNull;
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return Matches(kNull);
  auto labels = md->find("labels");
  return Matches(labels == md->end() ? kNull : *labels);
}

Result<FieldSelector> FieldSelector::Parse(std::string_view text) {
  FieldSelector sel;
  if (Trim(text).empty()) return sel;
  for (std::string_view term : SplitTerms(text)) {
    Term t;
    size_t pos = term.find_first_of("=!");
    if (pos == std::string_view::npos || pos == 0) return Bad(text, term, "want field=value or field!=value");
    std::string_view rest = term.substr(pos);
    std::string_view value;
    if (rest.substr(0, 2) == "==" || rest.substr(0, 2) == "!=") {
      t.equals = rest[0] == '=';
      value = rest.substr(2);
    } else if (rest[0] == '=') {
      t.equals = true;
      value = rest.substr(1);
    } else {
      return Bad(text, term, "want field=value or field!=value");
    }
    std::string_view path = Trim(term.substr(0, pos));
    size_t start = 0;
    for (size_t i = 0; i <= path.size(); ++i) {
      if (i == path.size() || path[i] == '.') {
        if (i == start) return Bad(text, term, "invalid field path");
        t.path.emplace_back(path.substr(start, i - start));
        start = i + 1;
      }
    }
    t.value = std::string(Trim(value));
    sel.terms_.push_back(std::move(t));
  }
  return sel;
}

bool FieldSelector::Matches(const Json& obj) const {
  for (const Term& t : terms_) {
    const Json* cur = &obj;
    for (const std::string& part : t.path) {
      if (cur == nullptr || !cur->is_object()) {
        cur = nullptr;
        break;
      }
      auto it = cur->find(part);
      cur = it == cur->end() ? nullptr : &*it;
    }
    std::string have;
    if (cur != nullptr) {
      if (cur->is_string()) {
        have = cur->get<std::string>();
      } else if (!cur->is_null() && !cur->is_structured()) {
        have = cur->dump();
      }
    }
    if ((have == t.value) != t.equals) return false;
  }
  return true;
}

}  // namespace capstan::kube
