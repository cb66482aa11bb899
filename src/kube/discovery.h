// Copyright 2026 The capstan Authors.
//
// Discovery: which REST resource serves a kind. Answers come from the API server's resource lists
// (GET /api/v1, /apis/<group>/<version>), fetched once per group-version and cached. A kind missing
// from a cached list makes Resolve fetch that group-version again, once (a CRD may just have become
// Established); Invalidate forgets everything. Subresources ("pods/log", "deployments/status") are not
// kinds and are skipped.
//
// Thread safety: safe for concurrent use; two threads missing the same group-version at once may
// both fetch it.

#ifndef CAPSTAN_KUBE_DISCOVERY_H_
#define CAPSTAN_KUBE_DISCOVERY_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "core/gvk.h"
#include "kube/client.h"

namespace capstan::kube {

class Discovery {
 public:
  // Fetches the APIResourceList of one group-version ("v1", "apps/v1"). It returns kNotFound when the
  // server does not serve that group-version, other codes for other failures.
  using FetchFn = std::function<base::Result<base::Json>(const std::string& group_version)>;

  explicit Discovery(FetchFn fetch);

  // The resource serving |gvk|. kNotFound naming the kind when the server does not serve it (neither
  // the group-version nor, after one refetch, the kind); the fetch's error otherwise.
  base::Result<ApiResource> Resolve(const core::Gvk& gvk);

  // Forgets every cached group-version.
  void Invalidate();

  // How many fetches were made (for tests).
  int fetches() const;

  // The kinds of an APIResourceList, subresources left out. kInternal when it is not one.
  static base::Result<std::vector<ApiResource>> ParseResourceList(const base::Json& list);

 private:
  using KindMap = std::map<std::string, ApiResource>;  // by kind
  // Fetches and caches |group_version|; returns the new map.
  base::Result<std::shared_ptr<const KindMap>> Refresh(const std::string& group_version);

  FetchFn fetch_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const KindMap>> cache_;  // by group-version (guarded by mu_)
  int fetches_ = 0;                                              // guarded by mu_
};

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_DISCOVERY_H_
