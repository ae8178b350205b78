/* Giving a running container whose monitor died to a new monitor, so that its output goes on
 * without a lost or doubled byte (issue 6). Only the owner can do it: the sandbox's files are
 * reopened with the owner's rights, and the helper holds no capability to borrow anyone else's. */
#pragma once

#include "helper.h"
#include "record.h"

/* 1 when the container was adopted, 0 when it cannot be here (not the caller's, not RUNNING,
 * no docker id), -1 with err when the adoption failed. */
int adopt_container(const struct helper *h, const struct md_record *r, md_error *err);

/* The same with the output going to out_fd and err_fd (launch --attach: its own fds 1 and 2,
 * whose sizes the record's bases were taken from), which are taken and closed either way. */
int adopt_container_to(const struct helper *h, const struct md_record *r, int out_fd, int err_fd,
                       md_error *err);
