/*
 * The process's memory budget: the bytes that tensors and Lua heaps may hold
 * together. Linux hands out memory lazily and kills the process once it runs
 * out; charging every tensor and every Lua allocation against a budget turns
 * that kill into an error a script can catch.
 */
#ifndef FLIPSIDE_BUDGET_H
#define FLIPSIDE_BUDGET_H
#include <stddef.h>

/* Takes bytes from the budget: 1 if they fit under the limit, else 0 (nothing taken). */
int flipside_budget_charge(size_t bytes);
/* Takes bytes whether they fit or not: for an allocation that must not fail. */
void flipside_budget_force(size_t bytes);
/* Gives back bytes taken by flipside_budget_charge or flipside_budget_force. */
void flipside_budget_release(size_t bytes);

/* The limit in bytes: the one set, else $FLIPSIDE_MEMORY (MB), else 15/16 of
   the memory available (MemAvailable) when the budget was first used. */
size_t flipside_budget_limit(void);
/* Sets the limit; 0 goes back to the default. */
void flipside_budget_set_limit(size_t bytes);
size_t flipside_budget_used(void);
/* "tensors and Lua hold U of the L MB this process may use (...)", for error
   messages: a buffer of the calling thread, rewritten by the next call. */
const char *flipside_budget_summary(void);

/* The machine's memory in bytes (SIZE_MAX if unknown). */
size_t flipside_physical_memory(void);

/* A function that frees what it can (a garbage collection of the Lua state
   running on the calling thread), called before a charge is refused. */
void flipside_budget_set_reclaimer(void (*reclaim)(void));
void flipside_budget_reclaim(void);

#endif
