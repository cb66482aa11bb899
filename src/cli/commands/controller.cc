// Copyright 2026 The capstan Authors.
//
// `capstan controller`: runs the controller (app/controller.h) against the current kubeconfig's
// cluster until SIGINT or SIGTERM. No flag is needed; the defaults are Argo CD's (Git poll 120 s +
// up to 60 s, self-heal back-off 2 s × 3ⁿ up to 300 s). The live objects of the apps come from a
// cluster-wide cache (cache/), filtered by capstan-cm's resource.inclusions / resource.exclusions;
// its figures are logged with the controller's every minute.

#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "app/cached_live_source.h"
#include "app/controller.h"
#include "app/lease_holder.h"
#include "app/shard.h"
#include "app/settings.h"
#include "base/log.h"
#include "cache/cluster_cache.h"
#include "cache/resource_filter.h"
#include "cli/cluster_client.h"
#include "cli/controller_gauges.h"
#include "cli/commands/commands.h"
#include "cli/commands/health_settings.h"
#include "cli/commands/render_options.h"
#include "cli/metrics_server.h"

namespace capstan::cli {
namespace {

struct ControllerFlags {
  std::string control_plane_namespace = "capstan";
  std::vector<std::string> application_namespaces;
  int status_processors = 4;
  int operation_processors = 10;
  int64_t app_resync_seconds = 120;
  int64_t jitter_seconds = 60;
  int64_t self_heal_timeout_seconds = 0;
  int64_t self_heal_backoff_seconds = 2;
  int64_t self_heal_backoff_factor = 3;
  int64_t self_heal_backoff_cap_seconds = 300;
  std::string cache_dir;
  std::string credentials_file;
  bool no_cache = false;
  int stats_every_seconds = 60;
  std::string metrics_address = "0.0.0.0:8082";
  int replicas = 0;  // static sharding when > 0
  int shard = -1;
  std::string identity;
};

// Blocks SIGINT and SIGTERM in every thread and turns their arrival into a stop request.
std::jthread StopOnSignal(std::stop_source stop) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return std::jthread([set, stop]() mutable {
    int sig = 0;
    sigwait(&set, &sig);
    CAPSTAN_LOG_INFO("signal {}: stopping", sig);
    stop.request_stop();
  });
}

// Ends the process with the exit code recorded so far. Used once the signal thread runs (a return would
// join it, and it waits for a signal) and at the end, where operation workers may still be inside a
// long operation (it resumes with the next controller) rather than unwinding objects they use.
[[noreturn]] void ExitProcess() {
  std::cout.flush();
  std::cerr.flush();
  std::_Exit(ExitCode());
}

// Reports |s| and ends the process (see ExitProcess).
[[noreturn]] void FailAndExit(const base::Status& s) {
  Fail(s);
  ExitProcess();
}

void RunController(const ControllerFlags& f, const ClusterFlags& cluster) {
  auto client = ConnectCluster(cluster);
  if (!client.ok()) return Fail(client.status());
  auto render = RenderOptionsFor({.cache_dir = f.cache_dir, .credentials_file = f.credentials_file,
                                  .control_plane_namespace = f.control_plane_namespace},
                                 client->get());
  if (!render.ok()) return Fail(render.status());
  // Workers render concurrently; the cluster's versions are asked once, under a lock.
  if (render->cluster_versions) {
    auto inner = render->cluster_versions;
    auto mu = std::make_shared<std::mutex>();
    render->cluster_versions = [inner, mu]() {
      std::lock_guard<std::mutex> lock(*mu);
      return inner();
    };
  }

  app::ControllerOptions opts;
  opts.control_plane_namespace = f.control_plane_namespace;
  opts.application_namespaces = f.application_namespaces;
  opts.status_processors = f.status_processors;
  opts.operation_processors = f.operation_processors;
  opts.resync = std::chrono::seconds(f.app_resync_seconds);
  opts.jitter = std::chrono::seconds(f.jitter_seconds);
  opts.self_heal = {.exponential = f.self_heal_backoff_seconds > 0,
                    .duration_seconds = f.self_heal_backoff_seconds,
                    .factor = f.self_heal_backoff_factor,
                    .cap_seconds = f.self_heal_backoff_cap_seconds,
                    .timeout_seconds = f.self_heal_timeout_seconds};
  opts.render = *render;
  opts.health_override = HealthOverrideFor(**client, f.control_plane_namespace);
  opts.stats_every_seconds = f.stats_every_seconds;
  opts.holder = f.identity.empty() ? app::LocalHolderIdentity() : f.identity;
  // The shard decides both what the controller processes and what the cache keeps in full.
  if (f.replicas > 0 && (f.shard < 0 || f.shard >= f.replicas)) {
    return Fail(base::Status::InvalidArgument("--shard must be between 0 and " + std::to_string(f.replicas - 1) +
                                              " with --replicas " + std::to_string(f.replicas)));
  }
  if (f.replicas <= 0 && f.shard >= 0) return Fail(base::Status::InvalidArgument("--shard needs --replicas"));
  auto shard = f.replicas > 0 ? std::make_unique<app::ShardMap>(opts.holder, f.replicas, f.shard)
                              : std::make_unique<app::ShardMap>(opts.holder);
  opts.shard = shard.get();

  // Checked before the signal thread starts (a return after it would wait for a signal).
  if (!f.metrics_address.empty()) {
    if (auto parsed = ParseListenAddress(f.metrics_address); !parsed.ok()) return Fail(parsed.status());
  }
  std::stop_source stop;
  std::jthread signals = StopOnSignal(stop);
  // /metrics and /healthz (cli/metrics_server.h): healthy while the controller's loop runs. Its
  // threads start after StopOnSignal, so they too leave SIGINT and SIGTERM to it.
  std::atomic<bool> running{false};
  MetricsServer endpoint([&running] { return running ? std::string() : std::string("the controller is not running"); });
  (void)endpoint.Serve(f.metrics_address);  // a malformed address was refused above

  std::unique_ptr<cache::ClusterCache> live_cache;
  std::unique_ptr<app::CachedLiveSource> live;
  if (!f.no_cache) {
    auto settings = app::LoadSettings(**client, f.control_plane_namespace);
    std::optional<std::string> inclusions, exclusions;
    if (settings.ok()) {
      inclusions = settings->Get("resource.inclusions");
      exclusions = settings->Get("resource.exclusions");
    }
    auto filter = cache::ResourceFilter::FromSettings(inclusions, exclusions);
    if (!filter.ok()) FailAndExit(filter.status());
    cache::CacheOptions copts{.filter = *filter};
    copts.keep_full = [shard = shard.get(), ns = f.control_plane_namespace](const std::string& instance) {
      return shard->Owns(app::AppKeyOfInstance(instance, ns));
    };
    live_cache = std::make_unique<cache::ClusterCache>(**client, std::move(copts));
    auto started = std::chrono::steady_clock::now();
    base::Status s = live_cache->Start();
    if (!s.ok()) FailAndExit(s.Annotate("starting the cluster cache"));
    cache::CacheStats cs = live_cache->Stats();
    CAPSTAN_LOG_INFO("cluster cache ready in {} ms: {} kinds, {} objects ({} managed), ~{} KiB",
                     std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                         .count(),
                     cs.kinds, cs.objects, cs.managed_objects, cs.approx_bytes / 1024);
    live = std::make_unique<app::CachedLiveSource>(**client, *live_cache);
    opts.live = live.get();
    opts.on_shard_change = [cache = live_cache.get()]() {
      if (base::Status s = cache->Reshard(); !s.ok()) CAPSTAN_LOG_WARN("{}", s.ToString());
      cache::CacheStats cs = cache->Stats();
      CAPSTAN_LOG_INFO("cluster cache: {} of {} managed objects kept in full (this shard's)", cs.full_objects,
                       cs.managed_objects);
    };
  }

  app::Controller controller(**client, std::move(opts));
  if (live_cache) {
    live_cache->OnManagedChange([&controller](const std::string& instance, const core::ResourceKey&) {
      // A burst of changes (a sync, a rollout) becomes one refresh a second later.
      controller.RequestRefresh(controller.KeyOfInstance(instance), std::chrono::milliseconds(1000));
    });
  }
  ControllerGauges gauges(controller, live_cache.get());
  running = true;
  base::Status s = controller.Run(stop.get_token());
  running = false;
  if (!s.ok()) FailAndExit(s);
  if (live_cache) {
    cache::CacheStats cs = live_cache->Stats();
    CAPSTAN_LOG_INFO("cluster cache at exit: {} kinds, {} objects ({} managed), ~{} KiB, {} relists",
                     cs.kinds, cs.objects, cs.managed_objects, cs.approx_bytes / 1024, cs.relists);
  }
  ExitProcess();
}

}  // namespace

