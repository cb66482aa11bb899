// Copyright 2026 The capstan Authors.
//
// LuaHealthScript: one user health check (spec §5.3) — a Lua 5.4 script that reads the global `obj`
// (the live object, JSON → Lua tables, arrays 1-based, null → nil) and returns {status=…, message=…}.
// Compiled once (Compile); each Evaluate runs the compiled chunk in a fresh, sandboxed state, so no
// script sees another evaluation's globals:
//   - libraries: base (without dofile, loadfile, load, collectgarbage; print discards its output),
//     string, table, math — no io, os, package/require, debug, coroutine; shims `unpack = table.unpack`
//     and `table.getn` (Lua 5.1 names Argo CD's scripts use, as gopher-lua has them);
//   - memory: a lua_Alloc that refuses to grow the state past LuaLimits::memory_bytes (32 MiB);
//   - CPU: a count hook that stops the script after LuaLimits::instructions VM instructions (50 M).
// Outcomes (never a crash, never a Status): a table whose status is one of the six codes → that
// status and message; nil, no value or an empty table → the *empty* status (HealthCode::kEmpty, the
// quirk of §5.3: a hook with it counts as done, a resource keeps its wave waiting); any other status
// → Unknown "Lua returned an invalid health status"; an error, a limit hit or a non-table result →
// Unknown with the message (e.g. "resource.customizations.health.batch_Job:3: attempt to index a nil
// value (field 'status')").
//
// Thread safety: a LuaHealthScript is immutable after Compile; Evaluate may run on several threads at
// once (each call owns its Lua state).

#ifndef CAPSTAN_HEALTH_LUA_HEALTH_H_
#define CAPSTAN_HEALTH_LUA_HEALTH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/json_fwd.h"
#include "base/result.h"
#include "health/health.h"

namespace capstan::health {

struct LuaLimits {
  size_t memory_bytes = size_t{32} << 20;
  int64_t instructions = 50'000'000;
};

class LuaHealthScript {
 public:
  // Compiles |source| (text only; a precompiled binary chunk is refused). |name| names the script in
  // error messages (the settings key it came from). kInvalidArgument with Lua's syntax error.
  static base::Result<LuaHealthScript> Compile(std::string_view source, std::string name, LuaLimits limits = {});

  // Runs the script on |obj|; see the file comment for the outcomes.
  HealthStatus Evaluate(const base::Json& obj) const;

  const std::string& name() const { return name_; }

 private:
  LuaHealthScript(std::string name, std::string bytecode, LuaLimits limits)
      : name_(std::move(name)), bytecode_(std::move(bytecode)), limits_(limits) {}

  std::string name_;
  std::string bytecode_;  // lua_dump of the compiled chunk
  LuaLimits limits_;
};

}  // namespace capstan::health

#endif  // CAPSTAN_HEALTH_LUA_HEALTH_H_
