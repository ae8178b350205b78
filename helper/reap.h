/* Finishing a container whose monitor is gone (died, killed, or never started because the helper
 * was killed mid-launch): record its exit from the daemon and remove it. */
#pragma once

#include "policy.h"
#include "record.h"

/* Returns 1 when the record was finished (EXITED written), 0 when the container still runs
 * (nothing to do yet), -1 on error. */
int reap_container(const struct policy_helper_conf *conf, int record_dirfd, const struct md_record *r,
                   md_error *err);
