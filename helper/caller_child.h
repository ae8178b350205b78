/* Running a piece of work as the caller, in a child process that has fully become the caller,
 * and getting its output back. Used where hostile data is read or parsed (design.md: parsers of
 * hostile data never run with privileges): the task file, a policy file under `policy check`. */
#pragma once

#include <stddef.h>

#include "error.h"
#include "privilege.h"

/* fn runs in the child after privilege_become_caller; it writes its result into *out (malloc'd)
 * or fails with err. The child sends back the bytes (at most max_out) or the error, and exits. */
typedef int (*caller_child_fn)(void *userdata, char **out, size_t *out_len, md_error *err);

int caller_child_run(const struct privilege *priv, caller_child_fn fn, void *userdata, size_t max_out,
                     char **out, size_t *out_len, md_error *err);
