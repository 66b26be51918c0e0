/* Debian's libedit through its readline-compatible interface (libedit-dev). */
#ifndef FLIPSIDE_CEDIT_SHIM_H
#define FLIPSIDE_CEDIT_SHIM_H
#include <stdio.h>
#include <editline/readline.h>
#endif
