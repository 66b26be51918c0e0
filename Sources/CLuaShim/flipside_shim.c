#include "flipside_shim.h"
#include <flipside_budget.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lualib.h>

static flipside_dispatch_fn dispatcher = NULL;
static void arm(lua_State *L);
static const char traceback_key = 0;

/* Every VM sets the same dispatcher, possibly from several threads at once. */
void flipside_set_dispatcher(flipside_dispatch_fn fn) { __atomic_store_n(&dispatcher, fn, __ATOMIC_RELEASE); }

/* Like luaL_argerror, but falls back to the function's registered name
   (on top, above [arg, message]) when Lua cannot name the callee. Pushes the
   message; the caller raises it. */
static void push_argument_error(lua_State *L) {
    int arg = (int)lua_tointeger(L, -3);
    const char *message = lua_tostring(L, -2);
    const char *name = lua_tostring(L, -1);
    lua_Debug ar;
    if (lua_getstack(L, 0, &ar)) {
        lua_getinfo(L, "n", &ar);
        if (ar.namewhat != NULL && strcmp(ar.namewhat, "method") == 0) {
            arg--;
            if (arg == 0) {
                luaL_where(L, 1);
                lua_pushfstring(L, "calling '%s' on bad self (%s)", ar.name ? ar.name : name, message);
                lua_concat(L, 2);
                return;
            }
        }
        if (ar.name != NULL) name = ar.name;
    }
    luaL_where(L, 1);
    lua_pushfstring(L, "bad argument #%d to '%s' (%s)", arg, name, message);
    lua_concat(L, 2);
}

/* The state whose native function runs on this thread: the one a tensor
   allocation over budget collects before it gives up. Swift frames are on the
   stack then; a full collection raises nothing (finalizers run protected, their
   errors become warnings), and lua_gc does nothing while a finalizer runs. */
static _Thread_local lua_State *running = NULL;
static _Thread_local int reclaiming = 0;

static void collect_running_state(void) {
    if (running == NULL || reclaiming) return;
    reclaiming = 1;
    lua_gc(running, LUA_GCCOLLECT);
    reclaiming = 0;
}

static int trampoline(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, lua_upvalueindex(1));
    flipside_dispatch_fn dispatch = __atomic_load_n(&dispatcher, __ATOMIC_ACQUIRE);
    if (dispatch == NULL || slot == NULL || *slot == NULL)
        return luaL_error(L, "flipside: native function is no longer available");
    flipside_state_info *info = flipside_info(L);
    lua_State *outer = running;
    int outer_swift = info->swift;
    running = L;
    info->swift = 1;
    int n = dispatch(L, *slot);
    info->swift = outer_swift;
    running = outer;
    if (n >= 0) return n;
    /* The Swift frame has returned: raising now jumps over C only. The
       message is built with allocations the budget cannot refuse (the
       reserve): an error that memory ran out must not itself run out. */
    info->swift = 1;
    switch (n) {
    case FLIPSIDE_RAISE_MESSAGE:
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        break;
    case FLIPSIDE_RAISE_ARGUMENT:
        push_argument_error(L);
        break;
    default:
        break;
    }
    info->swift = outer_swift;
    return lua_error(L);
}

void flipside_push_trampoline(lua_State *L) { lua_pushcclosure(L, trampoline, 1); }

flipside_state_info *flipside_info(lua_State *L) {
    return *(flipside_state_info **)lua_getextraspace(L);
}

/* A state's heap is charged to the budget a grain at a time, so that most
   allocations touch only the state's own counters. */
#define HEAP_GRAIN ((size_t)1 << 20)

static int charge_heap(flipside_state_info *info, size_t bytes) {
    size_t heap = info->heap + bytes;
    if (heap > info->charged) {
        size_t need = heap - info->charged;
        size_t grant = (need + HEAP_GRAIN - 1) / HEAP_GRAIN * HEAP_GRAIN;
        if (!flipside_budget_charge(grant)) {
            /* Swift code is on the stack: a memory error raised now would jump
               over its frames, so it gets the bytes, over the budget or not. */
            if (info->swift) flipside_budget_force(need);
            else if (!flipside_budget_charge(need)) return 0;
            grant = need;
        }
        info->charged += grant;
    }
    info->heap = heap;
    return 1;
}

