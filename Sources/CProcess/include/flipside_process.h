#ifndef FLIPSIDE_PROCESS_H
#define FLIPSIDE_PROCESS_H

/* Process settings Swift cannot reach directly (prctl is variadic). */

/* The calling process receives SIGKILL when its parent exits. Returns 0 on success. */
int flipside_die_with_parent(void);

#endif
