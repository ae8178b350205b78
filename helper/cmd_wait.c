/* wait ID: the exit of a container, from any invocation, also after it was removed. */
#include "cleanup.h"
#include "exit_wait.h"
#include "json_cleanup.h"

int cmd_wait(struct helper *h, int argc, char **argv, md_error *err)
{
        if (argc != 2)
                return md_fail(err, MD_EXIT_USAGE, "usage: wait ID");
        char name[160];
        if (helper_container_name(argv[1], name, err) < 0)
                return -1;
        _cleanup_close_ int record_dirfd = md_record_dir_open(h->conf->state_dir, false, err);
        if (record_dirfd < 0) {
                md_error_clear(err); /* no state dir yet: no container was ever launched */
                return md_fail(err, MD_EXIT_NO_CONTAINER, "%s: no such container", name);
        }
        struct md_record r = {0};
        if (exit_wait_read_visible(h, record_dirfd, name, &r, err) < 0)
                return -1;
        md_record_clear(&r);
        if (helper_audit(h, name, NULL, true, "owner", "the caller's own container", err) < 0)
                return -1;
        if (exit_wait_for_record(h, record_dirfd, name, &r, err) < 0)
                return -1;
        _cleanup_json_ json_t *o = exit_wait_result_json(&r);
        md_record_clear(&r);
        return helper_print_json(o, err);
}