static void release_heap(flipside_state_info *info, size_t bytes) {
    info->heap -= bytes < info->heap ? bytes : info->heap;
    if (info->charged - info->heap > 4 * HEAP_GRAIN) {
        size_t back = info->charged - info->heap - HEAP_GRAIN;
        flipside_budget_release(back);
        info->charged -= back;
    }
}

/* Bytes an allocation takes from the address space, not the bytes asked for:
   glibc rounds each block up to 16 bytes with an 8-byte header (32 at least),
   and a table of a million closures holds a third more than Lua counts. */
static size_t block_size(void *block) {
    return block != NULL ? malloc_usable_size(block) + sizeof(size_t) : 0;
}

static size_t expected_size(size_t requested) {
    size_t chunk = (requested + sizeof(size_t) + 15) & ~(size_t)15;
    return chunk < 32 ? 32 : chunk;
}

/* lua_Alloc over realloc/free that keeps the heap within the budget while Lua
   code runs, counting each block as the allocator really hands it out. The
   growth is charged before the allocation (as glibc will round it), then set
   right once the block's real size is known. A refused growth returns NULL:
   Lua then collects and, if that is not enough, raises "not enough memory",
   which pcall catches. A shrink never fails (Lua relies on it): if realloc
   cannot shrink, the block stays as it was. */
static void *budget_alloc(void *ud, void *block, size_t old_size, size_t new_size) {
    flipside_state_info *info = ud;
    size_t old = block != NULL ? block_size(block) : 0;
    if (new_size == 0) {
        free(block);
        release_heap(info, old);
        return NULL;
    }
    size_t expected = expected_size(new_size);
    size_t charged = expected > old ? expected - old : 0;
    if (charged > 0 && !charge_heap(info, charged)) return NULL;
    void *moved = realloc(block, new_size);
    if (moved == NULL) {
        release_heap(info, charged);
        return block != NULL && new_size <= old_size ? block : NULL;
    }
    size_t now = block_size(moved), counted = old + charged;
    if (now > counted) {
        /* The block exists: its extra bytes are taken whether they fit or not. */
        int swift = info->swift;
        info->swift = 1;
        charge_heap(info, now - counted);
        info->swift = swift;
    } else {
        release_heap(info, counted - now);
    }
    return moved;
}

static int panic(lua_State *L) {
    const char *message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(error object is not a string)";
    fprintf(stderr, "flipside: unprotected error in a Lua state: %s\n", message);
    return 0; /* Lua aborts */
}

lua_State *flipside_newstate(void) {
    flipside_state_info *info = calloc(1, sizeof *info);
    if (info == NULL) return NULL;
    /* The state is made by the budget's allocator: every block it ever holds is charged. */
    lua_State *L = lua_newstate(budget_alloc, info);
    if (L == NULL) {
        flipside_budget_release(info->charged);
        free(info);
        return NULL;
    }
    lua_atpanic(L, panic);
    *(flipside_state_info **)lua_getextraspace(L) = info;
    info->swift = 1; /* the host drives the state until it calls Lua */
    arm(L);
    flipside_budget_set_reclaimer(collect_running_state);
    return L;
}

void flipside_close(lua_State *L) {
    flipside_state_info *info = flipside_info(L);
    flipside_watchdog_disarm(info);
    lua_sethook(L, NULL, 0, 0);
    lua_close(L);
    flipside_budget_release(info->charged);
    free(info);
}

size_t flipside_heap_bytes(lua_State *L) { return flipside_info(L)->heap; }

