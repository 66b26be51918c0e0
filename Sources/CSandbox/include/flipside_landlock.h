/*
 * Landlock, the kernel's unprivileged sandbox: a process restricts itself to
 * reading and writing beneath a few folders and to no TCP at all. The
 * restriction holds for the calling thread and every thread and process it
 * starts afterwards, and cannot be lifted.
 */
#ifndef FLIPSIDE_LANDLOCK_H
#define FLIPSIDE_LANDLOCK_H

enum {
    FLIPSIDE_LANDLOCK_READ = 1,  /* read files, list folders */
    FLIPSIDE_LANDLOCK_WRITE = 2  /* also create, write, truncate, remove and rename */
};

/* The Landlock ABI version the kernel offers (>= 1), or -errno: -ENOSYS when the
   kernel has no Landlock, -EOPNOTSUPP when it is built in but disabled. */
int flipside_landlock_abi(void);

/* A ruleset that handles every file-system right of `abi`, TCP bind and connect
   (ABI >= 4) and, from ABI 6, abstract Unix sockets and signals to processes
   outside the sandbox. Returns its descriptor or -errno. */
int flipside_landlock_ruleset(int abi);

/* Allows `rights` beneath the folder `path`, or on the file `path` (then only the
   rights a file can have). Returns 0 or -errno (-ENOENT: no such path). */
int flipside_landlock_allow(int ruleset, int abi, const char *path, int rights);

/* Sets no_new_privs and restricts the calling thread; closes the ruleset.
   Returns 0 or -errno. */
int flipside_landlock_enforce(int ruleset);

#endif
