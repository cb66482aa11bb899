// Copyright 2026 The capstan Authors.
//
// ControllerGauges: the gauges of `capstan controller` in base::DefaultMetrics(), read at each scrape
// from the objects that hold the figures — capstan_workqueue_depth{queue="status"|"operation"}
// (Controller::Stats) and capstan_cluster_cache_objects / capstan_cluster_cache_managed_objects /
// capstan_cluster_cache_kinds (ClusterCache::Stats). Registered for the object's lifetime.
//
// Thread safety: construct and destroy on one thread; the callbacks run on the scraping thread.

#ifndef CAPSTAN_CLI_CONTROLLER_GAUGES_H_
#define CAPSTAN_CLI_CONTROLLER_GAUGES_H_

#include "app/controller.h"
#include "cache/cluster_cache.h"

namespace capstan::cli {

class ControllerGauges {
 public:
  // |controller| and |cache| (null when the controller runs without a cache) must outlive this.
  ControllerGauges(const app::Controller& controller, const cache::ClusterCache* cache);
  ~ControllerGauges();
  ControllerGauges(const ControllerGauges&) = delete;
  ControllerGauges& operator=(const ControllerGauges&) = delete;
};

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_CONTROLLER_GAUGES_H_
