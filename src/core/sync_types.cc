// Copyright 2026 The capstan Authors.

#include "core/sync_types.h"

#include <array>
#include <utility>

namespace capstan::core {
namespace {

template <typename E, size_t N>
std::optional<E> Lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
  for (const auto& [e, name] : table) {
    if (name == s) return e;
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view Name(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [v, name] : table) {
    if (v == e) return name;
  }
  return "Unknown";
}

constexpr std::array<std::pair<SyncPhase, std::string_view>, 4> kPhases{{
    {SyncPhase::kPreSync, "PreSync"},
    {SyncPhase::kSync, "Sync"},
    {SyncPhase::kPostSync, "PostSync"},
    {SyncPhase::kSyncFail, "SyncFail"},
}};
constexpr std::array<std::pair<HookType, std::string_view>, 7> kHookTypes{{
    {HookType::kPreSync, "PreSync"},
    {HookType::kSync, "Sync"},
    {HookType::kPostSync, "PostSync"},
    {HookType::kSyncFail, "SyncFail"},
    {HookType::kSkip, "Skip"},
    {HookType::kPreDelete, "PreDelete"},
    {HookType::kPostDelete, "PostDelete"},
}};
constexpr std::array<std::pair<HookDeletePolicy, std::string_view>, 3> kPolicies{{
    {HookDeletePolicy::kHookSucceeded, "HookSucceeded"},
    {HookDeletePolicy::kHookFailed, "HookFailed"},
    {HookDeletePolicy::kBeforeHookCreation, "BeforeHookCreation"},
}};
constexpr std::array<std::pair<ResultCode, std::string_view>, 4> kResults{{
    {ResultCode::kSynced, "Synced"},
    {ResultCode::kSyncFailed, "SyncFailed"},
    {ResultCode::kPruned, "Pruned"},
    {ResultCode::kPruneSkipped, "PruneSkipped"},
}};
constexpr std::array<std::pair<OperationPhase, std::string_view>, 5> kOpPhases{{
    {OperationPhase::kRunning, "Running"},
    {OperationPhase::kTerminating, "Terminating"},
    {OperationPhase::kFailed, "Failed"},
    {OperationPhase::kError, "Error"},
    {OperationPhase::kSucceeded, "Succeeded"},
}};

}  // namespace

std::string_view ToString(SyncPhase p) { return Name(kPhases, p); }
std::string_view ToString(HookType t) { return Name(kHookTypes, t); }
std::string_view ToString(HookDeletePolicy p) { return Name(kPolicies, p); }
std::string_view ToString(ResultCode c) { return Name(kResults, c); }
std::string_view ToString(OperationPhase p) { return Name(kOpPhases, p); }

std::optional<SyncPhase> ParseSyncPhase(std::string_view s) { return Lookup(kPhases, s); }
std::optional<HookType> ParseHookType(std::string_view s) { return Lookup(kHookTypes, s); }
std::optional<HookDeletePolicy> ParseHookDeletePolicy(std::string_view s) { return Lookup(kPolicies, s); }
std::optional<ResultCode> ParseResultCode(std::string_view s) { return Lookup(kResults, s); }
std::optional<OperationPhase> ParseOperationPhase(std::string_view s) { return Lookup(kOpPhases, s); }

std::vector<std::string> MultiSourceRevisions(std::string_view revision) {
  std::vector<std::string> out;
  if (revision.find(',') == std::string_view::npos) return out;
  size_t start = 0;
  while (true) {
    size_t comma = revision.find(',', start);
    out.emplace_back(revision.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace capstan::core
