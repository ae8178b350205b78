/* What `--version` says after the program's name, the same in every program of the project: the
 * policy it reads, the state dir, and the build options that change what it may do. */
#pragma once

#include <stdio.h>

/* state_dir: the one the loaded policy names; NULL when it did not load, then why says so. */
void md_print_build_info(FILE *f, const char *state_dir, const char *why);
