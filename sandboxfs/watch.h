/* Following the helper's state dir: STATE_DIR/containers/mesos-ID.json records, watched with
 * inotify, become containers; the sandboxes are watched too, to wake parked follow reads. */
#pragma once

#include <stdbool.h>

#include "error.h"
#include "tree.h"

struct policy_helper_conf;

/* Opens the record directory, loads every record and starts the watcher thread. */
int sbfs_watch_start(const struct policy_helper_conf *conf, md_error *err);
void sbfs_watch_stop(void);

/* Live and its sandbox directory still exists. Callers hold sbfs_lock. */
bool sbfs_ct_present(const struct sbfs_container *ct);
