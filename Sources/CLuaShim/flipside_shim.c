#include "flipside_shim.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lualib.h>

static flipside_dispatch_fn dispatcher = NULL;
static const char traceback_key = 0;

/* Every VM sets the same dispatcher, possibly from several threads at once. */
void flipside_set_dispatcher(flipside_dispatch_fn fn) { __atomic_store_n(&dispatcher, fn, __ATOMIC_RELEASE); }

/* Like luaL_argerror, but falls back to the function's registered name
   (on top, above [arg, message]) when Lua cannot name the callee. */
static int argument_error(lua_State *L) {
    int arg = (int)lua_tointeger(L, -3);
    const char *message = lua_tostring(L, -2);
    const char *name = lua_tostring(L, -1);
    lua_Debug ar;
    if (lua_getstack(L, 0, &ar)) {
        lua_getinfo(L, "n", &ar);
        if (ar.namewhat != NULL && strcmp(ar.namewhat, "method") == 0) {
            arg--;
            if (arg == 0)
                return luaL_error(L, "calling '%s' on bad self (%s)", ar.name ? ar.name : name, message);
        }
        if (ar.name != NULL) name = ar.name;
    }
    return luaL_error(L, "bad argument #%d to '%s' (%s)", arg, name, message);
}

static int trampoline(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, lua_upvalueindex(1));
    flipside_dispatch_fn dispatch = __atomic_load_n(&dispatcher, __ATOMIC_ACQUIRE);
    if (dispatch == NULL || slot == NULL || *slot == NULL)
        return luaL_error(L, "flipside: native function is no longer available");
    int n = dispatch(L, *slot);
    if (n >= 0) return n;
    /* The Swift frame has returned: raising now jumps over C only. */
    switch (n) {
    case FLIPSIDE_RAISE_MESSAGE:
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    case FLIPSIDE_RAISE_ARGUMENT:
        return argument_error(L);
    default:
        return lua_error(L);
    }
}

void flipside_push_trampoline(lua_State *L) { lua_pushcclosure(L, trampoline, 1); }

flipside_state_info *flipside_info(lua_State *L) {
    return *(flipside_state_info **)lua_getextraspace(L);
}

lua_State *flipside_newstate(void) {
    lua_State *L = luaL_newstate();
    if (L == NULL) return NULL;
    flipside_state_info *info = calloc(1, sizeof *info);
    if (info == NULL) { lua_close(L); return NULL; }
    *(flipside_state_info **)lua_getextraspace(L) = info;
    return L;
}

void flipside_close(lua_State *L) {
    flipside_state_info *info = flipside_info(L);
    lua_sethook(L, NULL, 0, 0);
    lua_close(L);
    free(info);
}

double flipside_monotonic_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Once fired, the hook runs on every line and instruction so that a script
   cannot swallow the stop with pcall. */
static void limit_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    flipside_state_info *info = flipside_info(L);
    if (!info->fired) {
        int over = info->deadline > 0 && flipside_monotonic_seconds() >= info->deadline;
        if (!info->cancel && !over) return;
        info->fired = 1;
        lua_sethook(L, limit_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
    }
    if (info->cancel) luaL_error(L, "interrupted");
    luaL_error(L, "time limit of %f s exceeded", (lua_Number)info->limit);
}

static void arm(lua_State *L) {
    flipside_state_info *info = flipside_info(L);
    if (info->deadline > 0 || info->cancel)
        lua_sethook(L, limit_hook, LUA_MASKCOUNT, 10000);
    else
        lua_sethook(L, NULL, 0, 0);
}

void flipside_set_time_limit(lua_State *L, double seconds) {
    flipside_state_info *info = flipside_info(L);
    info->fired = 0;
    info->limit = seconds > 0 ? seconds : 0;
    info->deadline = seconds > 0 ? flipside_monotonic_seconds() + seconds : 0;
    arm(L);
}

void flipside_clear_limits(lua_State *L) {
    flipside_state_info *info = flipside_info(L);
    info->fired = 0;
    info->cancel = 0;
    info->deadline = 0;
    info->limit = 0;
    lua_sethook(L, NULL, 0, 0);
}

void flipside_request_cancel(lua_State *L) {
    flipside_state_info *info = flipside_info(L);
    info->cancel = 1;
    lua_sethook(L, limit_hook, LUA_MASKCOUNT, 1000);
}

static int traceback_handler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    luaL_traceback(L, L, msg, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &traceback_key);
    lua_settop(L, 1);
    return 1;
}

int flipside_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &traceback_key);
    lua_pushcclosure(L, traceback_handler, 0);
    lua_insert(L, base);
    int status = lua_pcallk(L, nargs, nresults, base, 0, NULL);
    lua_remove(L, base);
    return status;
}

void flipside_push_last_traceback(lua_State *L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &traceback_key);
}

static int openlibs_body(lua_State *L) {
    luaL_openlibs(L);
    return 0;
}

int flipside_openlibs(lua_State *L) {
    lua_pushcclosure(L, openlibs_body, 0);
    return lua_pcallk(L, 0, 0, 0, 0, NULL);
}

int flipside_loadfile(lua_State *L, const char *path) {
    return luaL_loadfilex(L, path, NULL);
}

void *flipside_testudata(lua_State *L, int idx, const void *key) {
    void *p = lua_touserdata(L, idx);
    if (p == NULL || lua_islightuserdata(L, idx)) return NULL;
    if (!lua_getmetatable(L, idx)) return NULL;
    lua_rawgetp(L, LUA_REGISTRYINDEX, key);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same ? p : NULL;
}

int flipside_rawgetfield(lua_State *L, int idx, const char *k) {
    idx = lua_absindex(L, idx);
    lua_pushstring(L, k);
    return lua_rawget(L, idx);
}

void flipside_rawsetfield(lua_State *L, int idx, const char *k) {
    idx = lua_absindex(L, idx);
    lua_pushstring(L, k);
    lua_insert(L, -2);
    lua_rawset(L, idx);
}

const char *flipside_typename(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
        lua_pushstring(L, "__name");
        if (lua_rawget(L, -2) == LUA_TSTRING) {
            const char *name = lua_tostring(L, -1);
            lua_pop(L, 2); /* the metatable keeps the string alive */
            return name;
        }
        lua_pop(L, 2);
    }
    if (lua_type(L, idx) == LUA_TLIGHTUSERDATA) return "light userdata";
    return luaL_typename(L, idx);
}
