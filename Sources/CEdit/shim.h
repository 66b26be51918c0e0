/* Debian's libedit through its readline-compatible interface (libedit-dev). */
#ifndef FLIPSIDE_CEDIT_SHIM_H
#define FLIPSIDE_CEDIT_SHIM_H
#include <stdio.h>
#include <editline/readline.h>

/* Swift 6 refuses to touch C's mutable globals: the completion hook's are reached here. */

/* Tab calls `hook`; every byte that cannot be part of a Lua name ends the word it
   completes, and nothing is added after a completed word. */
static inline void cedit_install_completion(rl_completion_func_t *hook) {
    rl_basic_word_break_characters = " \t\n!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~";
    rl_completion_append_character = 0;
    rl_attempted_completion_function = hook;
}
/* Called from the hook: an empty answer means no completion, not file names. */
static inline void cedit_completion_over(void) { rl_attempted_completion_over = 1; }
static inline const char *cedit_line(void) { return rl_line_buffer; }
static inline int cedit_cursor(void) { return rl_point; }
#endif
