#include "flipside_shim.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The watchdog behind the count hook. The hook cannot stop a C function that
   runs long, a message handler or a finalizer (Lua runs these with hooks off),
   so once a state's deadline plus the grace period has passed with the limit
   still armed, this thread ends the process. */

typedef struct {
    const flipside_state_info *owner;
    double deadline;
    double limit;
} armed_limit;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed;
static armed_limit *armed = NULL;
static size_t count = 0, capacity = 0;
static double grace = -1; /* < 0: the watchdog is off */

static void die(double limit) {
    char text[400];
    int n = snprintf(text, sizeof text,
                     "\nflipside: the time limit of %g s was exceeded and the script did not stop within %g s more "
                     "(a long native call, a message handler or a finalizer that does not return): "
                     "the watchdog ended the process\n", limit, grace);
    /* Whatever the script printed goes first, unless another thread holds stdout. */
    if (ftrylockfile(stdout) == 0) {
        fflush_unlocked(stdout);
        funlockfile(stdout);
    }
    if (n > 0) {
        ssize_t written = write(2, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
        (void)written;
    }
    _exit(FLIPSIDE_WATCHDOG_STATUS);
}

static void *watch(void *unused) {
    (void)unused;
    pthread_mutex_lock(&lock);
    for (;;) {
        size_t first = count;
        for (size_t i = 0; i < count; i++)
            if (first == count || armed[i].deadline < armed[first].deadline) first = i;
        if (first == count) {
            pthread_cond_wait(&changed, &lock);
            continue;
        }
        double end = armed[first].deadline + grace;
        if (flipside_monotonic_seconds() >= end) die(armed[first].limit);
        struct timespec until = { (time_t)end, (long)((end - (double)(time_t)end) * 1e9) };
        pthread_cond_timedwait(&changed, &lock, &until);
    }
    return NULL;
}

void flipside_watchdog_enable(double grace_seconds) {
    pthread_mutex_lock(&lock);
    if (grace < 0) {
        pthread_condattr_t attributes;
        pthread_condattr_init(&attributes);
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
        pthread_cond_init(&changed, &attributes);
        pthread_condattr_destroy(&attributes);
        pthread_t thread;
        if (pthread_create(&thread, NULL, watch, NULL) == 0) {
            pthread_detach(thread);
            grace = grace_seconds;
        }
    }
    pthread_mutex_unlock(&lock);
}

void flipside_watchdog_arm(const flipside_state_info *owner, double deadline, double limit) {
    pthread_mutex_lock(&lock);
    if (grace >= 0) {
        size_t i = 0;
        while (i < count && armed[i].owner != owner) i++;
        if (i == count) {
            if (count == capacity) {
                size_t bigger = capacity ? 2 * capacity : 16;
                armed_limit *grown = realloc(armed, bigger * sizeof *grown);
                /* Without room, this limit has the hook alone. */
                if (grown == NULL) { pthread_mutex_unlock(&lock); return; }
                armed = grown;
                capacity = bigger;
            }
            count++;
        }
        armed[i] = (armed_limit){ owner, deadline, limit };
        pthread_cond_signal(&changed);
    }
    pthread_mutex_unlock(&lock);
}

void flipside_watchdog_disarm(const flipside_state_info *owner) {
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < count; i++) {
        if (armed[i].owner == owner) {
            armed[i] = armed[--count];
            break;
        }
    }
    pthread_mutex_unlock(&lock);
}
