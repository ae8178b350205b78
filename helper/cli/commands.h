/* The commands of mesos-docker. Each returns the exit code (having printed docker's answer, or
 * relayed the helper's message), or -1 with err for main to print. */
#pragma once

#include <jansson.h>

#include "cli.h"
#include "error.h"

int cmd_run(struct cli_request *req, md_error *err);
/* A `run` line that cli_parse refused: the helper records the refusal (its `refuse` parses the
 * line again and audits only a line it refuses too; the front end cannot write the audit log).
 * The refusal stands whatever the helper says. */
void cmd_refused_run(int argc, char **argv);
int cmd_explain(struct cli_request *req, md_error *err);
int cmd_inspect(struct cli_request *req, md_error *err);
int cmd_ps(struct cli_request *req, md_error *err);
int cmd_wait(struct cli_request *req, md_error *err);
int cmd_logs(struct cli_request *req, md_error *err);
int cmd_stop(struct cli_request *req, md_error *err);
int cmd_kill(struct cli_request *req, md_error *err);
int cmd_rm(struct cli_request *req, md_error *err);
int cmd_pull(struct cli_request *req, md_error *err);
int cmd_exec(struct cli_request *req, md_error *err);

/* The helper's `list` of the caller's containers (a JSON array), or NULL and err. */
json_t *cli_list(md_error *err);
/* The caller's container NAME, from `list` (see cli_match_container): 0 and *entry (a new
 * reference); 1 when there is none, having printed "Error: No such container: NAME"; -1 and err. */
int cli_resolve(const char *name, json_t **entry, md_error *err);
