// Copyright 2026 The capstan Authors.
//
// `capstan app logs NAME [-N NS] [--hook NAME] [--operation N]`: the logs of an Application's hooks,
// kept when each hook finished (app/hook_logs.h), so they outlive the hooks' delete policies. With no
// flags: every hook of the last operation. --hook: that hook only (of the last operation that ran it,
// or of --operation N). Each log comes under a header line
// `==> PreSync batch/Job migrate · pod migrate-x7k2q · container main · Succeeded <==`.
// Exit 1 with a message naming what exists when there are no logs, no such operation or hook.

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/application.h"
#include "app/hook_logs.h"
#include "cli/app_output.h"
#include "cli/cluster_client.h"
#include "cli/commands/commands.h"

namespace capstan::cli {

namespace {

struct LogsFlags {
  std::string name;
  std::string app_namespace = "capstan";
  std::string hook;
  int64_t operation = 0;  // 0: the last one
};

std::string Header(const app::HookLogRecord& h, const app::HookLogEntry& l) {
  std::string kind = h.key.group.empty() ? h.key.kind : h.key.group + "/" + h.key.kind;
  std::string out = "==> " + h.phase + " " + kind + " " + h.key.name;
  if (!l.pod.empty() && !(h.key.group.empty() && h.key.kind == "Pod")) out += " · pod " + l.pod;
  if (!l.container.empty()) out += " · container " + l.container;
  out += " · " + h.hook_phase;
  if (h.attempt > 0) out += " · retry " + std::to_string(h.attempt);
  return out + " <==";
}

void PrintHook(const app::HookLogRecord& h) {
  if (h.logs.empty()) std::cout << Header(h, {}) << "\n(no containers)\n";
  for (const app::HookLogEntry& l : h.logs) {
    std::cout << Header(h, l) << "\n";
    if (!l.note.empty()) std::cout << "(" << l.note << ")\n";
    std::cout << l.text;
    if (!l.text.empty() && l.text.back() != '\n') std::cout << "\n";
  }
}

std::string Numbers(const std::vector<app::OperationHookLogs>& ops) {
  std::string out;
  for (const app::OperationHookLogs& op : ops) out += (out.empty() ? "" : ", ") + std::to_string(op.number);
  return out;
}

std::string HookNames(const app::OperationHookLogs& op) {
  std::string out;
  for (const app::HookLogRecord& h : op.hooks) out += (out.empty() ? "" : ", ") + h.key.name;
  return out;
}

bool HasHook(const app::OperationHookLogs& op, const std::string& name) {
  return std::any_of(op.hooks.begin(), op.hooks.end(), [&](const app::HookLogRecord& h) { return h.key.name == name; });
}

}  // namespace

void RegisterAppLogs(CLI::App& group, ClusterFlags& cluster) {
  auto f = std::make_shared<LogsFlags>();
  auto* cmd = group.add_subcommand("logs", "Show the kept logs of an Application's hooks");
  cmd->add_option("name", f->name, "NAME or NAMESPACE/NAME")->required();
  cmd->add_option("-N,--app-namespace", f->app_namespace, "The Application's namespace")->capture_default_str();
  cmd->add_option("--hook", f->hook, "Only the hook of this name");
  cmd->add_option("--operation", f->operation, "The operation's number (as kept; default: the last)")
      ->check(CLI::PositiveNumber);
  cmd->callback([f, &cluster] {
    auto client = ConnectCluster(cluster);
    if (!client.ok()) return Fail(client.status());
    app::AppRef ref = ParseAppName(f->name, f->app_namespace);
    auto application = (*client)->Get(app::kApplicationGvk, ref.namespace_, ref.name);
    if (!application.ok()) return Fail(application.status().Annotate("Application " + ref.ToString()));
    auto ops = app::ReadHookLogs(**client, ref);
    if (!ops.ok()) return Fail(ops.status());
    if (ops->empty()) return Fail(base::Status::NotFound("Application " + ref.ToString() + " has no hook logs"));

    const app::OperationHookLogs* op = nullptr;
    for (auto it = ops->rbegin(); it != ops->rend(); ++it) {
      if (f->operation ? it->number == f->operation : (f->hook.empty() || HasHook(*it, f->hook))) {
        op = &*it;
        break;
      }
    }
    if (op == nullptr && f->operation) {
      return Fail(base::Status::NotFound("Application " + ref.ToString() + " has no hook logs of operation " +
                                         std::to_string(f->operation) + " (kept: " + Numbers(*ops) + ")"));
    }
    if (op == nullptr || (!f->hook.empty() && !HasHook(*op, f->hook))) {
      const app::OperationHookLogs& shown = op ? *op : ops->back();
      return Fail(base::Status::NotFound("Application " + ref.ToString() + " has no logs of a hook named " + f->hook +
                                         (op ? " in operation " + std::to_string(op->number) : std::string()) +
                                         " (hooks of operation " + std::to_string(shown.number) + ": " +
                                         HookNames(shown) + ")"));
    }
    std::cout << "operation " << op->number << " · started " << op->started_at << " · revision " << op->revision
              << "\n";
    for (const app::HookLogRecord& h : op->hooks) {
      if (f->hook.empty() || h.key.name == f->hook) PrintHook(h);
    }
  });
}

}  // namespace capstan::cli
