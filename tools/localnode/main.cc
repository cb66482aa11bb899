// Copyright 2026 The capstan Authors.
//
// capstan-localnode: the kubelet stand-in of the local cluster (DESIGN §5). Registers one Node, serves
// container logs on the node's kubelet port, and drives the pods bound to it until SIGTERM or SIGINT.
// Exit codes: 0 after a signal, 1 when the log server cannot start, 2 for bad flags or kubeconfig.

#include <CLI/CLI.hpp>
#include <sys/utsname.h>

#include <csignal>
#include <cstdlib>
#include <stop_token>
#include <thread>

#include "base/log.h"
#include "kube/kubeconfig.h"
#include "kube/rest_client.h"
#include "localnode/log_server.h"
#include "localnode/node_agent.h"

namespace {

using capstan::localnode::AgentOptions;
using capstan::localnode::LogServer;
using capstan::localnode::LogServerOptions;
using capstan::localnode::NodeAgent;

std::string KernelVersion() {
  struct utsname u {};
  return ::uname(&u) == 0 ? std::string(u.release) : std::string();
}

// Waits for SIGTERM/SIGINT (blocked in every thread), then stops |source|; if the process has not
// ended 10 s later, it exits anyway.
void WatchSignals(std::stop_source source, sigset_t signals) {
  std::thread([source, signals]() mutable {
    int sig = 0;
    sigwait(&signals, &sig);
    CAPSTAN_LOG_INFO("signal {}: stopping", sig);
    source.request_stop();
    std::this_thread::sleep_for(std::chrono::seconds(10));
    CAPSTAN_LOG_WARN("still stopping after 10 s: exiting");
    std::_Exit(0);
  }).detach();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"capstan-localnode: plays the kubelet for one Node of capstan's local cluster"};
  std::string kubeconfig, cert, key, log_level = "info";
  AgentOptions opts;
  opts.node.name = "local-node";
  opts.node.agent_version = CAPSTAN_VERSION;
  opts.node.kernel_version = KernelVersion();
  double qps = 400;
  int burst = 800;
  int heartbeat_seconds = 10;
  app.add_option("--kubeconfig", kubeconfig, "kubeconfig of the cluster")->required();
  app.add_option("--node-name", opts.node.name, "the Node to register")->capture_default_str();
  app.add_option("--port", opts.node.port, "HTTPS port of the log server (the kubelet port)")->required()
      ->check(CLI::Range(1, 65535));
  app.add_option("--tls-cert", cert, "PEM certificate of the log server")->required();
  app.add_option("--tls-key", key, "PEM private key of the log server")->required();
  app.add_flag("--unschedulable", opts.node.unschedulable,
               "register the Node unschedulable: the scheduler places nothing here, pods naming it run (a second "
               "agent in a shared test cluster must not take other tests' pods)");
  app.add_flag("--exec", opts.exec, "run containers' command+args on this host (else play them from annotations)");
  app.add_option("--pods-capacity", opts.node.pods_capacity, "the node's pods capacity")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--workers", opts.workers, "threads writing pod status")->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--heartbeat-seconds", heartbeat_seconds, "node heartbeat period")->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--kube-api-qps", qps, "client requests per second (<= 0: unlimited)")->capture_default_str();
  app.add_option("--kube-api-burst", burst, "client burst")->capture_default_str();
  app.add_option("--log-level", log_level, "debug|info|warn|error|off")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  opts.heartbeat = std::chrono::seconds(heartbeat_seconds);

  capstan::base::InitLogging(log_level);
  if (log_level == "debug") spdlog::set_level(spdlog::level::debug);

  // Signals are handled by one thread; block them before any other thread exists.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::stop_source stop;
  WatchSignals(stop, signals);

  capstan::kube::KubeconfigOptions kopts;
  kopts.paths = {kubeconfig};
  auto config = capstan::kube::LoadKubeconfig(kopts);
  if (!config.ok()) {
    CAPSTAN_LOG_ERROR("{}", config.status().ToString());
    return 2;
  }
  config->qps = qps;
  config->burst = burst;
  config->max_connections = opts.workers + 8;
  config->user_agent = "capstan-localnode/" CAPSTAN_VERSION;
  auto client = capstan::kube::RestClient::Create(*config);
  if (!client.ok()) {
    CAPSTAN_LOG_ERROR("{}", client.status().ToString());
    return 2;
  }

  NodeAgent agent(**client, opts);
  LogServerOptions lopts;
  lopts.port = opts.node.port;
  lopts.cert_file = cert;
  lopts.key_file = key;
  auto server = LogServer::Start(lopts, [&agent](const std::string& ns, const std::string& pod,
                                                 const std::string& container, bool previous) {
    return agent.ContainerLog(ns, pod, container, previous);
  });
  if (!server.ok()) {
    CAPSTAN_LOG_ERROR("{}", server.status().ToString());
    return 1;
  }
  CAPSTAN_LOG_INFO("node {}: serving logs on https://127.0.0.1:{}{}", opts.node.name, (*server)->port(),
                   opts.exec ? " (--exec: containers run on this host)" : "");

  // The API server may still be starting: keep trying.
  auto delay = std::chrono::milliseconds(200);
  while (!stop.stop_requested()) {
    capstan::base::Status s = agent.RegisterNode();
    if (s.ok()) break;
    CAPSTAN_LOG_WARN("registering node {}: {} (retrying)", opts.node.name, s.ToString());
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
  if (!stop.stop_requested()) {
    CAPSTAN_LOG_INFO("node {} is Ready", opts.node.name);
    agent.Run(stop.get_token());
  }
  (*server)->Stop();
  return 0;
}
