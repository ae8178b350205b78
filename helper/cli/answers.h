/* What the helper answers (its `list` entries, its `wait` result) -> docker's output. Pure. */
#pragma once

#include <stdbool.h>
#include <jansson.h>

/* Finds the caller's container NAME in the helper's `list` array: mesos-ID, /mesos-ID, ID, a
 * docker id or a unique prefix of one. 0 and *out (borrowed), -ENOENT, or -EEXIST when a prefix
 * names more than one. */
int cli_match_container(json_t *list, const char *name, json_t **out);
/* The Mesos container ID of a `list` entry ("mesos-ID" -> "ID"). */
const char *cli_entry_id(json_t *entry);
/* `docker ps [-a]`: a header line, then one line per container with its name last. malloc'd. */
char *cli_format_ps(json_t *list, bool all, bool no_trunc);
/* The exit code from the helper's `wait` result (docker's: 128+N after signal N). */
int cli_wait_exit_code(json_t *result, long *code);
