// Copyright 2026 The capstan Authors.
//
// PodStore: the node agent's view of the pods bound to its node, fed by the list+watch and by the
// objects the API server returns from the agent's own writes. A version only replaces a newer one
// never: an event that was already in flight when the agent wrote must not roll the pod back (a
// stale Pending would start it a second time).
//
// Thread safety: all methods are safe to call from any thread.

#ifndef CAPSTAN_LOCALNODE_POD_STORE_H_
#define CAPSTAN_LOCALNODE_POD_STORE_H_

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/json.h"

namespace capstan::localnode {

class PodStore {
 public:
  // "namespace/name" of |pod|.
  static std::string KeyOf(const base::Json& pod);

  // Stores |pod| unless the stored one is newer (a higher resourceVersion); true when stored.
  bool Update(const base::Json& pod);
  // Removes |key| when the stored pod has |uid| (any uid when |uid| is empty); true when removed.
  bool Remove(const std::string& key, const std::string& uid);
  // A copy of the stored pod.
  std::optional<base::Json> Get(const std::string& key) const;
  std::vector<std::string> Keys() const;
  size_t size() const;
  // Drops every pod whose key is not in |keep| (after a relist) and returns their (key, uid).
  std::vector<std::pair<std::string, std::string>> RetainOnly(const std::set<std::string>& keep);

 private:
  mutable std::mutex mu_;
  std::map<std::string, base::Json> pods_;
};

// True when resourceVersion |a| is newer than |b| (both decimal, as etcd's are); an unparseable
// version counts as newer, so it is never ignored.
bool NewerVersion(const std::string& a, const std::string& b);

}  // namespace capstan::localnode

#endif  // CAPSTAN_LOCALNODE_POD_STORE_H_
