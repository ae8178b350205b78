/* Skipping a live C suite, or one of its cases, that cannot run on this machine: a skip, or a
 * failure where MD_TEST_NO_SKIP=1 (CI sets it: a suite that skipped there proved nothing). */
#pragma once

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline bool skip_is_failure(void)
{
        const char *v = getenv("MD_TEST_NO_SKIP");
        return v && strcmp(v, "1") == 0;
}

/* The exit status of a whole suite that cannot run: 77 (meson: SKIP), or 1. */
static inline int skip_suite(const char *why)
{
        fprintf(stderr, "skipped: %s%s\n", why, skip_is_failure() ? " (a failure: MD_TEST_NO_SKIP=1)" : "");
        return skip_is_failure() ? 1 : 77;
}

/* Inside a case (which then returns): a note, or a failed check. */
#define SKIP_CASE(...)                                                                                       \
        do {                                                                                                 \
                if (skip_is_failure())                                                                       \
                        ck_abort_msg("skipped, and MD_TEST_NO_SKIP=1: " __VA_ARGS__);                        \
                fprintf(stderr, "skipped: " __VA_ARGS__);                                                    \
                fputc('\n', stderr);                                                                         \
        } while (0)
