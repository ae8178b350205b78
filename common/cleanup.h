/* Scope-bound cleanup for the resources the project holds (systemd/crun style).
 * Every destructor accepts NULL, so a variable may be declared before it is set. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

static inline void md_freep(void *p)
{
        free(*(void **)p);
}
static inline void md_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno; /* close() in a cleanup must not clobber the errno being reported */
                close(*fd);
                errno = saved;
        }
}
static inline void md_fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(md_freep)
#define _cleanup_close_ _cleanup_(md_closep)
#define _cleanup_fclose_ _cleanup_(md_fclosep)

/* Hand a cleaned-up value to the caller: the variable forgets it. */
#define MD_TAKE_PTR(p)                                                                                       \
        ({                                                                                                   \
                __typeof__(p) _tp = (p);                                                                     \
                (p) = NULL;                                                                                  \
                _tp;                                                                                         \
        })
#define MD_TAKE_FD(fd)                                                                                       \
        ({                                                                                                   \
                int _tfd = (fd);                                                                             \
                (fd) = -1;                                                                                   \
                _tfd;                                                                                        \
        })

/* Library-specific cleanups live next to their library's include, so that a file
 * includes only what it links: see json_cleanup.h, and the curl/archive ones in
 * their modules. */
