// Copyright 2026 The capstan Authors.

#include "diff/managed_fields.h"

#include <optional>

namespace capstan::diff {

namespace {

// Where a fieldsV1 key leads inside a node: an object member or an array item.
struct Child {
  base::Json* value = nullptr;
  std::string member;  // for an object
  size_t index = 0;    // for an array
};

// Does |item| match list key |key| (a map of field → value)? |lenient|: a field the item lacks
// matches too (a target leaves server-defaulted key fields out, e.g. a port's protocol), as long
// as one field matches.
bool KeyMatches(const base::Json& key, const base::Json& item, bool lenient) {
  if (!key.is_object() || !item.is_object()) return false;
  int matched = 0;
  for (auto it = key.begin(); it != key.end(); ++it) {
    auto f = item.find(it.key());
    if (f == item.end()) {
      if (!lenient) return false;
      continue;
    }
    if (*f != it.value()) return false;
    ++matched;
  }
  return matched > 0;
}

std::optional<Child> Resolve(base::Json& node, const std::string& fkey, bool lenient) {
  if (fkey.size() < 2 || fkey[1] != ':') return std::nullopt;
  char type = fkey[0];
  std::string rest = fkey.substr(2);
  if (type == 'f') {
    if (!node.is_object()) return std::nullopt;
    auto it = node.find(rest);
    if (it == node.end() || it->is_null()) return std::nullopt;
    return Child{&*it, rest, 0};
  }
  if (!node.is_array()) return std::nullopt;
  if (type == 'i') {
    size_t i = std::strtoul(rest.c_str(), nullptr, 10);
    if (i >= node.size()) return std::nullopt;
    return Child{&node[i], "", i};
  }
  base::Json key = base::Json::parse(rest, nullptr, /*allow_exceptions=*/false);
  if (key.is_discarded()) return std::nullopt;
  for (size_t i = 0; i < node.size(); ++i) {
    bool hit = type == 'k' ? KeyMatches(key, node[i], lenient) : type == 'v' && node[i] == key;
    if (hit) return Child{&node[i], "", i};
  }
  return std::nullopt;
}

void Erase(base::Json& node, const Child& c) {
  if (node.is_object()) {
    node.erase(c.member);
  } else if (node.is_array()) {
    node.erase(c.index);
  }
}

// A node of a fieldsV1 tree has children beyond ".".
bool HasChildren(const base::Json& fields) {
  if (!fields.is_object()) return false;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it.key() != ".") return true;
  }
  return false;
}

void MergeFields(base::Json& into, const base::Json& from) {
  if (!from.is_object()) return;
  for (auto it = from.begin(); it != from.end(); ++it) {
    base::Json& slot = into[it.key()];
    if (slot.is_null()) slot = base::Json::object();
    MergeFields(slot, it.value());
  }
}

const base::Json* Sub(const base::Json* fields, const std::string& key) {
  if (!fields || !fields->is_object()) return nullptr;
  auto it = fields->find(key);
  return it == fields->end() ? nullptr : &*it;
}

}  // namespace

base::Json OwnedFields(const base::Json& live, const std::function<bool(std::string_view)>& select) {
  base::Json out = base::Json::object();
  const base::Json* entries = nullptr;
  if (auto md = live.find("metadata"); md != live.end() && md->is_object()) {
    if (auto mf = md->find("managedFields"); mf != md->end() && mf->is_array()) entries = &*mf;
  }
  if (!entries) return out;
  for (const base::Json& e : *entries) {
    if (!select(base::GetString(e, "manager"))) continue;
    if (auto f = e.find("fieldsV1"); f != e.end()) MergeFields(out, *f);
  }
  return out;
}

void DropUnsetOwnedFields(const base::Json& owned, const base::Json& others, const base::Json& target,
                          base::Json& predicted) {
  if (!owned.is_object()) return;
  for (auto it = owned.begin(); it != owned.end(); ++it) {
    if (it.key() == ".") continue;
    std::optional<Child> p = Resolve(predicted, it.key(), /*lenient=*/false);
    if (!p) continue;
    // Resolve only reads: the const_cast lends |target| to it without copying.
    std::optional<Child> t = Resolve(const_cast<base::Json&>(target), it.key(), /*lenient=*/true);
    const base::Json* other = Sub(&others, it.key());
    if (!t && !other) {
      Erase(predicted, *p);
      continue;
    }
    if (HasChildren(it.value())) {
      DropUnsetOwnedFields(it.value(), other ? *other : base::Json::object(), t ? *t->value : base::Json(), *p->value);
    }
  }
}

void RevertUnownedFields(const base::Json& owned, const base::Json& live, base::Json& predicted) {
  if (predicted.is_object()) {
    std::vector<std::string> keys;
    for (auto it = predicted.begin(); it != predicted.end(); ++it) keys.push_back(it.key());
    if (live.is_object()) {
      for (auto it = live.begin(); it != live.end(); ++it) {
        if (!predicted.contains(it.key())) keys.push_back(it.key());
      }
    }
    for (const std::string& key : keys) {
      const base::Json* sub = Sub(&owned, "f:" + key);
      const base::Json* from = live.is_object() && live.contains(key) ? &live[key] : nullptr;
      if (!sub) {
        if (from) {
          predicted[key] = *from;
        } else {
          predicted.erase(key);
        }
      } else if (HasChildren(*sub) && predicted.contains(key)) {
        RevertUnownedFields(*sub, from ? *from : base::Json(), predicted[key]);
      }
    }
    return;
  }
  if (!predicted.is_array() || !owned.is_object()) return;
  for (auto it = owned.begin(); it != owned.end(); ++it) {
    if (it.key() == "." || !HasChildren(it.value())) continue;
    std::optional<Child> p = Resolve(predicted, it.key(), /*lenient=*/false);
    if (!p) continue;
    std::optional<Child> l = Resolve(const_cast<base::Json&>(live), it.key(), /*lenient=*/false);
    RevertUnownedFields(it.value(), l ? *l->value : base::Json(), *p->value);
  }
}

void RemoveConflictingFields(const base::Json& owned, base::Json& target, base::Json& live) {
  if (!owned.is_object()) return;
  for (auto it = owned.begin(); it != owned.end(); ++it) {
    if (it.key() == ".") continue;
    std::optional<Child> t = Resolve(target, it.key(), /*lenient=*/true);
    std::optional<Child> l = Resolve(live, it.key(), /*lenient=*/false);
    if (!t || !l || *t->value == *l->value) continue;
    if (HasChildren(it.value())) {
      RemoveConflictingFields(it.value(), *t->value, *l->value);
    } else {
      Erase(target, *t);
      Erase(live, *l);
    }
  }
}

}  // namespace capstan::diff
