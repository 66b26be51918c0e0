#include "flipside_budget.h"
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static _Atomic size_t used;
static _Atomic size_t limit; /* 0: not decided yet */
static void (*_Atomic reclaimer)(void);

size_t flipside_physical_memory(void) {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages > 0 && size > 0 && (size_t)pages < SIZE_MAX / (size_t)size) return (size_t)pages * (size_t)size;
    return SIZE_MAX;
}

/* MemAvailable from /proc/meminfo, else the machine's memory. */
static size_t available_memory(void) {
    size_t kb = 0;
    FILE *meminfo = fopen("/proc/meminfo", "r");
    if (meminfo != NULL) {
        char line[128];
        while (fgets(line, sizeof line, meminfo) != NULL)
            if (sscanf(line, "MemAvailable: %zu kB", &kb) == 1) break;
        fclose(meminfo);
    }
    if (kb > 0 && kb < SIZE_MAX / 1024) return kb * 1024;
    return flipside_physical_memory();
}

static size_t default_limit(void) {
    const char *megabytes = getenv("FLIPSIDE_MEMORY");
    if (megabytes != NULL && *megabytes != '\0') {
        char *end = NULL;
        unsigned long long mb = strtoull(megabytes, &end, 10);
        if (end != NULL && *end == '\0' && mb > 0 && mb < SIZE_MAX / (1024 * 1024)) return (size_t)mb * 1024 * 1024;
    }
    size_t available = available_memory();
    return available == SIZE_MAX ? SIZE_MAX : available - available / 16;
}

size_t flipside_budget_limit(void) {
    size_t current = atomic_load(&limit);
    if (current != 0) return current;
    size_t decided = default_limit();
    return atomic_compare_exchange_strong(&limit, &current, decided) ? decided : current;
}

void flipside_budget_set_limit(size_t bytes) { atomic_store(&limit, bytes); }

size_t flipside_budget_used(void) { return atomic_load(&used); }

const char *flipside_budget_summary(void) {
    static _Thread_local char text[160];
    const double megabyte = 1024.0 * 1024.0;
    snprintf(text, sizeof text,
             "tensors and Lua hold %.1f of the %.1f MB this process may use (--memory MB changes it)",
             (double)flipside_budget_used() / megabyte, (double)flipside_budget_limit() / megabyte);
    return text;
}

int flipside_budget_charge(size_t bytes) {
    size_t cap = flipside_budget_limit();
    size_t current = atomic_load(&used);
    do {
        if (bytes > cap || current > cap - bytes) return 0;
    } while (!atomic_compare_exchange_weak(&used, &current, current + bytes));
    return 1;
}

void flipside_budget_force(size_t bytes) { atomic_fetch_add(&used, bytes); }

void flipside_budget_release(size_t bytes) { atomic_fetch_sub(&used, bytes); }

void flipside_budget_set_reclaimer(void (*reclaim)(void)) { atomic_store(&reclaimer, reclaim); }

void flipside_budget_reclaim(void) {
    void (*reclaim)(void) = atomic_load(&reclaimer);
    if (reclaim != NULL) reclaim();
}
