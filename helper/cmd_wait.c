/* wait ID: the exit of a container, from any invocation, also after it was removed, for as long
 * as the policy keeps its record (keep-exited). */
#include <string.h>

#include "cleanup.h"
#include "exit_wait.h"
#include "json_cleanup.h"
#include "lookup.h"
#include "util.h"

/* No record (or not the caller's: the same answer, no probing): it may never have existed, or
 * it exited longer ago than the retention and was pruned. Say which retention. */
static int no_record(const struct helper *h, md_error *err)
{
        if (err->exit_code != MD_EXIT_NO_CONTAINER || h->conf->keep_exited < 0) /* never pruned */
                return -1;
        char keep[24], msg[sizeof err->message];
        policy_format_duration(h->conf->keep_exited, keep);
        snprintf(msg, sizeof msg,
                 "%s, or its record was pruned (records of exited containers are kept for %s: "
                 "keep-exited in the policy)",
                 err->message, keep);
        md_error_clear(err);
        return md_fail(err, MD_EXIT_NO_CONTAINER, "%s", msg);
}

int cmd_wait(struct helper *h, int argc, char **argv, md_error *err)
{
        if (argc != 2)
                return md_fail(err, MD_EXIT_USAGE, "usage: wait ID");
        _cleanup_close_ int record_dirfd = lookup_open_records(h, argv[1], err);
        struct md_record r = {0};
        if (record_dirfd < 0 || lookup_container(h, record_dirfd, argv[1], &r, err) < 0)
                return no_record(h, err);
        char name[MD_NAME_MAX + 1];
        snprintf(name, sizeof name, "%s", r.container);
        md_record_clear(&r);
        if (helper_audit(h, name, NULL, true, "owner", "the caller's own container", err) < 0)
                return -1;
        if (exit_wait_for_record(h, record_dirfd, name, &r, err) < 0)
                return no_record(h, err); /* pruned while it waited: a retention of 0 */
        _cleanup_json_ json_t *o = exit_wait_result_json(&r);
        md_record_clear(&r);
        return helper_print_json(o, err);
}
