// Copyright 2026 The capstan Authors.
//
// Parity: Argo CD util/lua/lua.go (ExecuteHealthLua, runLua): the `obj` global, the returned table,
// "Lua returned an invalid health status", nil → empty status.
//
// Lua is liblua5.4-c++ (Lua built as C++): a Lua error unwinds C++ frames as an exception inside
// lua_pcall, so the JSON → Lua conversion below may allocate freely under the memory cap.

#include "health/lua_health.h"

#include <lua.hpp>

#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>

#include "base/json.h"

namespace capstan::health {
namespace {

constexpr char kInvalidStatus[] = "Lua returned an invalid health status";
constexpr int kHookEvery = 1000;  // instructions between two count-hook calls

// The state's budget: the allocator and the count hook share it through lua_getallocf's ud.
struct Budget {
  size_t used = 0;
  size_t memory_limit = 0;
  int64_t instructions_left = 0;
  int64_t instruction_limit = 0;
  bool memory_exhausted = false;
};

void* CappedAlloc(void* ud, void* ptr, size_t old_size, size_t new_size) {
  auto* b = static_cast<Budget*>(ud);
  if (ptr == nullptr) old_size = 0;  // old_size then holds the object's type, not a size
  if (new_size == 0) {
    b->used -= old_size;
    free(ptr);
    return nullptr;
  }
  if (new_size > old_size && b->used - old_size + new_size > b->memory_limit) {
    b->memory_exhausted = true;
    return nullptr;  // Lua raises "not enough memory"
  }
  void* p = realloc(ptr, new_size);
  if (p != nullptr) b->used = b->used - old_size + new_size;
  return p;
}

void CountHook(lua_State* L, lua_Debug*) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  auto* b = static_cast<Budget*>(ud);
  b->instructions_left -= b->instructions_left > 0 ? kHookEvery : 1;
  if (b->instructions_left <= 0) {
    // From now on every instruction errors, so a pcall around the loop cannot swallow the stop: the
    // first instruction after it returns raises again, outside it.
    lua_sethook(L, CountHook, LUA_MASKCOUNT, 1);
    luaL_error(L, "health script stopped: it ran more than %I instructions (an endless loop?)",
               static_cast<lua_Integer>(b->instruction_limit));
  }
}

struct StateCloser {
  void operator()(lua_State* L) const { lua_close(L); }
};
using StatePtr = std::unique_ptr<lua_State, StateCloser>;

StatePtr NewState(Budget& budget) { return StatePtr(lua_newstate(CappedAlloc, &budget)); }

int DiscardPrint(lua_State*) { return 0; }

int TableGetn(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushinteger(L, luaL_len(L, 1));
  return 1;
}

// Opens base, string, table and math, then removes what reaches outside the state.
int OpenSandbox(lua_State* L) {
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  lua_settop(L, 0);
  for (const char* name : {"dofile", "loadfile", "load", "collectgarbage", "require"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_pushcfunction(L, DiscardPrint);
  lua_setglobal(L, "print");
  lua_getglobal(L, LUA_TABLIBNAME);
  lua_getfield(L, -1, "unpack");
  lua_setglobal(L, "unpack");
  lua_pushcfunction(L, TableGetn);
  lua_setfield(L, -2, "getn");
  lua_pop(L, 1);
  return 0;
}

void PushJson(lua_State* L, const base::Json& v) {
  luaL_checkstack(L, 4, "object nested too deeply");
  switch (v.type()) {
    case base::Json::value_t::object:
      lua_createtable(L, 0, static_cast<int>(v.size()));
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (it->is_null()) continue;  // null → nil: the key is absent
        lua_pushlstring(L, it.key().data(), it.key().size());
        PushJson(L, *it);
        lua_rawset(L, -3);
      }
      return;
    case base::Json::value_t::array: {
      lua_createtable(L, static_cast<int>(v.size()), 0);
      lua_Integer i = 1;
      for (const auto& e : v) {
        if (!e.is_null()) {
          PushJson(L, e);
          lua_rawseti(L, -2, i);
        }
        ++i;
      }
      return;
    }
    case base::Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      return;
    }
    case base::Json::value_t::boolean:
      lua_pushboolean(L, v.get<bool>());
      return;
    case base::Json::value_t::number_integer:
      lua_pushinteger(L, v.get<int64_t>());
      return;
    case base::Json::value_t::number_unsigned:
      lua_pushinteger(L, static_cast<lua_Integer>(v.get<uint64_t>()));
      return;
    case base::Json::value_t::number_float:
      lua_pushnumber(L, v.get<double>());
      return;
    default:
      lua_pushnil(L);
  }
}

// Protected: sets the global obj from the base::Json* light userdata at index 1.
int SetObj(lua_State* L) {
  const auto* obj = static_cast<const base::Json*>(lua_touserdata(L, 1));
  PushJson(L, *obj);
  lua_setglobal(L, "obj");
  return 0;
}

// Protected: dumps the function at index 1 into the std::string* light userdata at index 2.
int DumpWriter(lua_State*, const void* p, size_t size, void* ud) {
  static_cast<std::string*>(ud)->append(static_cast<const char*>(p), size);
  return 0;
}

std::string ErrorText(lua_State* L, const Budget& budget) {
  if (budget.memory_exhausted) {
    return "health script stopped: it used more than " + std::to_string(budget.memory_limit >> 20) +
           " MiB of memory";
  }
  const char* msg = lua_tostring(L, -1);
  return msg != nullptr ? msg : "health script failed (error object is not a string)";
}

HealthStatus StatusFromResult(lua_State* L) {
  if (lua_gettop(L) == 0 || lua_isnil(L, -1)) return {HealthCode::kEmpty, ""};
  if (!lua_istable(L, -1)) {
    return {HealthCode::kUnknown, std::string("health script returned a ") + luaL_typename(L, -1) +
                                      ", expected a table {status=..., message=...}"};
  }
  lua_pushnil(L);
  if (lua_next(L, -2) == 0) return {HealthCode::kEmpty, ""};  // an empty table
  lua_pop(L, 2);
  // Raw reads: no metamethod runs outside a protected call.
  HealthStatus out;
  lua_pushliteral(L, "message");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TSTRING) {
    out.message = lua_tostring(L, -1);
  } else if (!lua_isnil(L, -1)) {
    return {HealthCode::kUnknown, std::string("health script returned a message of type ") + luaL_typename(L, -1)};
  }
  lua_pop(L, 1);
  lua_pushliteral(L, "status");
  lua_rawget(L, -2);
  std::optional<HealthCode> code;
  if (lua_type(L, -1) == LUA_TSTRING) code = ParseHealthCode(lua_tostring(L, -1));
  if (!code) return {HealthCode::kUnknown, kInvalidStatus};
  out.code = *code;
  return out;
}

}  // namespace

