// Copyright 2026 The capstan Authors.
//
// CachedLiveSource: an app::LiveSource over the controller's cluster cache (cache/cluster_cache.h),
// so a refresh finds an Application's live objects without a LIST. Same contract as ListLive
// (live_state.h): the objects whose tracking annotation names the app's instance, plus any live object
// a target names. Two things are better than ListLive: tracked objects of every kind and namespace are
// found (not only the kinds the app has had), and nothing is listed.
//
// A few objects still come from the API server, one GET each, as Argo CD's controller does:
//  - a target's live object that the cache keeps lean (not tracked by this app yet: the sync adopts it);
//  - a target of a kind the cache does not watch (an excluded kind, or one not listed yet);
//  - a tracked object cached at another apiVersion than its target's (autoscaling/v1 vs v2beta2): it is
//    read at the target's version, so the comparison sees the fields the target's schema has.
//
// Thread safety: thread-compatible; the cache and the client are safe for concurrent use.

#ifndef CAPSTAN_APP_CACHED_LIVE_SOURCE_H_
#define CAPSTAN_APP_CACHED_LIVE_SOURCE_H_

#include <string>
#include <vector>

#include "app/live_state.h"
#include "cache/cluster_cache.h"
#include "kube/client.h"

namespace capstan::app {

class CachedLiveSource : public LiveSource {
 public:
  // |client| and |cache| must outlive this object.
  CachedLiveSource(kube::Client& client, const cache::ClusterCache& cache) : client_(client), cache_(cache) {}

  // |kinds| is not needed (the cache holds every kind) and is ignored. Errors: a GET that fails other
  // than kNotFound, annotated with the object.
  base::Result<std::vector<base::Json>> ListLive(const std::vector<core::Gvk>& kinds, const std::string& instance_name,
                                                 const std::string& destination_namespace,
                                                 const std::vector<base::Json>& targets) override;

 private:
  kube::Client& client_;
  const cache::ClusterCache& cache_;
};

}  // namespace capstan::app

#endif  // CAPSTAN_APP_CACHED_LIVE_SOURCE_H_
