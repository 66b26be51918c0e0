/*
 * The C between Swift and Lua: the one place a Lua error is raised on behalf of
 * Swift code, the traceback handler, the instruction-count hook, the allocator
 * that charges each state's heap to the memory budget, and a few protected
 * helpers. Swift frames are never on the stack when these raise.
 */
#ifndef FLIPSIDE_SHIM_H
#define FLIPSIDE_SHIM_H
#include <lua.h>
#include <lauxlib.h>
#include <stddef.h>

/* What a Swift dispatcher returns instead of raising. */
enum {
    FLIPSIDE_RAISE_MESSAGE = -1,  /* message string on top: raise it with file:line prepended */
    FLIPSIDE_RAISE_ARGUMENT = -2, /* [arg index, message, function name] on top: raise like luaL_argerror */
    FLIPSIDE_RAISE_VALUE = -3     /* any value on top: raise it unchanged */
};

/* Called by the trampoline with the boxed Swift function found in upvalue 1. */
typedef int (*flipside_dispatch_fn)(lua_State *L, void *box);
void flipside_set_dispatcher(flipside_dispatch_fn fn);

/* Pops the userdata on top (holding the box pointer) and pushes a callable closure. */
void flipside_push_trampoline(lua_State *L);

/* Per-state data kept behind lua_getextraspace. */
typedef struct flipside_state_info {
    void *host;             /* unretained pointer to the Swift VM object */
    double deadline;        /* monotonic seconds; 0 = none */
    double limit;           /* the limit, for the message */
    volatile int cancel;    /* set from any thread to interrupt */
    int fired;
    size_t heap;            /* bytes the Lua heap holds */
    size_t charged;         /* bytes of the memory budget taken for it (>= heap) */
    int swift;              /* Swift code drives the state: its allocations are never refused */
} flipside_state_info;

lua_State *flipside_newstate(void);
void flipside_close(lua_State *L);
flipside_state_info *flipside_info(lua_State *L);
/* The bytes this state's heap holds, as charged to the memory budget. */
size_t flipside_heap_bytes(lua_State *L);

/* Time limits and cancellation. seconds <= 0 clears the limit. */
void flipside_set_time_limit(lua_State *L, double seconds);
void flipside_clear_limits(lua_State *L);
void flipside_request_cancel(lua_State *L);
double flipside_monotonic_seconds(void);

/* The watchdog: once enabled (for the whole process, with a grace period in
   seconds), a state whose time limit has passed by the grace period without
   being cleared ends the process with a message and this status. */
#define FLIPSIDE_WATCHDOG_STATUS 124
void flipside_watchdog_enable(double grace_seconds);
void flipside_watchdog_arm(const flipside_state_info *owner, double deadline, double limit);
void flipside_watchdog_disarm(const flipside_state_info *owner);

/* Calls the function below nargs arguments under a traceback handler.
   On error the error value is left on top and the traceback in the registry. */
int flipside_pcall(lua_State *L, int nargs, int nresults);
/* Pushes the traceback captured by the last failed flipside_pcall (or nil). */
void flipside_push_last_traceback(lua_State *L);

/* Protected helpers: return LUA_OK or an error status with the message on top. */
int flipside_openlibs(lua_State *L);
/* mode as luaL_loadfilex: "t" text only, "b" binary only, NULL both. */
int flipside_loadfile(lua_State *L, const char *path, const char *mode);

/* Userdata whose metatable is the one stored under key in the registry, or NULL. */
void *flipside_testudata(lua_State *L, int idx, const void *key);
/* t[k] without metamethods, for a table at idx; returns the value's type. */
int flipside_rawgetfield(lua_State *L, int idx, const char *k);
/* t[k] = top, without metamethods; pops the value. */
void flipside_rawsetfield(lua_State *L, int idx, const char *k);
/* The __name of a value's metatable, or its type name, for error messages. */
const char *flipside_typename(lua_State *L, int idx);
/* Pushes a C `next` (raw, like the base library's): its errors, a bad key or
   a value that is not a table, are raised in C, with no Swift frame below. */
void flipside_push_raw_next(lua_State *L);

#endif
