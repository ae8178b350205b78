/* The per-URI work of the caller-side child (fetch_item.c). */
#pragma once

#include <sys/types.h>

#include "fetch_internal.h"

/* One line "mesos-docker-helper: ..." appended to the sandbox's stderr (log_fd -1: none). */
void fetch_log(int log_fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int fetch_item_run(const struct fetch_request *req, const struct fetch_item *it, mode_t umask_bits,
                   md_error *err);
