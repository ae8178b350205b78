/* Reading the TaskInfo of `--task FILE` (or stdin) with the caller's rights, validated in an
 * unprivileged child; the helper then parses only the canonical JSON the child re-serialized. */
#pragma once

#include "error.h"
#include "privilege.h"
#include "task.h"

#define TASK_INPUT_MAX_BYTES (1024 * 1024)

int task_input_read(const struct privilege *priv, const char *task_file, struct task_spec **out,
                    md_error *err);
