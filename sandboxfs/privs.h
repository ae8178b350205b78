/* The capabilities of mesos-sandboxfs after the mount (libcap-ng), checked after the drop. */
#pragma once

#include "error.h"

/* The serving process: only CAP_DAC_READ_SEARCH (read any sandbox file, search any directory),
 * nothing else in any set, an empty bounding set, no new privileges, not dumpable. Must run
 * before any thread starts: capabilities are per thread. */
int sbfs_drop_to_reader(md_error *err);
/* The unmount keeper: only CAP_SYS_ADMIN, for the one umount2() it exists for. */
int sbfs_drop_to_unmounter(md_error *err);
