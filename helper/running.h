/* What `usage` and `update` act on: a running container of the caller's. */
#pragma once

#include "docker.h"
#include "helper.h"

/* Finds the caller's running container by ID (its name into name, its docker id or name into
 * *docker_ref, malloc'd) and opens the daemon into *d. MD_EXIT_NO_CONTAINER when it is not
 * there, not the caller's or not running. */
int running_open(struct helper *h, const char *id, char name[static MD_NAME_MAX + 1], char **docker_ref,
                 struct docker **d, md_error *err);