base::Result<LuaHealthScript> LuaHealthScript::Compile(std::string_view source, std::string name, LuaLimits limits) {
  Budget budget{.memory_limit = limits.memory_bytes};
  StatePtr L = NewState(budget);
  if (!L) return base::Status::Internal("cannot create a Lua state for " + name);
  std::string chunkname = "=" + name;
  if (luaL_loadbufferx(L.get(), source.data(), source.size(), chunkname.c_str(), "t") != LUA_OK) {
    return base::Status::InvalidArgument(ErrorText(L.get(), budget));
  }
  std::string bytecode;
  if (lua_dump(L.get(), DumpWriter, &bytecode, /*strip=*/0) != 0) {
    return base::Status::Internal("cannot compile health script " + name);
  }
  return LuaHealthScript(std::move(name), std::move(bytecode), limits);
}

HealthStatus LuaHealthScript::Evaluate(const base::Json& obj) const {
  Budget budget{.memory_limit = limits_.memory_bytes,
                .instructions_left = limits_.instructions,
                .instruction_limit = limits_.instructions};
  StatePtr owner = NewState(budget);
  lua_State* L = owner.get();
  if (L == nullptr) return {HealthCode::kUnknown, "cannot create a Lua state for " + name_};
  lua_pushcfunction(L, OpenSandbox);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) return {HealthCode::kUnknown, ErrorText(L, budget)};
  lua_pushcfunction(L, SetObj);
  lua_pushlightuserdata(L, const_cast<base::Json*>(&obj));
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) return {HealthCode::kUnknown, name_ + ": " + ErrorText(L, budget)};
  std::string chunkname = "=" + name_;
  if (luaL_loadbufferx(L, bytecode_.data(), bytecode_.size(), chunkname.c_str(), "b") != LUA_OK) {
    return {HealthCode::kUnknown, ErrorText(L, budget)};
  }
  lua_sethook(L, CountHook, LUA_MASKCOUNT, kHookEvery);
  if (lua_pcall(L, 0, LUA_MULTRET, 0) != LUA_OK) return {HealthCode::kUnknown, ErrorText(L, budget)};
  // The hook stays set: finalizers (__gc) the script left run at lua_close under the same budget.
  return StatusFromResult(L);
}

}  // namespace capstan::health
