/* info.json of a container: the record's public fields, rendered for readers. Pure. */
#pragma once

#include <stddef.h>

#include "record.h"

/* Renders {"container","docker_id","task_id","image","state","pid","exit_code","started_at",
 * "finished_at","owner_uid","sandbox"} (interface.md), pretty-printed with a final newline.
 * Returns 0 and a malloc'd text, or -ENOMEM. */
int sbfs_info_render(const struct md_record *r, char **out, size_t *out_len);
