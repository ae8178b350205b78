#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "docker.h"
#include "json_cleanup.h"
#include "reap.h"

struct exit_info {
        json_t *info; /* the daemon's inspect answer, NULL when the container is gone */
};

/* Applied under the record lock: a monitor that finished meanwhile wins, and destroy's
 * kill_requested, set at any time before, decides KILLED. */
static void edit_exited(struct md_record *r, void *arg)
{
        const struct exit_info *e = arg;
        if (r->state == MD_STATE_EXITED)
                return;
        struct md_exit_info x = {0};
        md_exit_info_from_state(json_object_get(e->info, "State"), &x);
        md_record_set_exited(r, &x);
}

int reap_container(const struct policy_helper_conf *conf, int record_dirfd, const struct md_record *r,
                   md_error *err)
{
        if (!r->docker_id) /* a launch is still pulling or creating: nothing to reap yet */
                return 0;
        struct docker *d = NULL;
        if (docker_open(conf->docker_socket, &d, err) < 0)
                return -1;
        struct exit_info e = {0};
        md_error ierr = {0};
        int rc = docker_container_inspect(d, r->docker_id, &e.info, &ierr);
        if (rc < 0 && rc != -ENOENT) {
                *err = ierr;
                goto out;
        }
        if (e.info && json_is_true(json_object_get(json_object_get(e.info, "State"), "Running"))) {
                rc = 0;
                goto out;
        }
        if (md_record_update(record_dirfd, r->container, edit_exited, &e, err) < 0) {
                rc = -1;
                goto out;
        }
        if (e.info) {
                md_error ignored = {0};
                docker_container_remove(d, r->docker_id, &ignored);
        }
        rc = 1;
out:
        json_decref(e.info);
        docker_close(d);
        return rc;
}
