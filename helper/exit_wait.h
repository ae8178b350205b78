/* Waiting for a container's exit record, from any invocation (interface.md `wait`). */
#pragma once

#include "helper.h"
#include "record.h"

/* Reads the record of name; MD_EXIT_NO_CONTAINER when there is none or the caller may not see it. */
int exit_wait_read_visible(const struct helper *h, int record_dirfd, const char *name, struct md_record *out,
                           md_error *err);

/* Blocks until the record says EXITED (the monitor writes it after the output is drained), and
 * returns it. When the monitor is gone without writing it, reaps the container itself. */
int exit_wait_for_record(const struct helper *h, int record_dirfd, const char *name, struct md_record *out,
                         md_error *err);

/* For a container whose monitor is gone: adopts it (the owner's running container gets a new
 * monitor) or reaps it. 1 when it was adopted or its exit recorded, 0 when nothing could be done
 * yet, -1 with err. It needs the Docker daemon: in the helper it loads the engine (engine.c), in
 * the engine it runs directly (engine_module.c). */
int exit_wait_rescue(const struct helper *h, int record_dirfd, const struct md_record *r, md_error *err);

/* {"container","status","exit_code","signal","oom_killed","finished_at"} */
json_t *exit_wait_result_json(const struct md_record *r);
