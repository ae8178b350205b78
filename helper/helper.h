/* What every command of the helper gets: who called, what the policy says, where to audit. */
#pragma once

#include <stdbool.h>

#include "audit.h"
#include "caller.h"
#include "error.h"
#include "format.h"
#include "policy.h"
#include "privilege.h"
#include "util.h"

struct helper {
        const char *command; /* "launch", "wait", … */
        struct privilege priv;
        struct caller caller;
        struct policy *policy;
        const struct policy_helper_conf *conf;
        const struct policy_section *section; /* the caller's section, NULL: default deny */
        int audit_fd; /* -1 until opened */
        int exit_status; /* what main exits with when the command succeeds (launch --attach) */
        enum format_style format; /* --format, or a table when stdout is a terminal */
};

/* One audit record for this command's decision; fails closed (the caller returns the error). */
int helper_audit(struct helper *h, const char *container, const char *image, bool allow, const char *rule,
                 const char *reason, md_error *err);

/* Opens the audit log named by the policy (once). */
int helper_open_audit(struct helper *h, md_error *err);

/* "mesos-ID" from a command-line ID, or MD_EXIT_USAGE naming the ID. */
int helper_container_name(const char *id, char name[static MD_NAME_MAX + 1], md_error *err);

/* After a failed lookup of arg: a "no such container" is a denial on the audit trail (another
 * caller's container looks the same). Returns -1, err kept unless the audit itself failed. */
int helper_audit_not_found(struct helper *h, const char *arg, md_error *err);

/* After a failure: when err is a denial (MD_EXIT_DENIED, e.g. a sandbox outside the roots, a
 * redirect to a scheme the policy does not list), it is a decision and goes on the audit trail
 * under rule, with err's message as the reason. Returns -1, err kept unless the audit failed. */
int helper_audit_denied(struct helper *h, const char *container, const char *image, const char *rule,
                        md_error *err);

/* A denial the policy decided: audited under rule with why, then err is MD_EXIT_DENIED
 * "denied: why". Returns -1. */
int helper_deny(struct helper *h, const char *container, const char *image, const char *rule, const char *why,
                md_error *err);

/* May the caller see the container? Root sees all; everyone else only its own. */
bool helper_may_see(const struct helper *h, uid_t owner_uid);

/* Prints one JSON value and a newline on stdout, and checks that it got there. */
int helper_print_json(json_t *value, md_error *err);

/* The command's result as h->format says: that JSON, or view of it for a person (format.h). */
int helper_print(const struct helper *h, enum format_view view, json_t *value, md_error *err);

/* The commands. Each returns 0 or -1 with err set; argv[0] is the command name. */
int cmd_launch(struct helper *h, int argc, char **argv, md_error *err);
int cmd_wait(struct helper *h, int argc, char **argv, md_error *err);
int cmd_destroy(struct helper *h, int argc, char **argv, md_error *err);
int cmd_list(struct helper *h, int argc, char **argv, md_error *err);
int cmd_recover(struct helper *h, int argc, char **argv, md_error *err);
int cmd_usage(struct helper *h, int argc, char **argv, md_error *err);
int cmd_update(struct helper *h, int argc, char **argv, md_error *err);
int cmd_fetch(struct helper *h, int argc, char **argv, md_error *err);
int cmd_policy(struct helper *h, int argc, char **argv, md_error *err);
int cmd_policy_show(struct helper *h, int argc, char **argv, md_error *err); /* `policy show` */
int cmd_refuse(struct helper *h, int argc, char **argv, md_error *err);
int cmd_inspect(struct helper *h, int argc, char **argv, md_error *err);
int cmd_kill(struct helper *h, int argc, char **argv, md_error *err);
int cmd_rm(struct helper *h, int argc, char **argv, md_error *err);
int cmd_pull(struct helper *h, int argc, char **argv, md_error *err);
int cmd_exec(struct helper *h, int argc, char **argv, md_error *err);
int cmd_doctor(struct helper *h, int argc, char **argv, md_error *err); /* h->policy NULL: it did not load */
int cmd_monitor(struct helper *h, int argc, char **argv, md_error *err);
