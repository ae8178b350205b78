/* The one way a C test program runs its Check suite. A unit test defines unit_suite() and links
 * tests/unit/check_main.c, whose main() runs it; a test with set-up of its own around the run (a
 * server, a user) calls check_run() from its main. */
#ifndef MD_TESTS_CHECK_RUN_H
#define MD_TESTS_CHECK_RUN_H

#include <check.h>

/* Runs every case of s (Check's default fork mode, CK_FORK=no under valgrind), frees it, and
 * returns the exit status: EXIT_FAILURE when a case failed. */
int check_run(Suite *s);

/* The suite of a unit test program. */
Suite *unit_suite(void);

#endif
