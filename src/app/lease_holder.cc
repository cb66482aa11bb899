// Copyright 2026 The capstan Authors.

#include "app/lease_holder.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <charconv>

namespace capstan::app {

namespace {

std::string HostName() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return host;
}

}  // namespace

std::string LocalHolderIdentity() { return "capstan/" + HostName() + "/" + std::to_string(getpid()); }

bool HolderIsDeadLocalProcess(std::string_view holder) {
  const std::string prefix = "capstan/" + HostName() + "/";
  if (holder.substr(0, prefix.size()) != prefix) return false;
  std::string_view digits = holder.substr(prefix.size());
  long pid = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (ec != std::errc() || end != digits.data() + digits.size() || pid <= 0) return false;
  if (pid == getpid()) return false;
  return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace capstan::app
