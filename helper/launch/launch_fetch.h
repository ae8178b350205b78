/* The seed's step 1: fetching a task's URIs into its sandbox (launch_fetch.c). */
#pragma once

#include "launch_plan.h"

/* Every command.uris entry into the sandbox, as the caller. log_fd is the sandbox's stderr,
 * where the fetch log goes. A redirect to a scheme the policy does not list is a denial, on the
 * audit trail (MD_EXIT_DENIED). */
int launch_fetch_uris(struct helper *h, const struct launch_plan *plan, int log_fd, md_error *err);