void RegisterController(CLI::App& app, ClusterFlags& cluster) {
  auto f = std::make_shared<ControllerFlags>();
  auto* cmd = app.add_subcommand("controller", "Keep the cluster equal to Git: refresh, auto-sync, self-heal, "
                                               "run requested operations and deletions");
  cmd->add_option("-n,--namespace", f->control_plane_namespace, "The control-plane namespace")->capture_default_str();
  cmd->add_option("--application-namespaces", f->application_namespaces,
                  "Also process Applications in these namespaces (globs or /regex/; comma-separated)")
      ->delimiter(',');
  cmd->add_option("--status-processors", f->status_processors, "Workers refreshing Applications")->capture_default_str();
  cmd->add_option("--operation-processors", f->operation_processors, "Workers running operations and deletions")
      ->capture_default_str();
  cmd->add_option("--app-resync", f->app_resync_seconds,
                  "Seconds between Git polls of an app (capstan-cm timeout.reconciliation overrides; 0: off)")
      ->capture_default_str();
  cmd->add_option("--app-resync-jitter", f->jitter_seconds, "Up to this many seconds added to each poll")
      ->capture_default_str();
  cmd->add_option("--self-heal-timeout-seconds", f->self_heal_timeout_seconds,
                  "Fixed wait before a self-heal when the back-off is off")
      ->capture_default_str();
  cmd->add_option("--self-heal-backoff-timeout-seconds", f->self_heal_backoff_seconds,
                  "The first self-heal back-off (0: no back-off, use --self-heal-timeout-seconds)")
      ->capture_default_str();
  cmd->add_option("--self-heal-backoff-factor", f->self_heal_backoff_factor, "Self-heal back-off factor")
      ->capture_default_str();
  cmd->add_option("--self-heal-backoff-cap-seconds", f->self_heal_backoff_cap_seconds, "Longest self-heal back-off")
      ->capture_default_str();
  cmd->add_option("--cache-dir", f->cache_dir, "Repository cache (default ~/.cache/capstan/repos)");
  cmd->add_option("--credentials", f->credentials_file, "Repository credentials file");
  cmd->add_flag("--no-cache", f->no_cache, "List live objects from the API server at each refresh instead of caching");
  cmd->add_option("--replicas", f->replicas,
                  "Static sharding: the number of controller replicas (0: replicas find one another through "
                  "member Leases and share the apps, moving a dead one's within 20 s)")
      ->capture_default_str();
  cmd->add_option("--shard", f->shard, "Static sharding: this replica's shard, 0 to --replicas - 1");
  cmd->add_option("--identity", f->identity,
                  "This replica's identity in Leases (default capstan/<hostname>/<pid>; a Pod's hostname is its name)");
  cmd->add_option("--metrics-address", f->metrics_address,
                  "Serve /metrics and /healthz on host:port (port 0: any free port; \"\": off)")
      ->capture_default_str();
  cmd->add_option("--stats-every", f->stats_every_seconds, "Seconds between stats lines in the log (0: none)")
      ->capture_default_str();
  cmd->callback([f, cmd, &cluster] {
    // A controller logs what it does: info unless --log-level says otherwise.
    if (cmd->get_parent()->count("--log-level") == 0) base::InitLogging("info");
    RunController(*f, cluster);
  });
}

}  // namespace capstan::cli
