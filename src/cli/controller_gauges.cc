// Copyright 2026 The capstan Authors.

#include "cli/controller_gauges.h"

#include "base/metrics.h"

namespace capstan::cli {
namespace {

constexpr const char* kQueueDepth = "capstan_workqueue_depth";
constexpr const char* kCacheObjects = "capstan_cluster_cache_objects";
constexpr const char* kCacheManaged = "capstan_cluster_cache_managed_objects";
constexpr const char* kCacheKinds = "capstan_cluster_cache_kinds";

}  // namespace

ControllerGauges::ControllerGauges(const app::Controller& controller, const cache::ClusterCache* cache) {
  base::Metrics& m = base::DefaultMetrics();
  m.SetGauge(kQueueDepth, "Applications waiting in the controller's work queues.", {"queue"}, [&controller] {
    app::ControllerStats s = controller.Stats();
    return std::vector<base::GaugeSample>{{{"operation"}, static_cast<double>(s.operation_waiting)},
                                          {{"status"}, static_cast<double>(s.status_waiting)}};
  });
  if (cache == nullptr) return;
  m.SetGauge(kCacheObjects, "Objects in the cluster cache.",
             [cache] { return static_cast<double>(cache->Stats().objects); });
  m.SetGauge(kCacheManaged, "Objects in the cluster cache whose tracking annotation names an app.",
             [cache] { return static_cast<double>(cache->Stats().managed_objects); });
  m.SetGauge(kCacheKinds, "Kinds the cluster cache watches.",
             [cache] { return static_cast<double>(cache->Stats().kinds); });
}

ControllerGauges::~ControllerGauges() {
  for (const char* name : {kQueueDepth, kCacheObjects, kCacheManaged, kCacheKinds}) {
    base::DefaultMetrics().RemoveGauge(name);
  }
}

}  // namespace capstan::cli