double flipside_monotonic_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The hook is installed from a state's creation on and never removed: a
   coroutine takes its hook from the thread that creates it, so one created
   while no limit was set must still check the limit set later. It looks at
   the limit every BASE_COUNT instructions; once fired, on every line and
   instruction, so that a script cannot swallow the stop with pcall. */
#define BASE_COUNT 10000

static void limit_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    flipside_state_info *info = flipside_info(L);
    if (!info->fired) {
        int over = info->deadline > 0 && flipside_monotonic_seconds() >= info->deadline;
        if (!info->cancel && !over) {
            /* A coroutine left on every line by an earlier limit calms down. */
            if (lua_gethookmask(L) != LUA_MASKCOUNT || lua_gethookcount(L) != BASE_COUNT)
                lua_sethook(L, limit_hook, LUA_MASKCOUNT, BASE_COUNT);
            return;
        }
        info->fired = 1;
        lua_sethook(L, limit_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
    }
    if (info->cancel) luaL_error(L, "interrupted");
    luaL_error(L, "time limit of %f s exceeded", (lua_Number)info->limit);
}

static void arm(lua_State *L) {
    flipside_state_info *info = flipside_info(L);
    lua_sethook(L, limit_hook, LUA_MASKCOUNT, BASE_COUNT);
    if (info->deadline > 0) flipside_watchdog_arm(info, info->deadline, info->limit);
    else flipside_watchdog_disarm(info);
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
    arm(L);
}

void flipside_request_cancel(lua_State *L) {
    flipside_state_info *info = flipside_info(L);
    info->cancel = 1;
    lua_sethook(L, limit_hook, LUA_MASKCOUNT, 1000);
}

static int tostring_body(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

/* The error value at 1 as a message, pushed: a string or number as it is, a
   value with __tostring through it (run protected: it may fail or raise), any
   other as the standalone lua names it. */
static const char *push_error_message(lua_State *L) {
    if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
        lua_pushvalue(L, 1);
        return lua_tostring(L, -1);
    }
    const char *type = luaL_typename(L, 1);
    if (luaL_getmetafield(L, 1, "__tostring") == LUA_TNIL)
        return lua_pushfstring(L, "(error object is a %s value)", type);
    lua_pop(L, 1);
    lua_pushcclosure(L, tostring_body, 0);
    lua_pushvalue(L, 1);
    /* The script's __tostring allocates under the budget like any Lua code. */
    flipside_state_info *info = flipside_info(L);
    int swift = info->swift;
    info->swift = 0;
    int status = lua_pcallk(L, 1, 1, 0, 0, NULL);
    info->swift = swift;
    if (status == LUA_OK) return lua_tostring(L, -1);
    const char *why = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "no message";
    const char *msg = lua_pushfstring(L, "(error object is a %s value; its __tostring failed: %s)", type, why);
    lua_remove(L, -2);
    return msg;
}

/* Keeps the traceback in the registry; a value that is not a string becomes
   its message, so that every failure has a message line. */
static int traceback_handler(lua_State *L) {
    flipside_state_info *info = flipside_info(L);
    int swift = info->swift;
    info->swift = 1; /* the reserve: the message and traceback are always built */
    int text = lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER;
    const char *msg = push_error_message(L);
    luaL_traceback(L, L, msg, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &traceback_key);
    if (!text) lua_replace(L, 1);
    lua_settop(L, 1);
    info->swift = swift;
    return 1;
}

int flipside_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &traceback_key);
    lua_pushcclosure(L, traceback_handler, 0);
    lua_insert(L, base);
    flipside_state_info *info = flipside_info(L);
    int outer_swift = info->swift;
    info->swift = 0; /* Lua code runs protected: its allocations may be refused */
    int status = lua_pcallk(L, nargs, nresults, base, 0, NULL);
    info->swift = outer_swift;
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

int flipside_loadfile(lua_State *L, const char *path, const char *mode) {
    return luaL_loadfilex(L, path, mode);
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

static int raw_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

void flipside_push_raw_next(lua_State *L) {
    lua_pushcclosure(L, raw_next, 0);
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
