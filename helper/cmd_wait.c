/* wait ID: the exit of a container, from any invocation, also after it was removed. */
#include "cleanup.h"
#include "exit_wait.h"
#include "json_cleanup.h"
#include "lookup.h"
#include "util.h"

int cmd_wait(struct helper *h, int argc, char **argv, md_error *err)
{
        if (argc != 2)
                return md_fail(err, MD_EXIT_USAGE, "usage: wait ID");
        _cleanup_close_ int record_dirfd = lookup_open_records(h, argv[1], err);
        struct md_record r = {0};
        if (record_dirfd < 0 || lookup_container(h, record_dirfd, argv[1], &r, err) < 0)
                return -1;
        char name[MD_NAME_MAX + 1];
        snprintf(name, sizeof name, "%s", r.container);
        md_record_clear(&r);
        if (helper_audit(h, name, NULL, true, "owner", "the caller's own container", err) < 0)
                return -1;
        if (exit_wait_for_record(h, record_dirfd, name, &r, err) < 0)
                return -1;
        _cleanup_json_ json_t *o = exit_wait_result_json(&r);
        md_record_clear(&r);
        return helper_print_json(o, err);
}
