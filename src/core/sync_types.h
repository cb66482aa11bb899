// Copyright 2026 The capstan Authors.
//
// The sync vocabulary, with Argo CD's names and serialised strings (spec/argo-sync-semantics.md §1–§3,
// §6.1): phases, hook types, delete policies, result codes, operation phases.
//
// Thread safety: plain values.

#ifndef CAPSTAN_CORE_SYNC_TYPES_H_
#define CAPSTAN_CORE_SYNC_TYPES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capstan::core {

// The phases of a sync operation, in execution order (gitops-engine syncPhaseOrder).
enum class SyncPhase { kPreSync = -1, kSync = 0, kPostSync = 1, kSyncFail = 2 };

// Values of argocd.argoproj.io/hook. kPreDelete/kPostDelete are handled by Application deletion, not
// by the sync engine.
enum class HookType { kPreSync, kSync, kPostSync, kSyncFail, kSkip, kPreDelete, kPostDelete };

enum class HookDeletePolicy { kHookSucceeded, kHookFailed, kBeforeHookCreation };

// Per-task result of a sync (gitops-engine ResultCode).
enum class ResultCode { kSynced, kSyncFailed, kPruned, kPruneSkipped };

// Phase of an operation, and of a hook or task (gitops-engine OperationPhase).
enum class OperationPhase { kRunning, kTerminating, kFailed, kError, kSucceeded };

std::string_view ToString(SyncPhase p);          // "PreSync"
std::string_view ToString(HookType t);           // "PreSync", ..., "Skip", "PreDelete"
std::string_view ToString(HookDeletePolicy p);   // "HookSucceeded"
std::string_view ToString(ResultCode c);         // "Synced", "SyncFailed", "Pruned", "PruneSkipped"
std::string_view ToString(OperationPhase p);     // "Running", ...

// Parsers of the exact, case-sensitive strings above; nullopt for anything else.
std::optional<SyncPhase> ParseSyncPhase(std::string_view s);
std::optional<HookType> ParseHookType(std::string_view s);
std::optional<HookDeletePolicy> ParseHookDeletePolicy(std::string_view s);
std::optional<ResultCode> ParseResultCode(std::string_view s);
std::optional<OperationPhase> ParseOperationPhase(std::string_view s);

// True for Failed, Error and Succeeded.
inline bool IsCompleted(OperationPhase p) {
  return p == OperationPhase::kFailed || p == OperationPhase::kError || p == OperationPhase::kSucceeded;
}

// The commits of a multi-source render, which names them with one string joined by ','
// (source/render/render.h): {"a", "b"} for "a,b"; empty for a single-source revision (no ',').
std::vector<std::string> MultiSourceRevisions(std::string_view revision);

}  // namespace capstan::core

#endif  // CAPSTAN_CORE_SYNC_TYPES_H_
